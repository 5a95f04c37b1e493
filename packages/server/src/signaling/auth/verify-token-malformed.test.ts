import { describe, expect, it } from 'vitest';
import {
  ACCESS_HEADER,
  APP,
  KEY_SECRET,
  T0,
  accessClaims,
  expectVoiceError,
  forgeToken,
  testDeps,
} from './fixtures.test-helper.ts';
import { verifyToken } from './verify-token.ts';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('verifyToken: missing tokens', () => {
  it.each([
    ['an empty string', ''],
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an object', { token: 'x' }],
  ])('refuses %s with 31102', async (_what, input) => {
    await expectVoiceError(verifyToken(input, testDeps().deps), 31102);
  });
});

describe('verifyToken: malformed tokens', () => {
  it.each([
    ['a single word', 'abc'],
    ['three one-letter parts', 'a.b.c'],
    ['two parts', `${b64(ACCESS_HEADER)}.${b64(accessClaims())}`],
    ['four parts', `${b64(ACCESS_HEADER)}.${b64(accessClaims())}.AAAA.AAAA`],
    ['an empty signature', `${b64(ACCESS_HEADER)}.${b64(accessClaims())}.`],
    ['non-base64url characters', `${b64(ACCESS_HEADER)}.${b64(accessClaims())}!.AAAA`],
    ['standard base64 with padding', `${Buffer.from(JSON.stringify(ACCESS_HEADER)).toString('base64')}.${b64(accessClaims())}.AAAA`],
    ['a header that is not JSON', `${Buffer.from('{alg:HS256}').toString('base64url')}.${b64(accessClaims())}.AAAA`],
    ['a header that is a JSON array', `${b64(['HS256'])}.${b64(accessClaims())}.AAAA`],
    ['a header that is JSON null', `${b64(null)}.${b64(accessClaims())}.AAAA`],
    ['a payload that is a JSON array', `${b64(ACCESS_HEADER)}.${b64([accessClaims()])}.AAAA`],
    ['a payload that is a JSON string', `${b64(ACCESS_HEADER)}.${b64('claims')}.AAAA`],
    ['a payload that is not UTF-8', `${b64(ACCESS_HEADER)}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.AAAA`],
    ['20 KiB of garbage', 'x'.repeat(20 * 1024)],
    ['a whitespace-padded token', ` ${forgeToken(ACCESS_HEADER, accessClaims(), KEY_SECRET)}`],
  ])('refuses %s with 31204', async (_what, token) => {
    await expectVoiceError(verifyToken(token, testDeps().deps), 31204);
  });

  it('refuses a token over 16 KiB before any lookup, even with a valid signature', async () => {
    const claims = accessClaims({ identity: 'alice', voice: { incoming: { allow: true } }, padding: 'p'.repeat(16 * 1024) });
    const { deps, lookups } = testDeps();
    await expectVoiceError(verifyToken(forgeToken(ACCESS_HEADER, claims, KEY_SECRET), deps), 31204);
    expect(lookups.count).toBe(0);
  });

  it('refuses non-canonical base64url (stray trailing bits) with 31204', async () => {
    const token = forgeToken(ACCESS_HEADER, accessClaims(), KEY_SECRET);
    const [header, payload, signature = ''] = token.split('.');
    // A 32-byte HMAC leaves 2 unused bits in the last character; setting them keeps the same bytes.
    const last = signature.at(-1) ?? 'A';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) ^ 1] ?? 'A';
    await expectVoiceError(verifyToken(`${header}.${payload}.${signature.slice(0, -1)}${twin}`, testDeps().deps), 31204);
  });
});

describe('verifyToken: refused headers', () => {
  it.each([
    ['alg none', { alg: 'none', typ: 'JWT', cty: 'twilio-fpa;v=1' }],
    ['alg RS256', { alg: 'RS256', typ: 'JWT', cty: 'twilio-fpa;v=1' }],
    ['alg ES256', { alg: 'ES256', typ: 'JWT', cty: 'twilio-fpa;v=1' }],
    ['lowercase alg hs256', { alg: 'hs256', typ: 'JWT', cty: 'twilio-fpa;v=1' }],
    ['no alg', { typ: 'JWT', cty: 'twilio-fpa;v=1' }],
    ['a crit header', { ...ACCESS_HEADER, crit: ['b64'], b64: false }],
    ['typ JWE', { ...ACCESS_HEADER, typ: 'JWE' }],
    ['an unknown cty', { ...ACCESS_HEADER, cty: 'twilio-fpa;v=2' }],
  ])('refuses %s with 31204', async (_what, header) => {
    const { deps, lookups } = testDeps();
    await expectVoiceError(verifyToken(forgeToken(header, accessClaims(), KEY_SECRET), deps), 31204);
    expect(lookups.count).toBe(0);
  });

  it('accepts typ in any case and a missing typ', async () => {
    const { deps } = testDeps();
    await expect(verifyToken(forgeToken({ ...ACCESS_HEADER, typ: 'jwt' }, accessClaims(), KEY_SECRET), deps)).resolves.toBeDefined();
    const { typ: _typ, ...noTyp } = ACCESS_HEADER;
    await expect(verifyToken(forgeToken(noTyp, accessClaims(), KEY_SECRET), deps)).resolves.toBeDefined();
  });
});

describe('verifyToken: malformed Access Token claims', () => {
  const voice = { incoming: { allow: true } };
  it.each([
    ['a missing exp', { exp: undefined }],
    ['a string exp', { exp: String(T0 + 60) }],
    ['a null exp', { exp: null }],
    ['a string iat', { iat: 'now' }],
    ['a boolean nbf', { nbf: true }],
    ['a numeric jti', { jti: 7 }],
    ['an account Sid as iss', { iss: 'AC0123456789abcdef0123456789abcdef' }],
    ['a malformed iss', { iss: 'SK123' }],
    ['an uppercase-hex iss', { iss: 'SK0123456789ABCDEF0123456789ABCDEF' }],
    ['a missing sub', { sub: undefined }],
    ['an API key Sid as sub', { sub: 'SK0123456789abcdef0123456789abcdef' }],
    ['grants that are an array', { grants: [voice] }],
    ['a numeric identity', { grants: { identity: 5, voice } }],
    ['a voice grant that is a string', { grants: { identity: 'alice', voice: 'all' } }],
    ['incoming that is true', { grants: { identity: 'alice', voice: { incoming: true } } }],
    ['incoming.allow that is a string', { grants: { identity: 'alice', voice: { incoming: { allow: 'yes' } } } }],
    ['outgoing without application_sid', { grants: { voice: { outgoing: { params: {} } } } }],
    ['a malformed application_sid', { grants: { voice: { outgoing: { application_sid: 'AP1' } } } }],
    ['params that are an array', { grants: { voice: { outgoing: { application_sid: APP, params: ['a'] } } } }],
    ['a nested param', { grants: { voice: { outgoing: { application_sid: APP, params: { a: { b: 1 } } } } } }],
    ['a null param', { grants: { voice: { outgoing: { application_sid: APP, params: { a: null } } } } }],
  ])('refuses %s with 31204', async (_what, patch) => {
    const claims = { ...accessClaims({ identity: 'alice', voice }), ...patch };
    await expectVoiceError(verifyToken(forgeToken(ACCESS_HEADER, claims, KEY_SECRET), testDeps().deps), 31204);
  });

  it('refuses a token without grants with 31204', async () => {
    const { grants: _grants, ...claims } = accessClaims();
    await expectVoiceError(verifyToken(forgeToken(ACCESS_HEADER, claims, KEY_SECRET), testDeps().deps), 31204);
  });
});
