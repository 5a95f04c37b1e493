import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

const sdk = fileURLToPath(new URL('../packages/sdk/', import.meta.url));

describe('@denwa/sdk build', () => {
  it('emits ESM, a single-file browser bundle with the Denwa global, and type declarations', () => {
    execFileSync(process.execPath, ['build.ts'], { cwd: sdk, stdio: 'pipe' });
    for (const f of ['dist/index.js', 'dist/denwa.min.js', 'dist/index.d.ts']) expect(existsSync(`${sdk}${f}`)).toBe(true);
    const bundle = readFileSync(`${sdk}dist/denwa.min.js`, 'utf8');
    expect(bundle).toMatch(/var Denwa=/);
    expect(bundle).not.toMatch(/require\(|process\.env|node:/);
    const global = runInNewContext(`${bundle};Denwa`, {}) as { version?: string };
    expect(global.version).toBe('0.1.0');
  }, 60_000);
});
