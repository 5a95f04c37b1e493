import { describe, expect, it } from 'vitest';
import { downmixStereo, upmixMono } from './downmix.ts';

describe('downmixStereo', () => {
  it('averages left and right without clipping', () => {
    const out = downmixStereo(Int16Array.from([100, 300, -100, -301, 32767, 32767, -32768, -32768, 32767, -32768, 5, 0]));
    expect(Array.from(out)).toEqual([200, -201, 32767, -32768, -1, 2]);
  });

  it('ignores a trailing half frame', () => {
    expect(Array.from(downmixStereo(Int16Array.from([10, 20, 30])))).toEqual([15]);
    expect(downmixStereo(new Int16Array(0)).length).toBe(0);
  });
});

describe('upmixMono', () => {
  it('duplicates each sample into both channels', () => {
    expect(Array.from(upmixMono(Int16Array.from([1, -2, 32767])))).toEqual([1, 1, -2, -2, 32767, 32767]);
  });

  it('round-trips through downmixStereo', () => {
    const mono = Int16Array.from({ length: 1000 }, (_, i) => Math.round(20_000 * Math.sin(i / 7)));
    expect(downmixStereo(upmixMono(mono))).toEqual(mono);
  });
});
