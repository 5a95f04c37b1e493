import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApplicationSid } from '@denwa/protocol';
import {
  ACCOUNT,
  APP,
  KEY,
  KEY_SECRET,
  T0,
  expectVoiceError,
  testDeps,
  twilioAccessToken,
} from './fixtures.test-helper.ts';
import { mintAccessToken, type MintAccessTokenOptions } from './mint-access-token.ts';
import { verifyToken } from './verify-token.ts';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0 * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

const BASE = { accountSid: ACCOUNT, apiKeySid: KEY, apiKeySecret: KEY_SECRET, identity: 'alice', nowSec: T0 } as const;

function mint(extra: Partial<MintAccessTokenOptions> = {}): Promise<string> {
  return mintAccessToken({ ...BASE, ...extra });
}

describe('mintAccessToken: same shape as twilio-node', () => {
  const cases = [
    { name: 'defaults (incoming, HS256, 1 h)', ours: {}, theirs: {} },
    {
      name: 'HS512, 2 h, incoming and outgoing with params',
      ours: { algorithm: 'HS512', ttlSec: 7200, outgoingApplicationSid: APP, outgoingParams: { tier: 'gold' } },
      theirs: {
        algorithm: 'HS512',
        ttl: 7200,
        grant: { incomingAllow: true, outgoingApplicationSid: APP, outgoingApplicationParams: { tier: 'gold' } },
      },
    },
    {
      name: 'HS384, outgoing only, no params',
      ours: { algorithm: 'HS384', incomingAllow: false, outgoingApplicationSid: APP },
      theirs: { algorithm: 'HS384', grant: { outgoingApplicationSid: APP } },
    },
  ] as const satisfies readonly {
    name: string;
    ours: Partial<MintAccessTokenOptions>;
    theirs: Parameters<typeof twilioAccessToken>[0];
  }[];

  it.each(cases)('decodes to the same header and claims: $name', async ({ ours, theirs }) => {
    const mine = await mint(ours);
    const reference = twilioAccessToken(theirs);
    expect(decodeProtectedHeader(mine)).toEqual(decodeProtectedHeader(reference));
    expect(decodeJwt(mine)).toEqual(decodeJwt(reference));
    // Same key order and serialization too, hence the same signature.
    expect(mine).toBe(reference);
  });

  it('writes the documented claims', async () => {
    const token = await mint({ ttlSec: 60 });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' });
    expect(decodeJwt(token)).toEqual({
      jti: `${KEY}-${T0}`,
      grants: { identity: 'alice', voice: { incoming: { allow: true } } },
      iat: T0,
      exp: T0 + 60,
      iss: KEY,
      sub: ACCOUNT,
    });
  });
});

describe('mintAccessToken: verification round trip', () => {
  it.each(['HS256', 'HS384', 'HS512'] as const)('verifies a %s token with every field', async (algorithm) => {
    const token = await mint({ algorithm, ttlSec: 900, outgoingApplicationSid: APP, outgoingParams: { a: '1', b: 'x y' } });
    await expect(verifyToken(token, testDeps().deps)).resolves.toEqual({
      format: 'access',
      accountSid: ACCOUNT,
      apiKeySid: KEY,
      identity: 'alice',
      incoming: true,
      outgoing: { applicationSid: APP, params: { a: '1', b: 'x y' } },
      issuedAt: T0,
      expiresAt: T0 + 900,
    });
  });

  it('verifies a 24-hour token', async () => {
    await expect(verifyToken(await mint({ ttlSec: 86_400 }), testDeps().deps)).resolves.toMatchObject({ expiresAt: T0 + 86_400 });
  });

  it('mints at nowSec, not at the wall clock', async () => {
    const token = await mint({ nowSec: T0 + 1000 });
    expect(decodeJwt(token)).toMatchObject({ iat: T0 + 1000, exp: T0 + 4600, jti: `${KEY}-${T0 + 1000}` });
  });
});

describe('mintAccessToken: refusals', () => {
  it.each([
    ['a space', 'alice smith'],
    ['an @', 'alice@example'],
    ['122 characters', 'a'.repeat(122)],
    ['nothing', ''],
  ])('refuses an identity with %s with 31105', async (_what, identity) => {
    await expectVoiceError(mint({ identity }), 31105);
  });

  it('accepts a 121-character identity', async () => {
    const identity = 'a'.repeat(121);
    expect(decodeJwt(await mint({ identity }))).toMatchObject({ grants: { identity } });
  });

  it('refuses a ttl over 24 hours with 31207', async () => {
    await expectVoiceError(mint({ ttlSec: 86_401 }), 31207);
  });

  it('refuses a token that grants nothing with 31204', async () => {
    await expectVoiceError(mint({ incomingAllow: false }), 31204);
  });

  it.each([
    ['a zero ttl', { ttlSec: 0 }],
    ['a fractional ttl', { ttlSec: 1.5 }],
    ['a fractional nowSec', { nowSec: T0 + 0.5 }],
    ['nowSec in milliseconds turned negative', { nowSec: -1 }],
    ['an empty secret', { apiKeySecret: '' }],
    ['a malformed application Sid', { outgoingApplicationSid: 'AP1' as ApplicationSid }],
    ['params without application', { outgoingParams: { a: '1' } }],
  ])('throws a TypeError for %s', async (_what, extra: Partial<MintAccessTokenOptions>) => {
    await expect(mint(extra)).rejects.toBeInstanceOf(TypeError);
  });
});
