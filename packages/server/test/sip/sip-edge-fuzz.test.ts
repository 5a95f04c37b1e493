/**
 * 3,000 seeded mutations of real requests and responses sent to a running SIP edge over UDP: nothing
 * throws (an uncaught error fails the run), nothing reaches the engine from a source on no
 * allow-list, and afterwards the edge still answers OPTIONS.
 */
import { createSocket } from 'node:dgram';
import { seededRandom } from '@denwa/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock, createLogger } from '../../src/core/index.ts';
import { SipEdge } from '../../src/sip/index.ts';
import { bindSipUdp } from '../../src/sip/transport/index.ts';
import { SipUserAgent } from '../../src/sip/ua/index.ts';
import { createMemoryStore, type Store } from '../../src/store/index.ts';
import { ACCOUNT, FakeMedia, T0, ids } from '../calls/fakes.ts';

const TIMERS = { t1: 50, t2: 400, t4: 500 };
const enc = new TextEncoder();

function corpus(port: number): string[] {
  const via = (b: string): string => `Via: SIP/2.0/UDP 127.0.0.5:5099;branch=z9hG4bK${b};rport`;
  const common = 'From: "山田" <sip:09011112222@127.0.0.5>;tag=f1\r\nTo: <sip:+815000000000@127.0.0.1>\r\nCall-ID: fuzz@127.0.0.5\r\nMax-Forwards: 70\r\n';
  const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.5\r\ns=-\r\nc=IN IP4 127.0.0.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n';
  return [
    `INVITE sip:+815000000000@127.0.0.1:${String(port)} SIP/2.0\r\n${via('i1')}\r\n${common}CSeq: 1 INVITE\r\nContact: <sip:y@127.0.0.5:5099>\r\nContent-Type: application/sdp\r\nContent-Length: ${String(sdp.length)}\r\n\r\n${sdp}`,
    `OPTIONS sip:127.0.0.1:${String(port)} SIP/2.0\r\n${via('o1')}\r\n${common}CSeq: 7 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
    `BYE sip:denwa@127.0.0.1:${String(port)} SIP/2.0\r\n${via('b1')}\r\nFrom: <sip:a@b>;tag=x\r\nTo: <sip:c@d>;tag=y\r\nCall-ID: fuzz@127.0.0.5\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n`,
    `CANCEL sip:+815000000000@127.0.0.1:${String(port)} SIP/2.0\r\n${via('i1')}\r\n${common}CSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n`,
    `ACK sip:denwa@127.0.0.1:${String(port)} SIP/2.0\r\n${via('a1')}\r\n${common}CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n`,
    `SIP/2.0 200 OK\r\n${via('r1')}\r\n${common}CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`,
    `INFO sip:denwa@127.0.0.1:${String(port)} SIP/2.0\r\n${via('n1')}\r\nFrom: <sip:a@b>;tag=x\r\nTo: <sip:c@d>;tag=y\r\nCall-ID: z\r\nCSeq: 3 INFO\r\nContent-Type: application/dtmf-relay\r\nContent-Length: 10\r\n\r\nSignal=5\r\n`,
  ];
}

function mutate(text: string, rnd: () => number): Uint8Array {
  const bytes = enc.encode(text);
  const out = bytes.slice();
  const edits = 1 + Math.floor(rnd() * 8);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * out.length);
    out[at] = [0x0d, 0x0a, 0x3a, 0x20, 0x3b, 0x3c, 0x3e, 0x22, 0x30, 0x39, 0x40, 0x00, 0xff][Math.floor(rnd() * 13)] ?? 0;
  }
  return rnd() < 0.15 ? out.subarray(0, Math.floor(rnd() * out.length)) : out;
}

let store: Store;
let edge: SipEdge;
let started = 0;

beforeAll(async () => {
  store = createMemoryStore();
  await store.accounts.upsert({ sid: ACCOUNT, friendlyName: 'a', authToken: 'x'.repeat(32), status: 'active', dateCreated: T0, dateUpdated: T0 });
  edge = await SipEdge.start({ bindAddress: '127.0.0.1', port: 0, advertisedAddress: '127.0.0.1', store, media: new FakeMedia(), clock: new SystemClock(), log: createLogger({ level: 'silent' }), timers: TIMERS, inviteRate: { rate: 10_000, burst: 10_000 } });
  edge.attach({ incomingPhoneCall: (req) => { started++; req.leg.reject('busy'); return { callSid: ids.sid('call'), remoteEnded: () => undefined, digits: () => undefined, media: () => undefined }; } });
});

afterAll(async () => { await edge.close(); });

describe('SIP edge fuzz', () => {
  it('survives 3,000 mutated messages and keeps answering', async () => {
    const rnd = seededRandom(0x5ee);
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => { socket.bind(0, '127.0.0.5', resolve); });
    const inputs = corpus(edge.port);
    for (let i = 0; i < 3000; i++) {
      const input = i % 10 === 0 ? Uint8Array.from({ length: Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256)) : mutate(inputs[i % inputs.length] ?? '', rnd);
      socket.send(input, edge.port, '127.0.0.1');
      if (i % 100 === 99) await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 500));
    socket.close();
    // 127.0.0.5 is on no trunk's allow-list: nothing reached the engine.
    expect(started).toBe(0);
    const t = await bindSipUdp({ address: '127.0.0.1', port: 0 });
    const ua = new SipUserAgent({ clock: new SystemClock(), transports: [t], timers: TIMERS, handler: { invite: () => undefined } });
    try {
      expect(await ua.ping(`sip:127.0.0.1:${String(edge.port)}`)).toBe(200);
    } finally {
      ua.close();
      await t.close();
    }
  }, 30_000);
});
