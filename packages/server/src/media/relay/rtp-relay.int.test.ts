/**
 * SIP legs (plain RTP/AVP) of the relay over real UDP on 127.0.0.1: plain node:dgram sockets play
 * the SIP peers (a baresip-like phone or a carrier), werift plays a browser. Offer/answer, comedia,
 * RTP↔RTP and WebRTC↔RTP bridges, DTMF both ways, the RTP timeout and hold, garbage, port allocation.
 */
import { createSocket, type Socket } from 'node:dgram';
import { VoiceError } from '@denwa/protocol';
import { seededRandom } from '@denwa/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { RTCRtpCodecParameters, RtpHeader } from 'werift';
import type { MediaEndpoint, MediaEndpointEvent } from '../../calls/ports.ts';
import { SystemClock, createLogger } from '../../core/index.ts';
import { RtpEndpoint } from '../endpoint/index.ts';
import { until, weriftLeg } from './werift-leg.test-helper.ts';
import { MediaRelay, type MediaRelayOptions } from './media-relay.ts';

const log = createLogger({ level: 'silent' });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});


const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One RTP packet as a SIP peer saw it. */
interface Packet {
  pt: number;
  marker: boolean;
  seq: number;
  ts: number;
  ssrc: number;
  payload: Buffer;
  from: number;
}

/** A SIP peer's UDP socket: records the RTP it receives (RTCP is counted apart). */
interface Peer {
  socket: Socket;
  port: number;
  rtp: Packet[];
  rtcp: number;
  send(buf: Buffer, port: number): void;
}

async function udpPeer(): Promise<Peer> {
  const socket = createSocket('udp4');
  const peer: Peer = {
    socket,
    port: 0,
    rtp: [],
    rtcp: 0,
    send: (buf, port) => { socket.send(buf, port, '127.0.0.1'); },
  };
  socket.on('message', (msg, rinfo) => {
    const b1 = msg[1] ?? 0;
    if (msg.length >= 8 && b1 >= 192 && b1 <= 223) {
      peer.rtcp++;
      return;
    }
    if (msg.length < 12) return;
    peer.rtp.push({ pt: b1 & 0x7f, marker: (b1 & 0x80) !== 0, seq: msg.readUInt16BE(2), ts: msg.readUInt32BE(4), ssrc: msg.readUInt32BE(8), payload: msg.subarray(12), from: rinfo.port });
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  peer.port = socket.address().port;
  cleanups.push(() => new Promise<void>((r) => { socket.close(() => { r(); }); }));
  return peer;
}

function rtp(o: { pt: number; seq: number; ts: number; ssrc: number; marker?: boolean; payload: Buffer }): Buffer {
  const b = Buffer.alloc(12 + o.payload.length);
  b[0] = 0x80;
  b[1] = (o.marker === true ? 0x80 : 0) | o.pt;
  b.writeUInt16BE(o.seq & 0xffff, 2);
  b.writeUInt32BE(o.ts >>> 0, 4);
  b.writeUInt32BE(o.ssrc >>> 0, 8);
  o.payload.copy(b, 12);
  return b;
}

/** Sends `count` 20 ms PCMU frames filled with `fill`. */
function sendAudio(peer: Peer, to: number, count: number, fill: number, pt = 0, seq0 = 5000): void {
  for (let i = 0; i < count; i++) peer.send(rtp({ pt, seq: seq0 + i, ts: 160 * i, ssrc: 0x1111, payload: Buffer.alloc(160, fill) }), to);
}

/** An RFC 4733 digit: start (marker), two updates, end three times, all on one timestamp. */
function sendDigit(peer: Peer, to: number, event: number, pt: number, seq0: number, ts: number): void {
  const te = (end: boolean, duration: number): Buffer => Buffer.from([event, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]);
  const payloads = [te(false, 160), te(false, 320), te(true, 480), te(true, 480), te(true, 480)];
  payloads.forEach((payload, i) => { peer.send(rtp({ pt, seq: seq0 + i, ts, ssrc: 0x1111, marker: i === 0, payload }), to); });
}

/** A baresip-like offer (no a=ssrc, rtpmap for static types too) for media at `port`. */
function sipOffer(port: number, options: { te?: number | null; direction?: string; address?: string; codecs?: string } = {}): string {
  const te = options.te === undefined ? 101 : options.te;
  const lines = ['v=0', 'o=- 1804289383 1 IN IP4 127.0.0.1', 's=-', `c=IN IP4 ${options.address ?? '127.0.0.1'}`, 't=0 0'];
  lines.push(`m=audio ${String(port)} RTP/AVP ${options.codecs ?? '0 8'}${te === null ? '' : ` ${String(te)}`}`);
  lines.push('a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000');
  if (te !== null) lines.push(`a=rtpmap:${String(te)} telephone-event/8000`, `a=fmtp:${String(te)} 0-16`);
  lines.push('a=ptime:20', `a=${options.direction ?? 'sendrecv'}`);
  return `${lines.join('\r\n')}\r\n`;
}

async function startRelay(options: Partial<MediaRelayOptions> = {}): Promise<MediaRelay> {
  const relay = await MediaRelay.start({ bindAddress: '127.0.0.1', port: 0, advertisedAddress: '127.0.0.1', clock: new SystemClock(), log, tickMs: 50, ...options });
  cleanups.push(() => relay.close());
  return relay;
}

interface SipLeg {
  endpoint: RtpEndpoint;
  sdp: string;
  events: MediaEndpointEvent[];
  peer: Peer;
}

async function answerLeg(relay: MediaRelay, peer?: Peer, te: number | null = 101): Promise<SipLeg> {
  const p = peer ?? (await udpPeer());
  const events: MediaEndpointEvent[] = [];
  const r = await relay.rtpAnswer(sipOffer(p.port, { te }), { label: 'CA1 sip', onEvent: (e) => events.push(e) });
  if (!r.ok) throw r.error;
  return { endpoint: sipEndpoint(r.value.endpoint), sdp: r.value.sdp, events, peer: p };
}

function sipEndpoint(e: MediaEndpoint): RtpEndpoint {
  if (!(e instanceof RtpEndpoint)) throw new TypeError('not a SIP endpoint');
  return e;
}

const mPort = (sdp: string): number => Number(/^m=audio (\d+) /m.exec(sdp)?.[1]);
const failures = (events: MediaEndpointEvent[]): MediaEndpointEvent[] => events.filter((e) => e.type === 'failed');

describe('SIP legs: offer/answer, comedia, timeout, hold, DTMF out, ports', () => {
  it('answers a baresip-like offer with PCMU, its own port and telephone-event; then connects', async () => {
    const relay = await startRelay();
    const leg = await answerLeg(relay);
    expect(leg.events).toEqual([]); // 'connected' comes after the caller has the endpoint
    expect(mPort(leg.sdp)).toBe(leg.endpoint.localPort);
    expect(leg.endpoint.localPort % 2).toBe(0);
    expect(leg.sdp).toMatch(/^m=audio \d+ RTP\/AVP 0 101\r$/m);
    expect(leg.sdp).toContain('a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n');
    expect(leg.sdp).toContain('c=IN IP4 127.0.0.1\r\n');
    expect(leg.sdp).not.toMatch(/a=ssrc|a=ice|a=fingerprint/);
    expect(leg.endpoint.codec).toEqual({ name: 'PCMU', clockRate: 8000, channels: 1, payloadType: 0 });
    await until(() => leg.events.some((e) => e.type === 'connected'), 2000, 'connected');
    expect(relay.endpointCount).toBe(1);
  });

  it('refuses SRTP and codec-less offers with 31400, before taking a port', async () => {
    const relay = await startRelay();
    const srtp = await relay.rtpAnswer(sipOffer(4000).replace('RTP/AVP', 'RTP/SAVP'), { label: 'x', onEvent: () => undefined });
    expect(srtp.ok ? 0 : srtp.error.code).toBe(31400);
    expect(srtp.ok ? '' : srtp.error.message).toMatch(/SDES-SRTP/);
    const g722 = await relay.rtpAnswer(sipOffer(4000, { codecs: '9' }), { label: 'x', onEvent: () => undefined });
    expect(g722.ok ? '' : g722.error.message).toMatch(/Not Acceptable Here/);
    const pcmaOnly = await relay.rtpAnswer(sipOffer(4000), { label: 'x', onEvent: () => undefined, codecs: ['g729'] });
    expect(pcmaOnly.ok).toBe(true); // unknown names fall back to PCMU, PCMA
    const opusOnly = await relay.rtpAnswer(sipOffer(4000), { label: 'x', onEvent: () => undefined, codecs: ['opus'] });
    expect(opusOnly.ok ? 0 : opusOnly.error.code).toBe(31400);
    expect(relay.endpointCount).toBe(1);
    expect(relay.totals.packetsIn).toBe(0);
  });

  it('offers PCMU/PCMA/telephone-event and applies a carrier\'s answer', async () => {
    const relay = await startRelay();
    const peer = await udpPeer();
    const events: MediaEndpointEvent[] = [];
    const offered = await relay.rtpOffer({ label: 'CA2 sip', onEvent: (e) => events.push(e), codecs: ['pcmu', 'PCMA'] });
    const ep = sipEndpoint(offered.endpoint);
    expect(offered.sdp).toMatch(new RegExp(`^m=audio ${String(ep.localPort)} RTP/AVP 0 8 101\\r$`, 'm'));
    expect(ep.codec).toBeNull();
    const answer = sipOffer(peer.port, { codecs: '8' });
    expect(ep.applyAnswer(answer)).toEqual({ ok: true, value: undefined });
    expect(ep.codec?.name).toBe('PCMA');
    await until(() => events.some((e) => e.type === 'connected'), 2000, 'connected');
    // Silence frames start (carriers expect continuous RTP), PCMA silence on PT 8.
    await until(() => peer.rtp.length >= 5, 3000, 'silence');
    expect(peer.rtp.every((p) => p.pt === 8 && p.payload.length === 160 && p.payload.every((b) => b === 0xd5) && p.ssrc === ep.localSsrc)).toBe(true);
    expect(ep.applyAnswer('garbage').ok).toBe(false);
  });

  it('latches to the source of the first RTP packet (comedia), not the SDP port', async () => {
    const relay = await startRelay();
    const advertised = await udpPeer();
    const actual = await udpPeer();
    const leg = await answerLeg(relay, advertised);
    await until(() => advertised.rtp.length >= 3, 3000, 'silence at the SDP port');
    expect(leg.endpoint.destination).toEqual({ address: '127.0.0.1', port: advertised.port });
    sendAudio(actual, leg.endpoint.localPort, 5, 0x55);
    await until(() => actual.rtp.length >= 3, 3000, 'RTP at the source port');
    expect(leg.endpoint.destination).toEqual({ address: '127.0.0.1', port: actual.port });
    expect(actual.rtp[0]?.ssrc).toBe(leg.endpoint.localSsrc);
  });

  it('follows a new source only after it sends several valid packets in a row', async () => {
    const relay = await startRelay();
    const first = await udpPeer();
    const stray = await udpPeer();
    const leg = await answerLeg(relay, first);
    sendAudio(first, leg.endpoint.localPort, 2, 0x11);
    await until(() => leg.endpoint.counters.rtpIn === 2, 3000, 'first source');
    stray.send(rtp({ pt: 0, seq: 1, ts: 1, ssrc: 9, payload: Buffer.alloc(160) }), leg.endpoint.localPort);
    sendAudio(first, leg.endpoint.localPort, 1, 0x11, 0, 5002);
    await until(() => leg.endpoint.counters.rtpIn === 3, 3000, 'first source again');
    expect(leg.endpoint.destination?.port).toBe(first.port);
    sendAudio(stray, leg.endpoint.localPort, 3, 0x22, 0, 100);
    await until(() => leg.endpoint.destination?.port === stray.port, 3000, 'relatch');
  });

  it('fails a bridged leg once when its peer sends no RTP; not while ringing (unbridged), not while held', async () => {
    const relay = await startRelay({ rtpTimeoutMs: 300 });
    const silent = await answerLeg(relay);
    const other = await answerLeg(relay);
    await sleep(700);
    expect(failures(silent.events)).toEqual([]); // not bridged yet: the peer may not have Denwa's SDP
    relay.bridge(silent.endpoint, other.endpoint);
    await until(() => failures(silent.events).length > 0, 3000, 'rtp timeout');
    const failed = failures(silent.events)[0];
    expect(failed?.type === 'failed' ? failed.error.code : 0).toBe(53405);
    expect(failed?.type === 'failed' ? failed.error.message : '').toMatch(/no RTP from the SIP peer/);
    await sleep(700);
    expect(failures(silent.events)).toHaveLength(1);

    const held = await answerLeg(relay);
    const partner = await answerLeg(relay);
    const hold = held.endpoint.reoffer(sipOffer(held.peer.port, { direction: 'sendonly' }));
    expect(hold.ok ? hold.value : '').toMatch(/^a=recvonly\r$/m);
    relay.bridge(held.endpoint, partner.endpoint);
    await sleep(1000);
    const inactive = held.endpoint.reoffer(sipOffer(held.peer.port, { direction: 'inactive' }));
    expect(inactive.ok ? inactive.value : '').toMatch(/^a=inactive\r$/m);
    const zero = held.endpoint.reoffer(sipOffer(held.peer.port, { address: '0.0.0.0' }));
    expect(zero.ok ? zero.value : '').toMatch(/^a=recvonly\r$/m);
    await sleep(1000);
    expect(failures(held.events)).toEqual([]);
    // While held, Denwa sends the peer no RTP.
    const count = held.peer.rtp.length;
    await sleep(300);
    expect(held.peer.rtp.length).toBe(count);
    const unhold = held.endpoint.reoffer(sipOffer(held.peer.port));
    expect(unhold.ok ? unhold.value : '').toMatch(/^a=sendrecv\r$/m);
    await until(() => held.peer.rtp.length > count, 3000, 'media after unhold');
    await until(() => failures(held.events).length === 1, 3000, 'timeout after unhold');
  });

  it('keeps a leg alive with RTP arriving, and refuses a bad re-offer without changing the leg', async () => {
    const relay = await startRelay({ rtpTimeoutMs: 1000 });
    const leg = await answerLeg(relay);
    relay.bridge(leg.endpoint, (await answerLeg(relay)).endpoint);
    for (let i = 0; i < 50; i++) {
      sendAudio(leg.peer, leg.endpoint.localPort, 1, 0x33, 0, 7000 + i);
      await sleep(50);
    }
    expect(failures(leg.events)).toEqual([]);
    const bad = leg.endpoint.reoffer(sipOffer(leg.peer.port).replace('RTP/AVP', 'RTP/SAVP'));
    expect(bad.ok ? 0 : bad.error.code).toBe(31400);
    expect(leg.endpoint.codec?.name).toBe('PCMU');
  });

  it('sends digits as RFC 4733 packets: marker first, one timestamp per event, end bit three times', async () => {
    const relay = await startRelay();
    const leg = await answerLeg(relay);
    await until(() => leg.peer.rtp.length >= 2, 3000, 'silence');
    expect(leg.endpoint.sendDigits('1#')).toBe(true);
    await until(() => leg.peer.rtp.filter((p) => p.pt === 101 && (p.payload[1]! & 0x80) !== 0).length >= 6, 3000, 'two digits');
    const te = leg.peer.rtp.filter((p) => p.pt === 101);
    const events = [...new Set(te.map((p) => p.ts))].map((ts) => te.filter((p) => p.ts === ts));
    expect(events.map((e) => e[0]?.payload[0])).toEqual([1, 11]);
    for (const packets of events) {
      expect(packets.map((p) => p.marker)).toEqual([true, false, false, false, false, false, false]);
      expect(packets.map((p) => p.payload.readUInt16BE(2))).toEqual([160, 320, 480, 640, 800, 800, 800]);
      expect(packets.map((p) => (p.payload[1]! & 0x80) !== 0)).toEqual([false, false, false, false, true, true, true]);
      expect(packets.every((p) => p.ssrc === leg.endpoint.localSsrc)).toBe(true);
    }
    // The digit continues the leg's sequence numbers (after the silence frames).
    const firstTe = leg.peer.rtp.findIndex((p) => p.pt === 101);
    const before = leg.peer.rtp[firstTe - 1];
    expect(before === undefined ? -1 : ((leg.peer.rtp[firstTe]?.seq ?? 0) - before.seq) & 0xffff).toBe(1);
    const noTe = await answerLeg(relay, undefined, null);
    expect(noTe.endpoint.sendDigits('1')).toBe(false);
  });

  it('gives distinct even ports from a small range, refuses when it is exhausted, and frees ports on close', async () => {
    const base = 21_000 + 2 * Math.floor(Math.random() * 4000);
    const relay = await startRelay({ rtpPorts: { min: base, max: base + 5 } });
    const opts = { label: 'x', onEvent: () => undefined, codecs: ['PCMU'] };
    const legs: MediaEndpoint[] = [];
    for (let i = 0; i < 3; i++) legs.push((await relay.rtpOffer(opts)).endpoint);
    const ports = legs.map((e) => sipEndpoint(e).localPort).sort();
    expect(ports).toEqual([base, base + 2, base + 4]);
    const refused = await relay.rtpOffer(opts).then(() => null, (err: unknown) => err);
    expect(refused).toBeInstanceOf(VoiceError);
    expect((refused as VoiceError).code).toBe(53405);
    expect((refused as VoiceError).message).toMatch(/no free RTP port/);
    const answered = await relay.rtpAnswer(sipOffer(4000), opts);
    expect(answered.ok ? 0 : answered.error.code).toBe(53405);
    const freed = sipEndpoint(legs[1]!);
    const port = freed.localPort;
    freed.close();
    freed.close();
    await freed.whenClosed;
    const again = sipEndpoint((await relay.rtpOffer(opts)).endpoint);
    expect(again.localPort).toBe(port);
    await expect(MediaRelay.start({ bindAddress: '127.0.0.1', port: 0, advertisedAddress: '127.0.0.1', clock: new SystemClock(), log, rtpPorts: { min: 30_001, max: 30_001 } })).rejects.toThrow(TypeError);
  });
});

const modes: ('native' | 'dgram')[] = process.platform === 'linux' ? ['native', 'dgram'] : ['dgram'];

describe.each(modes)('bridged SIP legs (%s UDP)', (relayIo) => {
  it('relays RTP between two SIP legs with the receiving leg\'s SSRC, continuous sequence numbers and mapped DTMF', async () => {
    const relay = await startRelay({ io: relayIo });
    const a = await answerLeg(relay);
    const peerB = await udpPeer();
    const eventsB: MediaEndpointEvent[] = [];
    const offered = await relay.rtpOffer({ label: 'CA3 b', onEvent: (e) => eventsB.push(e), codecs: ['PCMU'] });
    const b = sipEndpoint(offered.endpoint);
    // B's carrier answers with telephone-event on 96: A's DTMF (101) must arrive at B as 96.
    expect(b.applyAnswer(sipOffer(peerB.port, { te: 96, codecs: '0' })).ok).toBe(true);
    relay.bridge(a.endpoint, b);
    await until(() => peerB.rtp.length >= 3, 3000, 'silence at B');
    sendAudio(a.peer, a.endpoint.localPort, 20, 0xa1);
    await until(() => peerB.rtp.filter((p) => p.payload[0] === 0xa1).length === 20, 3000, 'relayed audio at B');
    const relayed = peerB.rtp.filter((p) => p.payload[0] === 0xa1);
    expect(relayed.every((p) => p.pt === 0 && p.ssrc === b.localSsrc && p.from === b.localPort)).toBe(true);
    expect(relayed.slice(1).map((p, i) => (p.seq - (relayed[i]?.seq ?? 0)) & 0xffff)).toEqual(Array<number>(19).fill(1));
    const firstIndex = peerB.rtp.indexOf(relayed[0]!);
    const before = peerB.rtp[firstIndex - 1];
    expect(before === undefined ? -1 : ((relayed[0]?.seq ?? 0) - before.seq) & 0xffff).toBe(1);

    sendDigit(a.peer, a.endpoint.localPort, 5, 101, 6000, 99_999);
    await until(() => a.events.some((e) => e.type === 'dtmf'), 3000, 'dtmf at A');
    expect(a.events.filter((e) => e.type === 'dtmf')).toEqual([{ type: 'dtmf', digit: '5', durationMs: 60 }]);
    await until(() => peerB.rtp.filter((p) => p.pt === 96).length === 5, 3000, 'dtmf at B');
    expect(peerB.rtp.filter((p) => p.pt === 96).map((p) => p.payload[0])).toEqual([5, 5, 5, 5, 5]);

    // And back: B's audio reaches A's phone.
    sendAudio(peerB, b.localPort, 10, 0xb2);
    await until(() => a.peer.rtp.filter((p) => p.payload[0] === 0xb2).length === 10, 3000, 'audio at A');
    expect(relay.totals.rtpRelayed).toBeGreaterThanOrEqual(35);
  });

  it('drops and counts garbage on both ports and keeps relaying', async () => {
    const relay = await startRelay({ io: relayIo });
    const a = await answerLeg(relay);
    const b = await answerLeg(relay);
    relay.bridge(a.endpoint, b.endpoint);
    sendAudio(a.peer, a.endpoint.localPort, 3, 0xa1);
    await until(() => b.peer.rtp.filter((p) => p.payload[0] === 0xa1).length === 3, 3000, 'first audio');
    const stranger = await udpPeer();
    const random = seededRandom(0x6a7b);
    const port = a.endpoint.localPort;
    const garbage: Buffer[] = [
      Buffer.alloc(0),
      Buffer.from([0x80]),
      Buffer.from([0x80, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00]), // truncated RTP
      rtp({ pt: 18, seq: 1, ts: 1, ssrc: 1, payload: Buffer.alloc(20) }), // G.729: not negotiated
      Buffer.concat([Buffer.from([0x40]), Buffer.alloc(30)]), // version 1
      Buffer.from([0x8f, 0x00, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]), // 15 CSRCs announced, none there
      Buffer.from([0x81, 0xc9, 0x00, 0x07, 0, 0, 0, 1, ...Array<number>(24).fill(0)]), // RTCP RR (muxed)
    ];
    for (let i = 0; i < 200; i++) {
      const len = Math.floor(random() * 200);
      const buf = Buffer.alloc(len);
      for (let j = 0; j < len; j++) buf[j] = Math.floor(random() * 256);
      garbage.push(buf);
    }
    for (const [i, g] of garbage.entries()) {
      a.peer.send(g, port);
      a.peer.send(g, port + 1);
      stranger.send(g, port);
      if (i % 10 === 9) await sleep(2); // paced: a burst of 600 would overflow the kernel's receive buffer
    }
    a.peer.send(Buffer.from([0x80, 0xc8, 0x00, 0x06, 0, 0, 0, 1, ...Array<number>(20).fill(0)]), port + 1); // RTCP SR
    await until(() => a.endpoint.counters.packetsIn >= 3 * garbage.length, 3000, 'garbage received');
    sendAudio(a.peer, port, 10, 0xa2, 0, 5003);
    await until(() => b.peer.rtp.filter((p) => p.payload[0] === 0xa2).length === 10, 3000, 'audio after garbage');
    expect(a.endpoint.counters.dropped).toBeGreaterThan(garbage.length);
    expect(a.endpoint.counters.rtcpIn).toBeGreaterThanOrEqual(2);
    expect(relay.totals.dropped).toBeGreaterThan(0);
    expect(a.endpoint.destination?.port).toBe(a.peer.port);
    expect(failures(a.events)).toEqual([]);
  });

  it('bridges a WebRTC leg (werift, PCMU) and a SIP leg: audio both ways, DTMF from the browser to the phone', async () => {
    const relay = await startRelay({ io: relayIo });
    expect(relay.io).toBe(relayIo);
    const { pc, transceiver: tr, events: webEvents, endpoint: webEndpoint } = await weriftLeg(relay, [new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 }),
          new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8000, payloadType: 126 })], 'CA4 web', (c) => cleanups.push(c));
    const fromRelay: { pt: number; payload: Buffer }[] = [];
    tr.dtlsTransport.onRtp.subscribe((p) => { fromRelay.push({ pt: p.header.payloadType, payload: Buffer.from(p.payload) }); });
    const sip = await answerLeg(relay);
    relay.bridge(webEndpoint, sip.endpoint);
    await until(() => webEvents.some((e) => e.type === 'connected') && pc.connectionState === 'connected', 10_000, 'WebRTC leg');

    for (let i = 0; i < 20; i++) {
      void tr.dtlsTransport.sendRtp(Buffer.alloc(160, 0xa1), new RtpHeader({ payloadType: 0, sequenceNumber: 1000 + i, timestamp: 160 * i, ssrc: 0x1234 }));
    }
    await until(() => sip.peer.rtp.filter((p) => p.payload[0] === 0xa1).length >= 15, 5000, 'browser audio at the phone');
    const atPhone = sip.peer.rtp.filter((p) => p.payload[0] === 0xa1);
    expect(atPhone.every((p) => p.pt === 0 && p.ssrc === sip.endpoint.localSsrc && p.payload.length === 160 && p.payload.every((x) => x === 0xa1))).toBe(true);

    sendAudio(sip.peer, sip.endpoint.localPort, 20, 0xb2);
    await until(() => fromRelay.filter((p) => p.payload[0] === 0xb2).length >= 15, 5000, 'phone audio at the browser');
    expect(fromRelay.filter((p) => p.payload[0] === 0xb2).every((p) => p.pt === 0 && p.payload.length === 160 && p.payload.every((x) => x === 0xb2))).toBe(true);

    const te = (end: boolean, duration: number): Buffer => Buffer.from([9, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]);
    [te(false, 160), te(true, 320), te(true, 320), te(true, 320)].forEach((p, i) => {
      void tr.dtlsTransport.sendRtp(p, new RtpHeader({ payloadType: 126, sequenceNumber: 2000 + i, timestamp: 8000, ssrc: 0x1234, marker: i === 0 }));
    });
    await until(() => webEvents.some((e) => e.type === 'dtmf'), 5000, 'dtmf at the WebRTC leg');
    await until(() => sip.peer.rtp.filter((p) => p.pt === 101).length === 4, 5000, 'dtmf at the phone');
    expect(sip.peer.rtp.filter((p) => p.pt === 101).map((p) => p.payload[0])).toEqual([9, 9, 9, 9]);

    // And Denwa's own digits to the browser leg (WebRTC sendDigits), as telephone-event 126.
    expect((webEndpoint.sendDigits?.('7')) ?? false).toBe(true);
    await until(() => fromRelay.filter((p) => p.pt === 126).length >= 7, 5000, 'digits at the browser');
    expect(relay.totals.srtpRejected).toBe(0);
  }, 30_000);
});
