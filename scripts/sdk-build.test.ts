import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const sdk = fileURLToPath(new URL('../packages/sdk/', import.meta.url));

describe('@denwa/sdk build', () => {
  it('emits ESM (main and v1), a single-file browser bundle with the Denwa and Twilio globals, and type declarations', () => {
    execFileSync(process.execPath, ['build.ts'], { cwd: sdk, stdio: 'pipe' });
    for (const f of ['dist/index.js', 'dist/denwa.min.js', 'dist/index.d.ts']) expect(existsSync(`${sdk}${f}`)).toBe(true);
    const bundle = readFileSync(`${sdk}dist/denwa.min.js`, 'utf8');
    expect(bundle).toMatch(/var Denwa=/);
    expect(bundle).not.toMatch(/require\(|process\.env|node:/);
    const global = runInNewContext(`${bundle};Denwa`, {}) as { version?: string; Device?: unknown };
    expect(global.version).toBe('0.1.0');
    expect(typeof global.Device).toBe('function');
    // `Twilio.Device` is the 2.x class with the 1.x static API.
    const twilio = runInNewContext(`${bundle};[typeof Twilio.Device, typeof Twilio.Device.setup, typeof Twilio.Device.prototype.register, typeof Twilio.Connection]`, {}) as string[];
    expect(twilio).toEqual(['function', 'function', 'function', 'function']);
    for (const f of ['dist/v1.js', 'dist/v1-entry.d.ts']) expect(existsSync(`${sdk}${f}`)).toBe(true);
    // The size budget of the SDK milestone: under 30 kB gzipped (the official 2.x bundle is about 66 kB).
    expect(gzipSync(bundle, { level: 9 }).length).toBeLessThan(30 * 1024);
  }, 60_000);
});
