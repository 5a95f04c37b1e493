import { describe, expect, it } from 'vitest';
import { OPTION_LIST } from './flags.ts';
import { helpText } from './help.ts';

describe('helpText', () => {
  const text = helpText();

  it.each(OPTION_LIST.map((o) => [o.name, o] as const))('documents %s with its flag, variable and default', (_name, spec) => {
    if (spec.flag !== null) expect(text).toContain(`--${spec.flag}`);
    if (spec.env !== null) expect(text).toContain(spec.env);
    if (spec.default !== null) expect(text).toContain(`default ${spec.default}`);
  });

  it('lists every command and the examples', () => {
    for (const s of ['denwa start', 'denwa token --identity NAME', 'denwa help', 'denwa --version', 'denwa token --identity alice']) {
      expect(text).toContain(s);
    }
  });

  it('says how to listen on every interface and that the identity is required', () => {
    expect(text).toContain('0.0.0.0');
    expect(text).toMatch(/--identity NAME +\(required\)/);
  });

  it('fits in 100 columns', () => {
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });
});
