/**
 * Bad input: 3,000 seeded random datagrams (noise, record-shaped, handshake-shaped) and 3,000
 * truncated or mutated real handshake datagrams go to fresh servers, servers mid-handshake and
 * connected servers. `handleDatagram` must never throw, and no failure may be an internal error.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '@denwa/testkit';
import { ManualClock } from '@denwa/testkit';
import { createDtlsCertificate, type DtlsCertificate } from './certificate.ts';
import { DtlsServer } from './dtls-server.ts';
import { encodeHandshakeFragment } from './handshake-codec.ts';
import { encodeRecord } from './record-layer.ts';
import { DtlsTestClient } from './test-client.ts';

const prng = seededRandom;

const random = prng(0xd715_1347);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
const bytes = (n: number): Buffer => {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = int(256);
  return b;
};

let serverCert: DtlsCertificate;
let clientCert: DtlsCertificate;
beforeAll(async () => {
  [serverCert, clientCert] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
});

const COOKIE_SECRET = Buffer.alloc(32, 3);

function newServer(clock: ManualClock, failures: string[]): DtlsServer {
  return new DtlsServer({
    certificate: serverCert,
    clock,
    send: () => undefined,
    expectedRemoteFingerprint: clientCert.fingerprint,
    cookieSecret: COOKIE_SECRET,
    onConnected: () => undefined,
    onFailed: (r) => failures.push(r),
  });
}

interface Stage {
  readonly server: DtlsServer;
  /** The client datagrams the server has not seen yet (none once connected). */
  readonly next: Buffer[];
  /** Every client datagram of the handshake so far. */
  readonly sent: Buffer[];
}

/**
 * A server in `stage` with the real client talking to it: `new` (nothing delivered; `next` holds the
 * first ClientHello), `handshaking` (flight 4 sent; `next` holds the client's flight 5) or
 * `connected`.
 */
function realHandshake(clock: ManualClock, failures: string[], stage: 'new' | 'handshaking' | 'connected', mtu = 1200): Stage {
  const toClient: Buffer[] = [];
  const toServer: Buffer[] = [];
  const server = new DtlsServer({
    certificate: serverCert,
    clock,
    send: (d) => toClient.push(d),
    expectedRemoteFingerprint: clientCert.fingerprint,
    cookieSecret: COOKIE_SECRET,
    onConnected: () => undefined,
    onFailed: (r) => failures.push(r),
  });
  const client = new DtlsTestClient({ certificate: clientCert, send: (d) => toServer.push(d), mtu });
  client.start();
  const rounds = { new: 0, handshaking: 2, connected: 3 }[stage];
  for (let i = 0; i < rounds; i++) {
    for (const d of toServer.splice(0)) server.handleDatagram(d);
    for (const d of toClient.splice(0)) client.handleDatagram(d);
  }
  return { server, next: toServer, sent: client.sent };
}

function randomDatagram(): Buffer {
  switch (int(4)) {
    case 0:
      return bytes(int(300));
    case 1: {
      // Record-shaped: plausible header, random body, length right or wrong.
      const body = bytes(int(120));
      const r = encodeRecord({ type: pick([20, 21, 22, 23, int(256)]), version: pick([0xfefd, 0xfeff, int(65536)]), epoch: pick([0, 1, 2, int(65536)]), sequence: int(2 ** 30) }, body);
      if (random() < 0.3) r.writeUInt16BE(int(65536), 11);
      return random() < 0.3 ? r.subarray(0, int(r.length)) : r;
    }
    case 2: {
      // Handshake-shaped: records of handshake fragments with random header fields.
      const frags: Buffer[] = [];
      for (let i = 0, n = 1 + int(3); i < n; i++) {
        const body = bytes(int(80));
        const f = encodeHandshakeFragment(pick([1, 11, 15, 16, 20, int(256)]), int(200), int(8), int(100), body);
        if (random() < 0.3) f.writeUIntBE(int(2 ** 24), 9, 3);
        frags.push(f);
      }
      return encodeRecord({ type: 22, version: 0xfefd, epoch: pick([0, 0, 1]), sequence: int(1000) }, Buffer.concat(frags));
    }
    default: {
      // Alerts and ChangeCipherSpec of random sizes.
      return encodeRecord({ type: pick([20, 21]), version: 0xfefd, epoch: pick([0, 1]), sequence: int(1000) }, bytes(int(4)));
    }
  }
}

function mutate(d: Buffer): Buffer {
  const m = Buffer.from(d);
  switch (int(5)) {
    case 0:
      return m.subarray(0, int(m.length));
    case 1: {
      for (let i = 0, n = 1 + int(4); i < n; i++) m[int(m.length)] = int(256);
      return m;
    }
    case 2: {
      // A record length or a handshake length field.
      const at = pick([11, 14, 22, 25]);
      if (at + 2 <= m.length) m.writeUInt16BE(int(65536), at);
      return m;
    }
    case 3:
      return Buffer.concat([m, m.subarray(0, int(m.length))]);
    default: {
      const at = int(m.length);
      return Buffer.concat([m.subarray(0, at), bytes(int(20)), m.subarray(at)]);
    }
  }
}

describe('DtlsServer never throws on bad input', () => {
  it('3,000 random datagrams to fresh, mid-handshake and connected servers', () => {
    const clock = new ManualClock();
    const failures: string[] = [];
    const stages = ['new', 'handshaking', 'connected'] as const;
    let reals = stages.map((s) => realHandshake(clock, failures, s));
    for (let i = 0; i < 3000; i++) {
      const d = randomDatagram();
      expect(() => {
        newServer(clock, failures).handleDatagram(d);
        for (const r of reals) r.server.handleDatagram(d);
      }).not.toThrow();
      if (reals.some((r) => r.server.state === 'failed' || r.server.state === 'closed')) {
        reals = stages.map((s) => realHandshake(clock, failures, s));
      }
    }
    expect(reals.map((r) => r.server.state)).toEqual(['new', 'handshaking', 'connected']);
    expect(failures.filter((f) => f.startsWith('internal error'))).toEqual([]);
  });

  it('3,000 truncated or mutated real handshake datagrams, the rest of the flight delivered intact', async () => {
    const clock = new ManualClock();
    const failures: string[] = [];
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const stage = pick(['new', 'handshaking', 'handshaking', 'connected'] as const);
      const { server, next, sent } = realHandshake(clock, failures, stage, pick([1200, 200]));
      // new: a mutated first ClientHello; handshaking: flight 5 with one datagram mutated;
      // connected: a mutated copy of any client datagram.
      const flight = stage === 'connected' ? [pick(sent)] : next;
      const victim = int(flight.length);
      expect(() => {
        flight.forEach((d, j) => {
          server.handleDatagram(j === victim ? mutate(d) : d);
        });
      }).not.toThrow();
      outcomes.set(`${stage}→${server.state}`, (outcomes.get(`${stage}→${server.state}`) ?? 0) + 1);
      if (i % 500 === 0) await clock.advance(2000); // let some retransmission timers run too
    }
    expect(failures.filter((f) => f.startsWith('internal error'))).toEqual([]);
    // Mutations both break handshakes (alerts) and miss (the handshake completes anyway).
    expect(outcomes.get('handshaking→failed')).toBeGreaterThan(0);
    expect(outcomes.get('handshaking→connected')).toBeGreaterThan(0);
  });
});
