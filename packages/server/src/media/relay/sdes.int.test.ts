/**
 * SDES-SRTP (RFC 4568) on SIP legs over real UDP on 127.0.0.1: two of Denwa's SIP legs keyed with
 * a=crypto talk SRTP through an eavesdropping UDP proxy; an SRTP carrier played by the test (keys
 * from the SDP, Denwa's own SrtpSession, an MKI on its packets) bridged to a werift browser leg;
 * refusals of SRTP offers Denwa cannot key.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { RTCRtpCodecParameters, RtpHeader } from 'werift';
import type { MediaEndpoint } from '../../calls/ports.ts';
import { SystemClock, createLogger } from '../../core/index.ts';
import { RtpEndpoint } from '../endpoint/index.ts';
import { parseCryptoAttribute } from '../sdp/index.ts';
import { SrtpSession } from '../srtp/index.ts';
import { until, weriftLeg } from './werift-leg.test-helper.ts';
import { MediaRelay } from './media-relay.ts';

const log = createLogger({ level: 'silent' });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});


interface Peer {
  socket: Socket;
  port: number;
  got: { buf: Buffer; from: number }[];
}

async function udp(onMessage?: (msg: Buffer, from: number) => void): Promise<Peer> {
  const socket = createSocket('udp4');
  const peer: Peer = { socket, port: 0, got: [] };
  socket.on('message', (msg, rinfo) => {
    peer.got.push({ buf: msg, from: rinfo.port });
    onMessage?.(msg, rinfo.port);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  peer.port = socket.address().port;
  cleanups.push(() => new Promise<void>((r) => { socket.close(() => { r(); }); }));
  return peer;
}

function rtp(pt: number, seq: number, ts: number, payload: Buffer, ssrc = 0x1111): Buffer {
  const b = Buffer.alloc(12 + payload.length);
  b[0] = 0x80;
  b[1] = pt;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(ts >>> 0, 4);
  b.writeUInt32BE(ssrc, 8);
  payload.copy(b, 12);
  return b;
}

/** RTP (not RTCP) payloads a peer received that are filled with `fill`. */
const filled = (p: Peer, fill: number): Buffer[] => p.got.map((g) => g.buf).filter((b) => b.length >= 13 && !((b[1] ?? 0) >= 192 && (b[1] ?? 0) <= 223) && b.subarray(12).every((x) => x === fill));

function sipOffer(port: number, protocol = 'RTP/AVP', crypto: readonly string[] = []): string {
  return `${['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${String(port)} ${protocol} 0 101`, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', ...crypto.map((c) => `a=crypto:${c}`), 'a=ptime:20', 'a=sendrecv'].join('\r\n')}\r\n`;
}

const withPort = (sdp: string, port: number): string => sdp.replace(/^m=audio \d+ /m, `m=audio ${String(port)} `);

function sip(e: MediaEndpoint): RtpEndpoint {
  if (!(e instanceof RtpEndpoint)) throw new TypeError('not a SIP leg');
  return e;
}

async function startRelay(): Promise<MediaRelay> {
  const relay = await MediaRelay.start({ bindAddress: '127.0.0.1', port: 0, advertisedAddress: '127.0.0.1', clock: new SystemClock(), log, tickMs: 50 });
  cleanups.push(() => relay.close());
  return relay;
}

async function plainLeg(relay: MediaRelay): Promise<{ leg: RtpEndpoint; phone: Peer }> {
  const phone = await udp();
  const r = await relay.rtpAnswer(sipOffer(phone.port), { label: 'plain', onEvent: () => undefined });
  if (!r.ok) throw r.error;
  return { leg: sip(r.value.endpoint), phone };
}

describe('SDES-SRTP on SIP legs', () => {
  it('keys two SIP legs with a=crypto: audio passes both ways, an eavesdropper sees only ciphertext', async () => {
    const relay = await startRelay();
    const offered = await relay.rtpOffer({ label: 'A', onEvent: () => undefined, codecs: ['PCMU'], srtp: 'required' });
    const a = sip(offered.endpoint);
    expect(offered.sdp).toMatch(/^m=audio \d+ RTP\/SAVP 0 101\r$/m);
    expect(offered.sdp).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}\r$/m);
    expect(offered.sdp).toMatch(/^a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:[A-Za-z0-9+/]{40}\r$/m);

    // The proxy sits between A and B and records what A sends.
    let bPort = 0;
    const fromA: Buffer[] = [];
    const proxy = await udp((msg, from) => {
      if (from === a.localPort) {
        fromA.push(Buffer.from(msg));
        proxy.socket.send(msg, bPort, '127.0.0.1');
      } else if (from === bPort) {
        proxy.socket.send(msg, a.localPort, '127.0.0.1');
      }
    });
    const answered = await relay.rtpAnswer(withPort(offered.sdp, proxy.port), { label: 'B', onEvent: () => undefined });
    if (!answered.ok) throw answered.error;
    const b = sip(answered.value.endpoint);
    bPort = b.localPort;
    expect(answered.value.sdp).toMatch(/^m=audio \d+ RTP\/SAVP 0 101\r$/m);
    expect(answered.value.sdp).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/m);
    expect(a.applyAnswer(withPort(answered.value.sdp, proxy.port)).ok).toBe(true);
    expect([a.srtp, b.srtp]).toEqual(['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_80']);

    const c = await plainLeg(relay);
    const d = await plainLeg(relay);
    relay.bridge(c.leg, a);
    relay.bridge(b, d.leg);
    for (let i = 0; i < 20; i++) c.phone.socket.send(rtp(0, 100 + i, 160 * i, Buffer.alloc(160, 0xa1)), c.leg.localPort, '127.0.0.1');
    await until(() => filled(d.phone, 0xa1).length === 20, 5000, 'audio through SRTP at D');
    for (let i = 0; i < 20; i++) d.phone.socket.send(rtp(0, 300 + i, 160 * i, Buffer.alloc(160, 0xb2)), d.leg.localPort, '127.0.0.1');
    await until(() => filled(c.phone, 0xb2).length === 20, 5000, 'audio through SRTP at C');

    // On the wire between A and B: SRTP (10-byte tag), never the plain payload.
    const media = fromA.filter((m) => ((m[1] ?? 0) & 0x7f) === 0);
    expect(media.length).toBeGreaterThanOrEqual(20);
    expect(media.every((m) => m.length === 12 + 160 + 10)).toBe(true);
    expect(media.some((m) => m.subarray(12, 172).every((x) => x === 0xa1 || x === 0xff))).toBe(false);
    expect(relay.totals.srtpRejected).toBe(0);

    // A forged packet is refused and counted, and the call goes on.
    proxy.socket.send(rtp(0, 999, 0, Buffer.alloc(170, 0xa1)), b.localPort, '127.0.0.1');
    await until(() => b.counters.srtpRejected === 1, 3000, 'the forged packet refused');
  }, 20_000);

  it('refuses an RTP/SAVP offer whose suites it cannot key, before taking a port', async () => {
    const relay = await startRelay();
    const key = Buffer.alloc(30, 7).toString('base64');
    const r = await relay.rtpAnswer(sipOffer(4000, 'RTP/SAVP', [`1 AES_192_CM_HMAC_SHA1_80 inline:${key}`, `2 F8_128_HMAC_SHA1_80 inline:${key}`]), { label: 'x', onEvent: () => undefined });
    expect(r.ok).toBe(false);
    expect(r.ok ? 0 : r.error.code).toBe(31400);
    expect(r.ok ? '' : r.error.message).toMatch(/no supported a=crypto suite \(offered: AES_192_CM_HMAC_SHA1_80 .*F8_128_HMAC_SHA1_80/);
    const off = await relay.rtpAnswer(sipOffer(4000, 'RTP/SAVP', [`1 AES_CM_128_HMAC_SHA1_80 inline:${key}`]), { label: 'x', onEvent: () => undefined, srtp: 'off' });
    expect(off.ok ? '' : off.error.message).toMatch(/does not accept/);
    const required = await relay.rtpAnswer(sipOffer(4000), { label: 'x', onEvent: () => undefined, srtp: 'required' });
    expect(required.ok).toBe(false);
    expect(relay.endpointCount).toBe(0);
    // "Best effort" SDES: RTP/AVP with a=crypto is answered with a=crypto; without one, plain.
    const bestEffort = await relay.rtpAnswer(sipOffer(4000, 'RTP/AVP', [`1 AES_CM_128_HMAC_SHA1_80 inline:${key}`]), { label: 'x', onEvent: () => undefined });
    expect(bestEffort.ok ? bestEffort.value.sdp : '').toMatch(/^m=audio \d+ RTP\/AVP 0 101\r\n[^]*a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/m);
    const optional = await relay.rtpOffer({ label: 'y', onEvent: () => undefined, codecs: ['PCMU'], srtp: 'optional' });
    expect(optional.sdp).toMatch(/^m=audio \d+ RTP\/AVP 0 101\r$/m);
    expect(sip(optional.endpoint).applyAnswer(sipOffer(4002)).ok).toBe(true); // a carrier without SDES: plain RTP
    expect(sip(optional.endpoint).srtp).toBeNull();
  });

  it('bridges an SDES carrier (with an MKI on its packets) and a WebRTC leg: audio both ways', async () => {
    const relay = await startRelay();
    const { pc, transceiver: tr, events: webEvents, endpoint: webEndpoint } = await weriftLeg(relay, [new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 })], 'web', (c) => cleanups.push(c));
    const atBrowser: Buffer[] = [];
    tr.dtlsTransport.onRtp.subscribe((p) => { atBrowser.push(Buffer.from(p.payload)); });

    // The carrier keys its own sending with this key, and puts a 4-byte MKI (value 1) on its packets.
    const carrierKey = Buffer.from(Array.from({ length: 30 }, (_, i) => 200 - i));
    const carrier = await udp();
    const answered = await relay.rtpAnswer(sipOffer(carrier.port, 'RTP/SAVP', [`3 AES_CM_128_HMAC_SHA1_80 inline:${carrierKey.toString('base64')}|2^31|1:4`]), { label: 'carrier', onEvent: () => undefined });
    if (!answered.ok) throw answered.error;
    const leg = sip(answered.value.endpoint);
    const mine = /^a=crypto:(.*)\r$/m.exec(answered.value.sdp)?.[1] ?? '';
    const denwa = parseCryptoAttribute(mine);
    if (!denwa.ok) throw new Error(`Denwa's a=crypto is unusable: ${mine}`);
    expect(denwa.key.tag).toBe(3);
    const toDenwa = new SrtpSession('AES_CM_128_HMAC_SHA1_80', { key: carrierKey.subarray(0, 16), salt: carrierKey.subarray(16) });
    const fromDenwa = new SrtpSession('AES_CM_128_HMAC_SHA1_80', { key: denwa.key.keySalt.subarray(0, 16), salt: denwa.key.keySalt.subarray(16) });

    relay.bridge(webEndpoint, leg);
    await until(() => webEvents.some((e) => e.type === 'connected') && pc.connectionState === 'connected', 10_000, 'WebRTC leg');

    for (let i = 0; i < 20; i++) {
      const plain = rtp(0, 40 + i, 160 * i, Buffer.alloc(160, 0xc3), 0xca77);
      const out = Buffer.alloc(plain.length + 4 + 10);
      plain.copy(out);
      const n = toDenwa.protectRtp(out, plain.length) as number;
      out.copyWithin(plain.length + 4, plain.length, n); // the MKI goes between the payload and the tag
      out.writeUInt32BE(1, plain.length);
      carrier.socket.send(out, leg.localPort, '127.0.0.1');
    }
    await until(() => atBrowser.filter((p) => p.length === 160 && p.every((x) => x === 0xc3)).length === 20, 5000, 'carrier audio at the browser');

    for (let i = 0; i < 20; i++) void tr.dtlsTransport.sendRtp(Buffer.alloc(160, 0xd4), new RtpHeader({ payloadType: 0, sequenceNumber: 700 + i, timestamp: 160 * i, ssrc: 0x4321 }));
    const decrypted = (): Buffer[] =>
      carrier.got
        .map((g) => Buffer.from(g.buf))
        .filter((b) => ((b[1] ?? 0) & 0x7f) === 0 && b.length === 182)
        .map((b) => b.subarray(0, fromDenwa.unprotectRtp(b, b.length) as number))
        .filter((b) => b.length === 172 && b.subarray(12).every((x) => x === 0xd4));
    await until(() => decrypted().length >= 15, 5000, 'browser audio at the carrier, decrypted with Denwa\'s key');
    expect(carrier.got.some((g) => g.buf.length === 172 && g.buf.subarray(12).every((x) => x === 0xd4))).toBe(false);
    expect(relay.totals.srtpRejected).toBe(0);
    expect(leg.srtp).toBe('AES_CM_128_HMAC_SHA1_80');
  }, 30_000);
});
