import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ACCOUNT,
  APP,
  AUTH_TOKEN,
  OTHER_ACCOUNT,
  SUSPENDED_ACCOUNT,
  T0,
  UNKNOWN_ACCOUNT,
  expectVoiceError,
  forgeToken,
  testDeps,
  twilioCapabilityToken,
} from './fixtures.test-helper.ts';
import { verifyToken } from './verify-token.ts';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0 * 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

const HEADER = { alg: 'HS256', typ: 'JWT' } as const;

function scopeToken(scope: string, extra: Record<string, unknown> = {}): string {
  return forgeToken(HEADER, { scope, iss: ACCOUNT, exp: T0 + 3600, iat: T0, ...extra }, AUTH_TOKEN);
}

describe('verifyToken: valid Capability Tokens', () => {
  it('verifies an incoming-only token', async () => {
    const verified = await verifyToken(twilioCapabilityToken(['alice']), testDeps().deps);
    expect(verified).toEqual({
      format: 'capability',
      accountSid: ACCOUNT,
      apiKeySid: null,
      identity: 'alice',
      incoming: true,
      outgoing: null,
      issuedAt: T0,
      expiresAt: T0 + 3600,
    });
  });

  it('verifies an outgoing-only token with clientName', async () => {
    const token = twilioCapabilityToken([], { outgoing: { applicationSid: APP, clientName: 'bob' } });
    await expect(verifyToken(token, testDeps().deps)).resolves.toMatchObject({
      identity: 'bob',
      incoming: false,
      outgoing: { applicationSid: APP, params: {} },
    });
  });

  it('verifies an outgoing-only token without clientName (anonymous caller)', async () => {
    const token = twilioCapabilityToken([], { outgoing: { applicationSid: APP }, ttl: 120 });
    await expect(verifyToken(token, testDeps().deps)).resolves.toMatchObject({
      identity: null,
      incoming: false,
      outgoing: { applicationSid: APP, params: {} },
      expiresAt: T0 + 120,
    });
  });

  it('verifies incoming and outgoing scopes with appParams, escaped twice', async () => {
    const params = { tier: 'gold', note: 'a b&c=d', plus: '1+1', accent: 'é' };
    const token = twilioCapabilityToken(['alice'], { outgoing: { applicationSid: APP, clientName: 'alice', params } });
    await expect(verifyToken(token, testDeps().deps)).resolves.toMatchObject({
      identity: 'alice',
      incoming: true,
      outgoing: { applicationSid: APP, params },
    });
  });

  it('prefers the incoming clientName as identity', async () => {
    const token = twilioCapabilityToken(['alice'], { outgoing: { applicationSid: APP, clientName: 'bob' } });
    await expect(verifyToken(token, testDeps().deps)).resolves.toMatchObject({ identity: 'alice' });
  });

  it('accepts and ignores a stream scope next to a client scope', async () => {
    const token = twilioCapabilityToken(['alice'], { stream: true });
    await expect(verifyToken(token, testDeps().deps)).resolves.toMatchObject({ identity: 'alice', outgoing: null });
  });

  it('accepts the example scope claim of the research notes', async () => {
    const scope = `scope:client:incoming?clientName=alice scope:client:outgoing?appSid=${APP}&clientName=alice&appParams=tier%3Dgold`;
    await expect(verifyToken(scopeToken(scope), testDeps().deps)).resolves.toMatchObject({
      outgoing: { applicationSid: APP, params: { tier: 'gold' } },
    });
  });
});

describe('verifyToken: refused Capability Tokens', () => {
  it('refuses a token with no scope at all with 31204', async () => {
    await expectVoiceError(verifyToken(twilioCapabilityToken([]), testDeps().deps), 31204);
  });

  it('refuses a token with only a stream scope with 31204', async () => {
    await expectVoiceError(verifyToken(twilioCapabilityToken([], { stream: true }), testDeps().deps), 31204);
  });

  it('refuses a token without a scope claim with 31204', async () => {
    await expectVoiceError(verifyToken(forgeToken(HEADER, { iss: ACCOUNT, exp: T0 + 60 }, AUTH_TOKEN), testDeps().deps), 31204);
  });

  it('refuses a token signed with another auth token with 31202', async () => {
    const token = twilioCapabilityToken(['alice'], { authToken: 'wrong-auth-token' });
    await expectVoiceError(verifyToken(token, testDeps().deps), 31202);
  });

  it('refuses a token of another account signed with this account auth token with 31202', async () => {
    const token = twilioCapabilityToken(['alice'], { accountSid: OTHER_ACCOUNT });
    await expectVoiceError(verifyToken(token, testDeps().deps), 31202);
  });

  it('refuses an unknown or suspended account with 31203', async () => {
    const { deps } = testDeps();
    await expectVoiceError(verifyToken(twilioCapabilityToken(['alice'], { accountSid: UNKNOWN_ACCOUNT }), deps), 31203);
    await expectVoiceError(verifyToken(twilioCapabilityToken(['alice'], { accountSid: SUSPENDED_ACCOUNT }), deps), 31203);
  });

  it('refuses an expired token with 31205 and a lifetime over 24 h with 31207', async () => {
    const { deps, clock } = testDeps();
    await expectVoiceError(verifyToken(twilioCapabilityToken(['alice'], { ttl: 86_401 }), deps), 31207);
    await expect(verifyToken(twilioCapabilityToken(['alice'], { ttl: 86_400 }), deps)).resolves.toBeDefined();
    const token = twilioCapabilityToken(['alice'], { ttl: 60 });
    clock.nowMs = (T0 + 60) * 1000;
    await expectVoiceError(verifyToken(token, deps), 31205);
  });

  it.each([
    ['a space', 'alice smith'],
    ['an @', 'alice@example'],
    ['122 characters', 'x'.repeat(122)],
  ])('refuses a clientName with %s with 31105', async (_what, name) => {
    const { deps } = testDeps();
    await expectVoiceError(verifyToken(twilioCapabilityToken([name]), deps), 31105);
    const outgoing = twilioCapabilityToken([], { outgoing: { applicationSid: APP, clientName: name } });
    await expectVoiceError(verifyToken(outgoing, deps), 31105);
  });

  it('accepts a 121-character clientName', async () => {
    const name = 'x'.repeat(121);
    await expect(verifyToken(twilioCapabilityToken([name]), testDeps().deps)).resolves.toMatchObject({ identity: name });
  });

  it('refuses an empty clientName with 31105', async () => {
    await expectVoiceError(verifyToken(scopeToken('scope:client:incoming?clientName='), testDeps().deps), 31105);
  });

  it.each([
    ['an incoming scope without clientName', 'scope:client:incoming'],
    ['an outgoing scope without appSid', 'scope:client:outgoing?clientName=alice'],
    ['an outgoing scope with a malformed appSid', 'scope:client:outgoing?appSid=AP123'],
    ['a call Sid as appSid', 'scope:client:outgoing?appSid=CA0123456789abcdef0123456789abcdef'],
    ['two incoming scopes', 'scope:client:incoming?clientName=a scope:client:incoming?clientName=b'],
    ['a repeated clientName', 'scope:client:incoming?clientName=a&clientName=b'],
    ['a URI without the scope: prefix', 'client:incoming?clientName=alice'],
    ['a URI without privilege', 'scope:client?clientName=alice'],
    ['a URI with an empty service', 'scope::incoming?clientName=alice'],
  ])('refuses %s with 31204', async (_what, scope) => {
    await expectVoiceError(verifyToken(scopeToken(scope), testDeps().deps), 31204);
  });

  it('refuses two outgoing scopes with 31204', async () => {
    const scope = `scope:client:outgoing?appSid=${APP} scope:client:outgoing?appSid=${APP}`;
    await expectVoiceError(verifyToken(scopeToken(scope), testDeps().deps), 31204);
  });

  it('refuses a Capability Token signed with HS384 with 31204', async () => {
    const token = forgeToken({ alg: 'HS384', typ: 'JWT' }, { scope: 'scope:client:incoming?clientName=a', iss: ACCOUNT, exp: T0 + 60 }, AUTH_TOKEN, 'sha384');
    await expectVoiceError(verifyToken(token, testDeps().deps), 31204);
  });

  it.each([
    ['an API key Sid as iss', { iss: 'SK0123456789abcdef0123456789abcdef' }],
    ['a scope that is not a string', { scope: ['scope:client:incoming?clientName=a'] }],
    ['a string exp', { exp: String(T0 + 60) }],
  ])('refuses %s with 31204', async (_what, extra) => {
    await expectVoiceError(verifyToken(scopeToken('scope:client:incoming?clientName=a', extra), testDeps().deps), 31204);
  });
});
