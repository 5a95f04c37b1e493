import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { readTrunksFile } from './trunks-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'denwa-trunks-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });
let n = 0;
const file = (content: string): string => {
  const path = join(dir, `t${String(++n)}.json`);
  writeFileSync(path, content);
  return path;
};

describe('trunks file', () => {
  it('reads trunks with defaults and their numbers', () => {
    const trunks = readTrunksFile(file(JSON.stringify({ trunks: [{ name: 'jp', host: 'sip.carrier.example:5060', username: 'u', password: 'secret-pw', register: true, countryCode: '81', numberFormat: 'national', allowedSources: ['203.0.113.0/24', '2001:db8::/32'], numbers: [{ phoneNumber: '+815012345678', voiceUrl: 'https://app.example/voice' }] }] })));
    expect(trunks[0]).toMatchObject({ name: 'jp', transport: 'udp', codecs: ['PCMU', 'PCMA'], registerExpires: 3600, srtp: 'off', allowedCountries: [], numbers: [{ phoneNumber: '+815012345678', voiceMethod: 'POST' }] });
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['an unknown field', JSON.stringify({ trunks: [{ name: 'a', host: 'h', hots: 'x' }] }), /trunks\.0/],
    ['a bad host', JSON.stringify({ trunks: [{ name: 'a', host: 'http://x' }] }), /trunks\.0\.host/],
    ['a bad CIDR', JSON.stringify({ trunks: [{ name: 'a', host: 'h', allowedSources: ['10.0.0.0/40'] }] }), /allowedSources/],
    ['a bad number', JSON.stringify({ trunks: [{ name: 'a', host: 'h', numbers: [{ phoneNumber: '0501234' }] }] }), /phoneNumber/],
    ['register without a username', JSON.stringify({ trunks: [{ name: 'a', host: 'h', register: true, password: 'secret-pw' }] }), /register/],
    ['two trunks with one name', JSON.stringify({ trunks: [{ name: 'a', host: 'h' }, { name: 'a', host: 'g' }] }), /two trunks/],
  ])('refuses %s with a ConfigError naming the file, never the password', (_what, content, pattern) => {
    const path = file(content);
    let error: unknown;
    try {
      readTrunksFile(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(pattern);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).not.toContain('secret-pw');
  });

  it('refuses a missing file', () => {
    expect(() => readTrunksFile(join(dir, 'missing.json'))).toThrow(/cannot read/);
  });
});
