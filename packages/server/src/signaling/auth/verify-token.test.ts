import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ACCESS_HEADER,
  ACCOUNT,
  APP,
  KEY,
  KEY_SECRET,
  OTHER_ACCOUNT,
  OTHER_KEY,
  OTHER_KEY_SECRET,
  SUSPENDED_ACCOUNT,
  SUSPENDED_KEY,
  T0,
  UNKNOWN_ACCOUNT,
  UNKNOWN_KEY,
  accessClaims,
  expectVoiceError,
  forgeToken,
  testDeps,
  twilioAccessToken,
} from './fixtures.test-helper.ts';
import { ttlRemainingSec, verifyToken } from './verify-token.ts';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0 * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('verifyToken: valid Access Tokens', () => {
  it.each(['HS256', 'HS384', 'HS512'] as const)('verifies a %s token with every field', async (algorithm) => {
    const token = twilioAccessToken({
      algorithm,
      ttl: 600,
      grant: { incomingAllow: true, outgoingApplicationSid: APP, outgoingApplicationParams: { tier: 'gold' } },
    });
    const { deps } = testDeps();
    const verified = await verifyToken(token, deps);
    expect(verified).toEqual({
      format: 'access',
      accountSid: ACCOUNT,
      apiKeySid: KEY,
      identity: 'alice',
      incoming: true,
      outgoing: { applicationSid: APP, params: { tier: 'gold' } },
      issuedAt: T0,
      expiresAt: T0 + 600,
    });
    expect(Object.isFrozen(verified)).toBe(true);
    expect(ttlRemainingSec(verified, (T0 + 100) * 1000 + 500)).toBe(499);
    expect(ttlRemainingSec(verified, (T0 + 700) * 1000)).toBe(0);
  });

  it('verifies an incoming-only grant', async () => {
    const verified = await verifyToken(twilioAccessToken(), testDeps().deps);
    expect(verified).toMatchObject({ identity: 'alice', incoming: true, outgoing: null });
  });

  it('verifies an outgoing-only grant and stringifies numeric and boolean params', async () => {
    const token = twilioAccessToken({
      grant: { outgoingApplicationSid: APP, outgoingApplicationParams: { n: 3, vip: true, s: 'x y' } },
    });
    const verified = await verifyToken(token, testDeps().deps);
    expect(verified).toMatchObject({ incoming: false, outgoing: { applicationSid: APP, params: { n: '3', vip: 'true', s: 'x y' } } });
  });

  it('gives empty params when the outgoing grant has none', async () => {
    const token = twilioAccessToken({ grant: { outgoingApplicationSid: APP } });
    const verified = await verifyToken(token, testDeps().deps);
    expect(verified.outgoing).toEqual({ applicationSid: APP, params: {} });
  });

  it('accepts an outgoing-only token without identity', async () => {
    const claims = accessClaims({ voice: { outgoing: { application_sid: APP } } });
    const verified = await verifyToken(forgeToken(ACCESS_HEADER, claims, KEY_SECRET), testDeps().deps);
    expect(verified).toMatchObject({ identity: null, incoming: false });
  });

  it('takes the verification time as issuedAt when iat is absent', async () => {
    const { iat: _iat, ...claims } = accessClaims();
    const { deps, clock } = testDeps();
    clock.nowMs = (T0 + 10) * 1000 + 400;
    const verified = await verifyToken(forgeToken(ACCESS_HEADER, claims, KEY_SECRET), deps);
    expect(verified.issuedAt).toBe(T0 + 10);
  });

  it('ignores other grants and unknown header fields such as twr', async () => {
    const claims = accessClaims({ identity: 'alice', video: { room: 'x' }, voice: { incoming: { allow: true }, endpoint_id: 'e' } });
    const token = forgeToken({ ...ACCESS_HEADER, twr: 'au1', kid: 'k' }, claims, KEY_SECRET);
    await expect(verifyToken(token, testDeps().deps)).resolves.toMatchObject({ identity: 'alice' });
  });
});

describe('verifyToken: signature and keys', () => {
  it('refuses a tampered payload with 31202', async () => {
    const [header, , signature] = twilioAccessToken().split('.');
    const forged = forgeToken(ACCESS_HEADER, accessClaims({ identity: 'mallory', voice: { incoming: { allow: true } } }), 'x');
    const payload = forged.split('.')[1];
    await expectVoiceError(verifyToken(`${header}.${payload}.${signature}`, testDeps().deps), 31202);
  });

  it('refuses a tampered signature with 31202', async () => {
    const token = twilioAccessToken();
    const [header, payload, signature = ''] = token.split('.');
    const flipped = (signature.startsWith('A') ? 'B' : 'A') + signature.slice(1);
    await expectVoiceError(verifyToken(`${header}.${payload}.${flipped}`, testDeps().deps), 31202);
  });

  it('refuses a signature of the wrong length with 31202', async () => {
    const [header, payload] = twilioAccessToken().split('.');
    await expectVoiceError(verifyToken(`${header}.${payload}.AAAA`, testDeps().deps), 31202);
  });

  it('refuses a token signed with the wrong secret with 31202', async () => {
    await expectVoiceError(verifyToken(twilioAccessToken({ secret: 'not-the-secret' }), testDeps().deps), 31202);
  });

  it('refuses an HS512 header over an HS256 signature with 31202', async () => {
    const token = forgeToken({ ...ACCESS_HEADER, alg: 'HS512' }, accessClaims(), KEY_SECRET, 'sha256');
    await expectVoiceError(verifyToken(token, testDeps().deps), 31202);
  });

  it('refuses an unknown API key with 31202', async () => {
    await expectVoiceError(verifyToken(twilioAccessToken({ keySid: UNKNOWN_KEY }), testDeps().deps), 31202);
  });

  it('refuses a key that belongs to another account with 31202', async () => {
    const token = twilioAccessToken({ keySid: OTHER_KEY, secret: OTHER_KEY_SECRET });
    await expectVoiceError(verifyToken(token, testDeps().deps), 31202);
  });

  it('refuses an account not on this server with 31203', async () => {
    await expectVoiceError(verifyToken(twilioAccessToken({ accountSid: UNKNOWN_ACCOUNT }), testDeps().deps), 31203);
  });

  it('refuses a suspended account with 31203', async () => {
    const token = twilioAccessToken({ accountSid: SUSPENDED_ACCOUNT, keySid: SUSPENDED_KEY });
    await expectVoiceError(verifyToken(token, testDeps().deps), 31203);
  });

  it('accepts the key of the other account for that account', async () => {
    const token = twilioAccessToken({ accountSid: OTHER_ACCOUNT, keySid: OTHER_KEY, secret: OTHER_KEY_SECRET });
    await expect(verifyToken(token, testDeps().deps)).resolves.toMatchObject({ accountSid: OTHER_ACCOUNT, apiKeySid: OTHER_KEY });
  });

  it('checks the signature before the claims that need trusting', async () => {
    // Expired, grant-less and with a bad identity, but forged: the signature failure wins.
    const claims = { ...accessClaims({ identity: 'bad name' }), exp: T0 - 10 };
    await expectVoiceError(verifyToken(forgeToken(ACCESS_HEADER, claims, 'forged'), testDeps().deps), 31202);
  });

  it('never quotes the token or a secret in the error', async () => {
    const token = twilioAccessToken({ secret: 'not-the-secret' });
    const err = await expectVoiceError(verifyToken(token, testDeps().deps), 31202);
    const text = `${err.message} ${JSON.stringify(err.toJSON())} ${JSON.stringify(err.details)}`;
    for (const part of [token, ...token.split('.'), KEY_SECRET, 'not-the-secret']) expect(text).not.toContain(part);
  });
});

describe('verifyToken: times', () => {
  it('refuses an expired token with 31205', async () => {
    const { deps, clock } = testDeps();
    const token = twilioAccessToken({ ttl: 60 });
    clock.nowMs = (T0 + 61) * 1000;
    await expectVoiceError(verifyToken(token, deps), 31205);
  });

  it('refuses a token whose exp is exactly now with 31205, and accepts it a millisecond earlier', async () => {
    const { deps, clock } = testDeps();
    const token = twilioAccessToken({ ttl: 60 });
    clock.nowMs = (T0 + 60) * 1000;
    await expectVoiceError(verifyToken(token, deps), 31205);
    clock.nowMs -= 1;
    await expect(verifyToken(token, deps)).resolves.toMatchObject({ expiresAt: T0 + 60 });
  });

  it('applies the clock tolerance to exp and nbf', async () => {
    const { deps, clock } = testDeps({ clockToleranceSec: 5 });
    clock.nowMs = (T0 + 64) * 1000;
    await expect(verifyToken(twilioAccessToken({ ttl: 60 }), deps)).resolves.toBeDefined();
    clock.nowMs = (T0 + 65) * 1000;
    await expectVoiceError(verifyToken(twilioAccessToken({ ttl: 60 }), deps), 31205);
    clock.nowMs = T0 * 1000;
    await expect(verifyToken(twilioAccessToken({ nbf: T0 + 5 }), deps)).resolves.toBeDefined();
    await expectVoiceError(verifyToken(twilioAccessToken({ nbf: T0 + 6 }), deps), 31204);
  });

  it('refuses nbf in the future with 31204 and accepts nbf now', async () => {
    const { deps } = testDeps();
    await expectVoiceError(verifyToken(twilioAccessToken({ nbf: T0 + 1 }), deps), 31204);
    await expect(verifyToken(twilioAccessToken({ nbf: T0 }), deps)).resolves.toBeDefined();
  });

  it('accepts exactly 24 hours and refuses 24 hours + 1 s with 31207', async () => {
    const { deps } = testDeps();
    await expect(verifyToken(twilioAccessToken({ ttl: 86_400 }), deps)).resolves.toMatchObject({ expiresAt: T0 + 86_400 });
    await expectVoiceError(verifyToken(twilioAccessToken({ ttl: 86_401 }), deps), 31207);
  });

  it('measures the lifetime from iat even when part of it has passed', async () => {
    const { deps, clock } = testDeps();
    const token = twilioAccessToken({ ttl: 86_401 });
    clock.nowMs = (T0 + 3600) * 1000;
    await expectVoiceError(verifyToken(token, deps), 31207);
  });

  it('measures the lifetime from now when iat is absent or in the future', async () => {
    const { deps } = testDeps();
    const { iat: _iat, ...noIat } = accessClaims();
    await expectVoiceError(verifyToken(forgeToken(ACCESS_HEADER, { ...noIat, exp: T0 + 86_401 }, KEY_SECRET), deps), 31207);
    await expect(verifyToken(forgeToken(ACCESS_HEADER, { ...noIat, exp: T0 + 86_400 }, KEY_SECRET), deps)).resolves.toBeDefined();
    const future = { ...accessClaims(), iat: T0 + 365 * 86_400, exp: T0 + 366 * 86_400 };
    await expectVoiceError(verifyToken(forgeToken(ACCESS_HEADER, future, KEY_SECRET), deps), 31207);
  });

  it('honours maxLifetimeSec', async () => {
    const { deps } = testDeps({ maxLifetimeSec: 600 });
    await expect(verifyToken(twilioAccessToken({ ttl: 600 }), deps)).resolves.toBeDefined();
    await expectVoiceError(verifyToken(twilioAccessToken({ ttl: 601 }), deps), 31207);
  });

  it('reports expiry before an excessive lifetime', async () => {
    const { deps, clock } = testDeps();
    const token = twilioAccessToken({ ttl: 90_000 });
    clock.nowMs = (T0 + 90_000) * 1000;
    await expectVoiceError(verifyToken(token, deps), 31205);
  });

  it('refuses a negative maxLifetimeSec as a programmer error', async () => {
    await expect(verifyToken(twilioAccessToken(), testDeps({ maxLifetimeSec: -1 }).deps)).rejects.toBeInstanceOf(TypeError);
  });
});

describe('verifyToken: grants and identity', () => {
  it('refuses an identity-only token (no voice grant) with 31204', async () => {
    await expectVoiceError(verifyToken(twilioAccessToken({ grant: null }), testDeps().deps), 31204);
  });

  it('refuses a voice grant that allows nothing with 31204', async () => {
    await expectVoiceError(verifyToken(twilioAccessToken({ grant: { incomingAllow: false } }), testDeps().deps), 31204);
  });

  it.each([
    ['a space', 'alice smith'],
    ['an @', 'alice@example'],
    ['122 characters', 'a'.repeat(122)],
    ['a dash', 'alice-smith'],
    ['non-ASCII letters', 'аlice'],
  ])('refuses an identity with %s with 31105', async (_what, identity) => {
    await expectVoiceError(verifyToken(twilioAccessToken({ identity }), testDeps().deps), 31105);
  });

  it('accepts a 121-character identity of letters, digits and underscores', async () => {
    const identity = `A_9${'z'.repeat(118)}`;
    expect(identity).toHaveLength(121);
    await expect(verifyToken(twilioAccessToken({ identity }), testDeps().deps)).resolves.toMatchObject({ identity });
  });

  it('refuses an empty identity with 31105', async () => {
    const claims = accessClaims({ identity: '', voice: { incoming: { allow: true } } });
    await expectVoiceError(verifyToken(forgeToken(ACCESS_HEADER, claims, KEY_SECRET), testDeps().deps), 31105);
  });

  it('refuses an incoming grant without identity with 31105', async () => {
    const claims = accessClaims({ voice: { incoming: { allow: true } } });
    await expectVoiceError(verifyToken(forgeToken(ACCESS_HEADER, claims, KEY_SECRET), testDeps().deps), 31105);
  });

  it('checks a bad identity even when only outgoing is granted', async () => {
    const token = twilioAccessToken({ identity: 'bad name', grant: { outgoingApplicationSid: APP } });
    await expectVoiceError(verifyToken(token, testDeps().deps), 31105);
  });
});
