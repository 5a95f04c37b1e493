/**
 * A transcoding bridge over real UDP on 127.0.0.1: werift plays a browser that negotiated Opus
 * only, a node:dgram socket plays a SIP phone on PCMU. Each side sends a 440 Hz tone; the other
 * side must hear 440 Hz in its own codec. DTMF from the phone reaches the browser as a 48 kHz event.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { RTCRtpCodecParameters, RtpHeader } from 'werift';
import { SystemClock, createLogger } from '../../core/index.ts';
import { OpusDecoder, OpusEncoder, ULAW_DECODE, encodeG711 } from '../codec/index.ts';
import { dominantFrequency, goertzel, sine } from '../codec/tone.test-helper.ts';
import { RtpEndpoint } from '../endpoint/index.ts';
import { until, weriftLeg } from './werift-leg.test-helper.ts';
import { MediaRelay } from './media-relay.ts';

const log = createLogger({ level: 'silent' });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});


interface Received {
  pt: number;
  seq: number;
  ts: number;
  payload: Buffer;
}

async function sipPeer(): Promise<{ socket: Socket; port: number; rtp: Received[] }> {
  const socket = createSocket('udp4');
  const rtp: Received[] = [];
  socket.on('message', (msg) => {
    const b1 = msg[1] ?? 0;
    if (msg.length < 12 || (b1 >= 192 && b1 <= 223)) return;
    rtp.push({ pt: b1 & 0x7f, seq: msg.readUInt16BE(2), ts: msg.readUInt32BE(4), payload: msg.subarray(12) });
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((r) => { socket.close(() => { r(); }); }));
  return { socket, port: socket.address().port, rtp };
}

function sipOffer(port: number): string {
  return ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${String(port)} RTP/AVP 0 101`, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', 'a=ptime:20', 'a=sendrecv', ''].join('\r\n');
}

function rtpPacket(pt: number, seq: number, ts: number, payload: Uint8Array, marker = false): Buffer {
  const b = Buffer.alloc(12 + payload.length);
  b[0] = 0x80;
  b[1] = (marker ? 0x80 : 0) | pt;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(ts >>> 0, 4);
  b.writeUInt32BE(0x5150, 8);
  b.set(payload, 12);
  return b;
}

const modes: ('native' | 'dgram')[] = process.platform === 'linux' ? ['native', 'dgram'] : ['dgram'];
/** UDP implementation × PCM rate of the Opus side (48 kHz: Denwa's FIR resampler converts to and from 8 kHz; 8 kHz: libopus does). */
const cases = modes.flatMap((io) => ([48000, 8000] as const).map((rate) => [io, rate] as const));

describe.each(cases)('transcoding bridge: werift on Opus ↔ SIP phone on PCMU (%s UDP, Opus PCM at %i Hz)', (io, pcmRate) => {
  it('carries a 440 Hz tone each way at its frequency, and phone DTMF as 48 kHz events', async () => {
    const relay = await MediaRelay.start({ bindAddress: '127.0.0.1', port: 0, advertisedAddress: '127.0.0.1', clock: new SystemClock(), log, tickMs: 50, io, opus: { pcmRate } });
    cleanups.push(() => relay.close());
    const { pc, transceiver: tr, events: webEvents, endpoint: webEndpoint } = await weriftLeg(relay, [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 }),
          new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 48000, payloadType: 110 }),
          new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8000, payloadType: 126 })], 'CA1 web', (c) => cleanups.push(c));
    expect(webEndpoint.codec?.name).toBe('opus');
    const atBrowser: Received[] = [];
    tr.dtlsTransport.onRtp.subscribe((p) => { atBrowser.push({ pt: p.header.payloadType, seq: p.header.sequenceNumber, ts: p.header.timestamp, payload: Buffer.from(p.payload) }); });

    const phone = await sipPeer();
    const sip = await relay.rtpAnswer(sipOffer(phone.port), { label: 'CA1 sip', onEvent: () => undefined, codecs: ['PCMU'] });
    if (!sip.ok) throw sip.error;
    const sipLeg = sip.value.endpoint;
    if (!(sipLeg instanceof RtpEndpoint)) throw new TypeError('not a SIP leg');
    expect(sipLeg.codec?.name).toBe('PCMU');
    const bridge = relay.bridge(webEndpoint, sipLeg);
    expect(bridge.transcoding).toEqual({ ab: true, ba: true });
    await until(() => webEvents.some((e) => e.type === 'connected') && pc.connectionState === 'connected', 10_000, 'WebRTC leg');

    // 1 s of 440 Hz from each side, paced at 20 ms.
    const encoder = new OpusEncoder({ sampleRate: 48000, bitrate: 32_000 });
    cleanups.push(() => { encoder.close(); });
    const browserTone = sine(48000, 440, 48000);
    const phoneTone = sine(8000, 440, 8000);
    const opus = new Uint8Array(1500);
    const ulaw = new Uint8Array(160);
    for (let i = 0; i < 50; i++) {
      const len = encoder.encode(browserTone, 960 * i, opus, 0);
      void tr.dtlsTransport.sendRtp(Buffer.from(opus.subarray(0, len)), new RtpHeader({ payloadType: 111, sequenceNumber: 3000 + i, timestamp: 960 * i, ssrc: 0x1234, marker: i === 0 }));
      encodeG711('ulaw', phoneTone, 160 * i, 160, ulaw, 0);
      phone.socket.send(rtpPacket(0, 500 + i, 160 * i, ulaw, i === 0), sipLeg.localPort, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 20));
    }

    // At the phone: PCMU carrying 440 Hz (silence frames before the tone are all 0xff).
    await until(() => phone.rtp.filter((p) => p.pt === 0 && p.payload.some((b) => b !== 0xff)).length >= 45, 5000, 'the browser tone at the phone');
    const heard = phone.rtp.filter((p) => p.pt === 0 && p.payload.some((b) => b !== 0xff));
    expect(heard.every((p) => p.payload.length === 160)).toBe(true);
    expect(heard.slice(1).every((p, i) => ((p.seq - heard[i]!.seq) & 0xffff) === 1 && ((p.ts - heard[i]!.ts) >>> 0) === 160)).toBe(true);
    const pcm8 = Int16Array.from(heard.slice(5, 45).flatMap((p) => [...p.payload].map((b) => ULAW_DECODE[b]!)));
    expect(dominantFrequency(pcm8, 8000, 100, 3800, 5)).toBe(440);
    expect(goertzel(pcm8, 8000, 440)).toBeGreaterThan(3000);

    // At the browser: Opus (not the 3-byte silence frame) carrying 440 Hz.
    await until(() => atBrowser.filter((p) => p.pt === 111 && p.payload.length > 3).length >= 45, 5000, 'the phone tone at the browser');
    const opusIn = atBrowser.filter((p) => p.pt === 111 && p.payload.length > 3);
    expect(opusIn.slice(1).every((p, i) => ((p.ts - opusIn[i]!.ts) >>> 0) === 960)).toBe(true);
    const decoder = new OpusDecoder(48000);
    cleanups.push(() => { decoder.close(); });
    const pcm48 = new Int16Array(48000 * 2);
    let n = 0;
    for (const p of opusIn) n += Math.max(0, decoder.decode(p.payload, 0, p.payload.length, pcm48, n));
    const steady = pcm48.subarray(960 * 5, n - 960 * 2);
    expect(dominantFrequency(steady, 48000, 100, 3800, 5)).toBe(440);
    expect(goertzel(steady, 48000, 440)).toBeGreaterThan(3000);

    // A digit from the phone (telephone-event/8000) reaches the browser on 110 (48000 Hz), durations × 6.
    const event = (end: boolean, duration: number): Uint8Array => Uint8Array.from([3, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]);
    [event(false, 160), event(false, 320), event(true, 480), event(true, 480)].forEach((payload, i) => {
      phone.socket.send(rtpPacket(101, 550 + i, 8000, payload, i === 0), sipLeg.localPort, '127.0.0.1');
    });
    await until(() => atBrowser.filter((p) => p.pt === 110).length >= 4, 5000, 'the digit at the browser');
    expect(atBrowser.filter((p) => p.pt === 110).map((p) => [p.payload[0], p.payload.readUInt16BE(2)])).toEqual([[3, 960], [3, 1920], [3, 2880], [3, 2880]]);
    expect(relay.totals.srtpRejected).toBe(0);

    bridge.close();
    expect(bridge.transcoding).toEqual({ ab: false, ba: false });
  }, 30_000);
});
