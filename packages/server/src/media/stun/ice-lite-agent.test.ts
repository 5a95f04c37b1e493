import { InvalidStateError } from '../../core/index.ts';
import { describe, expect, it, vi } from 'vitest';
import {
  ICE_LITE_TRANSITIONS,
  IceLiteAgent,
  assertIceLiteTransition,
  decodeStun,
  encodeStun,
  findAttribute,
  isStunDecodeError,
  shortTermKey,
  ufragFromBindingRequest,
  verifyFingerprint,
  verifyMessageIntegrity,
  type BindingRequestResult,
  type IceLiteState,
  type IceTransportAddress,
  type StunAttribute,
  type StunMessage,
} from './index.ts';

const LOCAL = { ufrag: 'dnwA', pwd: 'denwaLocalPassword0123456' };
const REMOTE = { ufrag: 'brws', pwd: 'browserRemotePassword9876' };
const CONFIG = { localUfrag: LOCAL.ufrag, localPwd: LOCAL.pwd, remoteUfrag: REMOTE.ufrag, remotePwd: REMOTE.pwd };
const A: IceTransportAddress = { address: '198.51.100.7', port: 54321, family: 4 };
const B: IceTransportAddress = { address: '2001:db8::7', port: 61000, family: 6 };

let nextId = 1;
interface CheckOptions {
  username?: string | undefined;
  pwd?: string | undefined;
  useCandidate?: boolean;
  controlled?: boolean;
  fingerprint?: boolean;
  extra?: StunAttribute[];
  cls?: StunMessage['class'];
}

/** A Binding request as Chrome sends it: USERNAME, ICE-CONTROLLING, PRIORITY, [USE-CANDIDATE], MI, FINGERPRINT. */
function check(options: CheckOptions = {}): Buffer {
  const transactionId = Buffer.alloc(12);
  transactionId.writeUInt32BE(nextId++, 8);
  const username = 'username' in options ? options.username : `${LOCAL.ufrag}:${REMOTE.ufrag}`;
  const attributes: StunAttribute[] = [];
  if (username !== undefined) attributes.push({ type: 'username', value: username });
  attributes.push({ type: 'raw', attributeType: 0xc057, value: Buffer.from('00010000', 'hex') }); // GOOG-NETWORK-INFO
  attributes.push(
    options.controlled === true
      ? { type: 'ice-controlled', tieBreaker: 0x1234n }
      : { type: 'ice-controlling', tieBreaker: 0xfeedfacecafebeefn },
  );
  if (options.useCandidate === true) attributes.push({ type: 'use-candidate' });
  attributes.push({ type: 'priority', value: 1853817087 }, ...(options.extra ?? []));
  const pwd = 'pwd' in options ? options.pwd : LOCAL.pwd;
  return encodeStun(
    { method: 1, class: options.cls ?? 'request', transactionId, attributes },
    { ...(pwd === undefined ? {} : { integrityKey: shortTermKey(pwd) }), fingerprint: options.fingerprint ?? true },
  );
}

function decodeResponse(result: BindingRequestResult): StunMessage {
  if (result.kind === 'ignore') throw new Error(`ignored: ${result.reason}`);
  const message = decodeStun(result.bytes);
  if (isStunDecodeError(message)) throw new Error(message.error);
  return message;
}

describe('IceLiteAgent', () => {
  it('answers a valid check with a signed success response carrying the source address', () => {
    const agent = new IceLiteAgent(CONFIG);
    const request = check();
    const result = agent.handleBindingRequest(request, A, 1000);
    expect(result).toMatchObject({ kind: 'response', nominated: false, selectedChanged: false });
    const response = decodeResponse(result);
    expect(response.class).toBe('success-response');
    expect(response.method).toBe(1);
    expect(response.transactionId).toEqual(request.subarray(8, 20));
    expect(findAttribute(response, 'xor-mapped-address')?.value).toEqual({ family: 4, address: A.address, port: A.port });
    if (result.kind !== 'response') return;
    expect(verifyMessageIntegrity(result.bytes, shortTermKey(LOCAL.pwd))).toBe(true);
    expect(verifyFingerprint(result.bytes)).toBe(true);
    expect(agent.state).toBe('new');
    expect(agent.selected).toBeUndefined();
  });

  it('reports an IPv6 source and unmaps an IPv4-mapped one', () => {
    const agent = new IceLiteAgent(CONFIG, { software: 'Denwa' });
    const v6 = decodeResponse(agent.handleBindingRequest(check(), { address: '2001:DB8:0::7', port: 9, family: 6 }, 0));
    expect(findAttribute(v6, 'xor-mapped-address')?.value).toEqual({ family: 6, address: '2001:db8::7', port: 9 });
    expect(findAttribute(v6, 'software')?.value).toBe('Denwa');
    const mapped = decodeResponse(agent.handleBindingRequest(check(), { address: '::ffff:192.0.2.33', port: 9, family: 6 }, 0));
    expect(findAttribute(mapped, 'xor-mapped-address')?.value).toEqual({ family: 4, address: '192.0.2.33', port: 9 });
  });

  it('ignores checks for another session, without a USERNAME or with a reversed one', () => {
    const agent = new IceLiteAgent(CONFIG);
    for (const username of ['xxxx:brws', 'dnwA:xxxx', 'brws:dnwA', 'dnwA', undefined]) {
      expect(agent.handleBindingRequest(check({ username }), A, 0)).toEqual({ kind: 'ignore', reason: 'unknown-username' });
    }
  });

  it('answers 401 without MESSAGE-INTEGRITY to a wrong password, 400 to none', () => {
    const agent = new IceLiteAgent(CONFIG);
    for (const [pwd, code] of [
      [REMOTE.pwd, 401],
      ['', 401],
      [undefined, 400],
    ] as const) {
      const result = agent.handleBindingRequest(check({ pwd, useCandidate: true }), A, 0);
      expect(result).toMatchObject({ kind: 'error-response', code });
      const response = decodeResponse(result);
      expect(response.class).toBe('error-response');
      expect(findAttribute(response, 'error-code')?.code).toBe(code);
      expect(findAttribute(response, 'message-integrity')).toBeUndefined();
      expect(findAttribute(response, 'fingerprint')).toBeDefined();
    }
    expect(agent.state).toBe('new');
    expect(agent.selected).toBeUndefined();
  });

  it('ignores a bad FINGERPRINT and accepts a check without one', () => {
    const agent = new IceLiteAgent(CONFIG);
    const bad = check();
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0xff;
    expect(agent.handleBindingRequest(bad, A, 0)).toEqual({ kind: 'ignore', reason: 'bad-fingerprint' });
    expect(agent.handleBindingRequest(check({ fingerprint: false }), A, 0).kind).toBe('response');
  });

  it('ignores responses, indications, other methods, malformed packets and bad sources', () => {
    const agent = new IceLiteAgent(CONFIG);
    expect(agent.handleBindingRequest(check({ cls: 'indication' }), A, 0)).toEqual({ kind: 'ignore', reason: 'not-binding-request' });
    expect(agent.handleBindingRequest(check({ cls: 'success-response' }), A, 0).kind).toBe('ignore');
    const allocate = encodeStun({ method: 3, class: 'request', transactionId: Buffer.alloc(12), attributes: [] });
    expect(agent.handleBindingRequest(allocate, A, 0)).toEqual({ kind: 'ignore', reason: 'not-binding-request' });
    expect(agent.handleBindingRequest(check().subarray(0, 40), A, 0)).toEqual({ kind: 'ignore', reason: 'malformed' });
    expect(agent.handleBindingRequest(Buffer.alloc(0), A, 0)).toEqual({ kind: 'ignore', reason: 'malformed' });
    expect(agent.handleBindingRequest(check(), { address: '::1', port: 1, family: 4 }, 0)).toEqual({
      kind: 'ignore',
      reason: 'bad-source-address',
    });
    expect(agent.handleBindingRequest(check(), { ...A, port: 70000 }, 0).kind).toBe('ignore');
  });

  it('answers 487 Role Conflict, signed, when the browser claims the controlled role too', () => {
    const agent = new IceLiteAgent(CONFIG);
    const result = agent.handleBindingRequest(check({ controlled: true, useCandidate: true }), A, 0);
    expect(result).toMatchObject({ kind: 'error-response', code: 487 });
    const response = decodeResponse(result);
    expect(findAttribute(response, 'error-code')).toEqual({ type: 'error-code', code: 487, reason: 'Role Conflict' });
    if (result.kind === 'error-response') expect(verifyMessageIntegrity(result.bytes, shortTermKey(LOCAL.pwd))).toBe(true);
    expect(agent.selected).toBeUndefined();
  });

  it('answers 420 listing unknown comprehension-required attributes', () => {
    const agent = new IceLiteAgent(CONFIG);
    const extra: StunAttribute[] = [
      { type: 'raw', attributeType: 0x0031, value: Buffer.alloc(4) },
      { type: 'raw', attributeType: 0x8030, value: Buffer.alloc(4) },
    ];
    const response = decodeResponse(agent.handleBindingRequest(check({ extra }), A, 0));
    expect(findAttribute(response, 'error-code')?.code).toBe(420);
    expect(findAttribute(response, 'unknown-attributes')?.value).toEqual([0x0031]);
  });

  it('selects the pair on USE-CANDIDATE and switches on a nomination from another address', () => {
    const changes: [IceLiteState, IceLiteState][] = [];
    const agent = new IceLiteAgent(CONFIG, { onStateChange: (to, from) => changes.push([from, to]) });
    expect(agent.handleBindingRequest(check({ useCandidate: true }), A, 100)).toMatchObject({
      kind: 'response',
      nominated: true,
      selectedChanged: true,
    });
    expect(agent.state).toBe('connected');
    expect(agent.selected).toEqual(A);
    expect(agent.lastConsent).toBe(100);
    // Re-nominating the same pair changes nothing.
    expect(agent.handleBindingRequest(check({ useCandidate: true }), A, 200)).toMatchObject({ nominated: true, selectedChanged: false });
    // A plain check from B does not move media, nor renew consent.
    expect(agent.handleBindingRequest(check(), B, 300)).toMatchObject({ nominated: false, selectedChanged: false });
    expect(agent.selected).toEqual(A);
    expect(agent.lastConsent).toBe(200);
    // A nomination from B (network change) switches the selected pair.
    expect(agent.handleBindingRequest(check({ useCandidate: true }), B, 400)).toMatchObject({ nominated: true, selectedChanged: true });
    expect(agent.selected).toEqual(B);
    expect(agent.lastConsent).toBe(400);
    // Another port on the same IP is another pair.
    agent.handleBindingRequest(check({ useCandidate: true }), { ...B, port: B.port + 1 }, 500);
    expect(agent.selected?.port).toBe(B.port + 1);
    expect(changes).toEqual([['new', 'connected']]);
  });

  it('tracks consent freshness: expires 30 s after the last valid check from the selected pair', () => {
    const agent = new IceLiteAgent(CONFIG);
    expect(agent.consentExpired(1_000_000)).toBe(false); // nothing selected, nothing to expire
    agent.handleBindingRequest(check({ useCandidate: true }), A, 10_000);
    agent.handleBindingRequest(check(), A, 15_000); // consent check without USE-CANDIDATE
    agent.handleBindingRequest(check(), B, 20_000); // other address: no consent
    agent.handleBindingRequest(check({ pwd: 'wrong-password-wrong-pwd' }), A, 21_000); // 401: no consent
    expect(agent.lastConsent).toBe(15_000);
    expect(agent.consentExpired(44_999)).toBe(false);
    expect(agent.checkConsent(44_999)).toBe('connected');
    expect(agent.consentExpired(45_000)).toBe(true);
    expect(agent.state).toBe('connected'); // consentExpired is a pure query
    expect(agent.checkConsent(45_000)).toBe('disconnected');
    expect(agent.checkConsent(46_000)).toBe('disconnected');
    // The browser checks the selected pair again: consent is back.
    agent.handleBindingRequest(check(), A, 50_000);
    expect(agent.state).toBe('connected');
    expect(agent.consentExpired(79_999)).toBe(false);
    expect(agent.checkConsent(80_000)).toBe('disconnected');
    // A nomination from elsewhere also reconnects.
    agent.handleBindingRequest(check({ useCandidate: true }), B, 90_000);
    expect([agent.state, agent.selected]).toEqual(['connected', B]);
  });

  it('restart swaps credentials and keeps the selected pair until a new nomination', () => {
    const log = { info: vi.fn(), warn: vi.fn() };
    const agent = new IceLiteAgent(CONFIG, { log: log as never });
    agent.handleBindingRequest(check({ useCandidate: true }), A, 0);
    agent.restart({ localUfrag: 'new1', localPwd: 'newLocalPasswordNewLocalPwd', remoteUfrag: 'new2', remotePwd: 'x'.repeat(22) });
    expect(agent.localUfrag).toBe('new1');
    expect(agent.handleBindingRequest(check(), A, 1).kind).toBe('ignore');
    const request = check({ username: 'new1:new2', pwd: 'newLocalPasswordNewLocalPwd', useCandidate: true });
    expect(agent.handleBindingRequest(request, B, 2)).toMatchObject({ kind: 'response', selectedChanged: true });
    expect(agent.selected).toEqual(B);
    expect(log.warn).toHaveBeenCalledOnce();
    expect(log.info).toHaveBeenCalled();
  });

  it('close() is idempotent and stops everything', () => {
    const agent = new IceLiteAgent(CONFIG, {
      onStateChange: () => {
        throw new Error('listener errors are absorbed');
      },
    });
    agent.handleBindingRequest(check({ useCandidate: true }), A, 0);
    agent.close();
    agent.close();
    expect(agent.state).toBe('closed');
    expect(agent.selected).toBeUndefined();
    expect(agent.handleBindingRequest(check({ useCandidate: true }), A, 1)).toEqual({ kind: 'ignore', reason: 'closed' });
    expect(agent.checkConsent(1e9)).toBe('closed');
    agent.restart(CONFIG);
    expect(agent.state).toBe('closed');
  });
});

describe('ICE-lite transitions', () => {
  const states: IceLiteState[] = ['new', 'connected', 'disconnected', 'closed'];

  it('allows exactly the moves in the table', () => {
    for (const from of states) {
      for (const to of states) {
        const move = (): void => {
          assertIceLiteTransition(from, to);
        };
        if (ICE_LITE_TRANSITIONS[from].includes(to)) expect(move).not.toThrow();
        else expect(move).toThrow(InvalidStateError);
      }
    }
    expect(ICE_LITE_TRANSITIONS.closed).toEqual([]);
    expect(() => {
      assertIceLiteTransition('new', 'disconnected');
    }).toThrow(/new → disconnected/);
  });
});

describe('ufragFromBindingRequest', () => {
  it('returns the local ufrag of a Binding request without verifying it', () => {
    expect(ufragFromBindingRequest(check())).toBe(LOCAL.ufrag);
    expect(ufragFromBindingRequest(check({ pwd: 'not-the-password-at-all' }))).toBe(LOCAL.ufrag);
    expect(ufragFromBindingRequest(check({ username: 'only' }))).toBeUndefined();
    expect(ufragFromBindingRequest(check({ username: ':x' }))).toBeUndefined();
    expect(ufragFromBindingRequest(check({ username: undefined }))).toBeUndefined();
    expect(ufragFromBindingRequest(check({ cls: 'indication' }))).toBeUndefined();
    expect(ufragFromBindingRequest(check().subarray(0, 30))).toBeUndefined();
    expect(ufragFromBindingRequest(Buffer.alloc(0))).toBeUndefined();
  });
});
