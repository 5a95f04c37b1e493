/**
 * The relay against werift, an independent WebRTC implementation, over real UDP on 127.0.0.1: one
 * peer offers (Denwa answers), the other answers Denwa's offer; the relay bridges them.
 */
import { createSocket } from 'node:dgram';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, type RTCRtpTransceiver } from 'werift';
import type { MediaEndpoint, MediaEndpointEvent } from '../../calls/ports.ts';
import { SystemClock, createLogger } from '../../core/index.ts';
import { MediaRelay } from './media-relay.ts';

const log = createLogger({ level: 'silent' });

function peer(): RTCPeerConnection {
  const pc = new RTCPeerConnection({
    codecs: {
      audio: [
        new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 }),
        new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 }),
        new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8000, payloadType: 126 }),
      ],
    },
    headerExtensions: { audio: [] },
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceUseIpv6: false,
  });
  return pc;
}

async function gathered(pc: RTCPeerConnection): Promise<string> {
  const deadline = Date.now() + 5000;
  while (pc.iceGatheringState !== 'complete' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const sdp = pc.localDescription?.sdp;
  if (sdp === undefined) throw new Error('no local description');
  return sdp;
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Leg {
  pc: RTCPeerConnection;
  transceiver: RTCRtpTransceiver;
  endpoint: MediaEndpoint;
  events: MediaEndpointEvent[];
  received: { pt: number; ssrc: number; seq: number; payload: Buffer }[];
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The UDP implementation under test (see the `describe.each` below). */
let io: 'native' | 'dgram' = 'native';

async function setup(options: { consentTimeoutMs?: number } = {}): Promise<{ relay: MediaRelay; a: Leg; b: Leg }> {
  const relay = await MediaRelay.start({ bindAddress: '127.0.0.1', port: 0, advertisedAddress: '127.0.0.1', clock: new SystemClock(), log, tickMs: 50, io, ...options });
  expect(relay.io).toBe(io);
  cleanups.push(() => relay.close());

  // A offers; Denwa answers.
  const receivedA: Leg['received'] = [];
  const pcA = peer();
  cleanups.push(() => pcA.close());
  const trA = pcA.addTransceiver('audio', { direction: 'sendrecv' });
  await pcA.setLocalDescription(await pcA.createOffer());
  const eventsA: MediaEndpointEvent[] = [];
  const answered = relay.answer(await gathered(pcA), { label: 'A', onEvent: (e) => eventsA.push(e) });
  if (!answered.ok) throw answered.error;
  await pcA.setRemoteDescription({ type: 'answer', sdp: answered.value.sdp });

  // Denwa offers the codec A negotiated; B answers.
  const codec = answered.value.endpoint.codec;
  expect(codec?.name).toBe('PCMU');
  const receivedB: Leg['received'] = [];
  const pcB = peer();
  cleanups.push(() => pcB.close());
  const eventsB: MediaEndpointEvent[] = [];
  const offered = relay.offer({ label: 'B', onEvent: (e) => eventsB.push(e), codecs: [codec?.name ?? 'PCMU'] });
  await pcB.setRemoteDescription({ type: 'offer', sdp: offered.sdp });
  const trB = pcB.getTransceivers()[0];
  if (trB === undefined) throw new Error('no transceiver');
  trB.setDirection('sendrecv');
  await pcB.setLocalDescription(await pcB.createAnswer());
  const applied = offered.endpoint.applyAnswer(await gathered(pcB));
  expect(applied.ok).toBe(true);

  relay.bridge(answered.value.endpoint, offered.endpoint);
  // werift's RTP senders and track routing are bypassed: the test sends and reads at its DTLS-SRTP transport.
  for (const [tr, received] of [[trA, receivedA], [trB, receivedB]] as const) {
    tr.dtlsTransport.onRtp.subscribe((rtp) => {
      received.push({ pt: rtp.header.payloadType, ssrc: rtp.header.ssrc, seq: rtp.header.sequenceNumber, payload: Buffer.from(rtp.payload) });
    });
  }
  const a: Leg = { pc: pcA, transceiver: trA, endpoint: answered.value.endpoint, events: eventsA, received: receivedA };
  const b: Leg = { pc: pcB, transceiver: trB, endpoint: offered.endpoint, events: eventsB, received: receivedB };
  await until(() => a.events.some((e) => e.type === 'connected') && b.events.some((e) => e.type === 'connected'), 8000);
  await until(() => pcA.connectionState === 'connected' && pcB.connectionState === 'connected', 8000);
  return { relay, a, b };
}

function send(leg: Leg, count: number, marker: number, pt = 0): void {
  for (let i = 0; i < count; i++) {
    const payload = Buffer.alloc(160, marker);
    void leg.transceiver.dtlsTransport.sendRtp(payload, new RtpHeader({ payloadType: pt, sequenceNumber: 1000 + i, timestamp: 160 * i, ssrc: 0x1234 }));
  }
}

const modes: ('native' | 'dgram')[] = process.platform === 'linux' ? ['native', 'dgram'] : ['dgram'];

describe.each(modes)('MediaRelay with werift peers (%s UDP)', (mode) => {
  beforeAll(() => { io = mode; });

  it('connects both legs (ICE-lite + DTLS-SRTP) and relays RTP both ways with the receiving leg\'s SSRC', async () => {
    const { relay, a, b } = await setup();
    send(a, 20, 0xa1);
    send(b, 20, 0xb2);
    await until(() => b.received.filter((p) => p.payload[0] === 0xa1).length >= 15 && a.received.filter((p) => p.payload[0] === 0xb2).length >= 15, 5000);
    const atB = b.received.find((p) => p.payload[0] === 0xa1);
    const atA = a.received.find((p) => p.payload[0] === 0xb2);
    expect(atB?.pt).toBe(0);
    expect(atB?.ssrc).toBe((b.endpoint as unknown as { localSsrc: number }).localSsrc);
    expect(atA?.ssrc).toBe((a.endpoint as unknown as { localSsrc: number }).localSsrc);
    expect(relay.totals.rtpRelayed).toBeGreaterThanOrEqual(30);
    expect(relay.totals.srtpRejected).toBe(0);
  }, 20_000);

  it('reports RFC 4733 digits from a leg as dtmf events, once per digit', async () => {
    const { a } = await setup();
    const event = (end: boolean, duration: number): Buffer => Buffer.from([5, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]);
    const packets = [event(false, 160), event(false, 320), event(true, 480), event(true, 480), event(true, 480)];
    packets.forEach((p, i) => {
      void a.transceiver.dtlsTransport.sendRtp(p, new RtpHeader({ payloadType: 126, sequenceNumber: 2000 + i, timestamp: 8000, ssrc: 0x1234, marker: i === 0 }));
    });
    await until(() => a.events.some((e) => e.type === 'dtmf'), 5000);
    await new Promise((r) => setTimeout(r, 200));
    expect(a.events.filter((e) => e.type === 'dtmf')).toEqual([{ type: 'dtmf', digit: '5', durationMs: 60 }]);
  }, 20_000);

  it('fails a leg whose browser stops its consent checks', async () => {
    const { a } = await setup({ consentTimeoutMs: 600 });
    await a.pc.close();
    await until(() => a.events.some((e) => e.type === 'failed'), 5000);
    const failed = a.events.find((e) => e.type === 'failed');
    expect(failed?.type === 'failed' ? failed.error.code : 0).toBe(53405);
  }, 20_000);

  it('survives garbage from a stranger and from a leg\'s own address without disturbing the call', async () => {
    const { relay, a, b } = await setup();
    const port = relay.address.port;
    const stranger = createSocket('udp4');
    cleanups.push(() => new Promise<void>((r) => { stranger.close(() => { r(); }); }));
    let seed = 0x5eed;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const firstBytes = [0x00, 0x01, 0x16, 0x17, 0x80, 0x90, 0xc8, 0xff];
    for (let i = 0; i < 400; i++) {
      const len = random() % 300;
      const buf = Buffer.alloc(len);
      for (let j = 0; j < len; j++) buf[j] = random() & 0xff;
      if (len > 0) buf[0] = firstBytes[i % firstBytes.length] ?? 0;
      // STUN-shaped packets carrying the magic cookie exercise the USERNAME routing path.
      if (len >= 20 && i % 3 === 0) buf.writeUInt32BE(0x2112a442, 4);
      stranger.send(buf, port, '127.0.0.1');
    }
    send(a, 20, 0xa1);
    send(b, 20, 0xb2);
    await until(() => b.received.filter((p) => p.payload[0] === 0xa1).length >= 15 && a.received.filter((p) => p.payload[0] === 0xb2).length >= 15, 5000);
    expect(relay.totals.dropped).toBeGreaterThan(0);
    expect(a.events.some((e) => e.type === 'failed') || b.events.some((e) => e.type === 'failed')).toBe(false);
  }, 20_000);

  it('sends 20 ms silence frames to a connected leg without relayed media, then continues the same stream with relayed media', async () => {
    const { a, b } = await setup();
    await until(() => b.received.filter((p) => p.payload[0] === 0xff).length >= 15, 5000);
    const silence = b.received.filter((p) => p.payload[0] === 0xff);
    const ssrcB = (b.endpoint as unknown as { localSsrc: number }).localSsrc;
    expect(silence.every((p) => p.ssrc === ssrcB && p.pt === 0 && p.payload.length === 160)).toBe(true);
    send(a, 20, 0xa1);
    await until(() => b.received.filter((p) => p.payload[0] === 0xa1).length >= 15, 5000);
    const firstReal = b.received.findIndex((p) => p.payload[0] === 0xa1);
    const before = b.received[firstReal - 1];
    const real = b.received[firstReal];
    expect(real?.ssrc).toBe(ssrcB);
    expect(real === undefined || before === undefined ? -1 : (real.seq - before.seq) & 0xffff).toBe(1);
  }, 20_000);
});
