import { describe, expect, it } from 'vitest';
import { StreamState, acceptIndex, checkReplay, estimateIndex } from './stream-state.ts';

const at = (highest: number): StreamState => {
  const s = new StreamState(1, false);
  acceptIndex(s, highest);
  return s;
};

describe('estimateIndex (RFC 3711 Appendix A)', () => {
  it('uses SEQ with ROC 0 (or the configured ROC) for the first packet', () => {
    expect(estimateIndex(undefined, 1234)).toBe(1234);
    const s = new StreamState(1, false);
    s.initialRoc = 7;
    expect(estimateIndex(s, 3)).toBe(7 * 65536 + 3);
  });

  it('guesses ROC − 1, ROC or ROC + 1 around s_l', () => {
    const roc = 5 * 65536;
    // s_l < 2^15: far-ahead SEQ belongs to the previous cycle.
    expect(estimateIndex(at(roc + 10), 11)).toBe(roc + 11);
    expect(estimateIndex(at(roc + 10), 9)).toBe(roc + 9);
    expect(estimateIndex(at(roc + 10), 10 + 32768)).toBe(roc + 10 + 32768);
    expect(estimateIndex(at(roc + 10), 11 + 32768)).toBe(roc - 65536 + 11 + 32768);
    expect(estimateIndex(at(roc + 2), 65535)).toBe(roc - 1);
    // s_l ≥ 2^15: far-behind SEQ belongs to the next cycle.
    expect(estimateIndex(at(roc + 65535), 0)).toBe(roc + 65536);
    expect(estimateIndex(at(roc + 65535), 65534)).toBe(roc + 65534);
    expect(estimateIndex(at(roc + 40000), 40000 - 32768)).toBe(roc + 40000 - 32768);
    expect(estimateIndex(at(roc + 40000), 40000 - 32769)).toBe(roc + 65536 + 40000 - 32769);
  });

  it('returns −1 instead of a negative ROC', () => {
    expect(estimateIndex(at(3), 65000)).toBe(-1);
  });
});

describe('replay window (RFC 3711 §3.3.2)', () => {
  it('slides by 1–64+ and remembers exactly the last 64 indices', () => {
    for (const step of [1, 2, 31, 32, 33, 63, 64, 65, 1000]) {
      const s = at(100);
      acceptIndex(s, 100 + step);
      expect(checkReplay(s, 100 + step)).toBe('replayed');
      expect(checkReplay(s, 100)).toBe(step < 64 ? 'replayed' : 'too-old');
      for (let back = 1; back < 64; back++) {
        const index = 100 + step - back;
        expect(checkReplay(s, index)).toBe(index === 100 ? 'replayed' : undefined);
      }
      expect(checkReplay(s, 100 + step + 1)).toBeUndefined();
      expect(checkReplay(s, 100 + step - 64)).toBe('too-old');
    }
  });

  it('marks late packets without moving the top', () => {
    const s = at(1000);
    for (const i of [999, 960, 937, 968]) {
      expect(checkReplay(s, i)).toBeUndefined();
      acceptIndex(s, i);
      expect(checkReplay(s, i)).toBe('replayed');
    }
    expect(s.highest).toBe(1000);
    expect(checkReplay(s, 936)).toBe('too-old');
  });
});
