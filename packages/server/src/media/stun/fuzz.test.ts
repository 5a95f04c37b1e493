/**
 * Bad input: 5,000 seeded random buffers (pure noise, STUN-shaped headers with random attributes,
 * and bit-flipped valid checks) go to the decoder, the verifiers, `ufragFromBindingRequest` and an
 * `IceLiteAgent`. None may throw.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@denwa/testkit';
import {
  IceLiteAgent,
  decodeStun,
  encodeStun,
  isStunDecodeError,
  isStunPacket,
  shortTermKey,
  ufragFromBindingRequest,
  verifyFingerprint,
  verifyMessageIntegrity,
  type StunMessage,
} from './index.ts';

const prng = seededRandom;

const random = prng(0x57a4_5389);
const int = (n: number): number => Math.floor(random() * n);
const bytes = (n: number): Buffer => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = int(256);
  return b;
};

const CONFIG = { localUfrag: 'abcd', localPwd: 'passwordpasswordpassword', remoteUfrag: 'wxyz', remotePwd: 'p'.repeat(22) };
const KNOWN_TYPES = [0x0001, 0x0006, 0x0008, 0x0009, 0x000a, 0x0020, 0x0024, 0x0025, 0x8022, 0x8028, 0x8029, 0x802a, 0x0030];

const CHECK: StunMessage = {
  method: 1,
  class: 'request',
  transactionId: Buffer.alloc(12, 7),
  attributes: [
    { type: 'username', value: 'abcd:wxyz' },
    { type: 'ice-controlling', tieBreaker: 5n },
    { type: 'use-candidate' },
    { type: 'priority', value: 99 },
  ],
};
const VALID_CHECKS = [
  encodeStun(CHECK, { integrityKey: shortTermKey(CONFIG.localPwd), fingerprint: true }),
  // Without FINGERPRINT, flipped bits get past the fingerprint check into authentication.
  encodeStun(CHECK, { integrityKey: shortTermKey(CONFIG.localPwd) }),
];

/** A STUN header (length right or wrong) followed by random attributes of random declared lengths. */
function stunShaped(): Buffer {
  const parts: Buffer[] = [];
  const count = int(6);
  for (let i = 0; i < count; i++) {
    const length = random() < 0.7 ? int(24) : int(0x10000);
    const header = Buffer.alloc(4);
    header.writeUInt16BE(random() < 0.8 ? (KNOWN_TYPES[int(KNOWN_TYPES.length)] ?? 1) : int(0x10000), 0);
    header.writeUInt16BE(length, 2);
    parts.push(header, bytes(random() < 0.6 ? (length + 3) & ~3 : int(32)));
  }
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(20);
  head.writeUInt16BE(random() < 0.8 ? 0x0001 : int(0x4000), 0);
  head.writeUInt16BE(random() < 0.8 ? body.length & 0xffff : int(0x10000), 2);
  head.writeUInt32BE(0x2112a442, 4);
  bytes(12).copy(head, 8);
  return Buffer.concat([head, body]);
}

/** A valid check with 0–4 flipped bits, or truncated / extended. */
function mutated(): Buffer {
  const b = Buffer.from(VALID_CHECKS[int(2)] ?? Buffer.alloc(0));
  const flips = int(5);
  for (let i = 0; i < flips; i++) {
    const at = int(b.length);
    b[at] = (b[at] ?? 0) ^ (1 << int(8));
  }
  const r = random();
  if (r < 0.1) return b.subarray(0, int(b.length));
  if (r < 0.2) return Buffer.concat([b, bytes(int(12))]);
  return b;
}

describe('fuzz', () => {
  it('5,000 random buffers: no throw from the codec, the verifiers or the agent', () => {
    const agent = new IceLiteAgent(CONFIG);
    const key = shortTermKey(CONFIG.localPwd);
    const counts = { decoded: 0, answered: 0 };
    for (let n = 0; n < 5000; n++) {
      const kind = n % 3;
      const buf = kind === 0 ? bytes(int(n < 10 ? 20 : 200)) : kind === 1 ? stunShaped() : mutated();
      const run = (): void => {
        isStunPacket(buf);
        const message = decodeStun(buf);
        if (!isStunDecodeError(message)) {
          counts.decoded++;
          // Whatever decodes must encode again.
          encodeStun(message, { fingerprint: true });
        }
        verifyMessageIntegrity(buf, key);
        verifyFingerprint(buf);
        ufragFromBindingRequest(buf);
        const family = n % 2 === 0 ? 4 : 6;
        const result = agent.handleBindingRequest(buf, { address: family === 4 ? '192.0.2.1' : '2001:db8::1', port: n, family }, n * 20);
        if (result.kind !== 'ignore') counts.answered++;
      };
      expect(run).not.toThrow();
    }
    // The generators reach past the header checks and into the agent.
    expect(counts.decoded).toBeGreaterThan(500);
    expect(counts.answered).toBeGreaterThan(50);
  });
});
