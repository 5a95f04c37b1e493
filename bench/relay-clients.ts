/**
 * The synthetic callers of bench/relay.ts, in their own process.
 *
 * WebRTC legs are werift peers (leg A offers, leg B answers the relay's offer) for ICE and DTLS. Once
 * connected, media bypasses werift's per-packet stack (its SRTP creates cipher objects per packet and
 * would make the callers, not the relay, the bottleneck): the leg takes the DTLS-SRTP keys, protects
 * and unprotects with Denwa's fast `SrtpSession`, and sends and reads raw datagrams on werift's ICE
 * connection. SIP legs are plain RTP on a node:dgram socket each (they answer the relay's offer).
 *
 * Media, 50 packets/s each way on every leg:
 * - `stamped` (passthrough scenarios): 160-byte PCMU frames whose payload carries the send time, so
 *   one-way latency is measured where sender and receiver share a clock;
 * - `aligned` (transcode scenario): real audio, a tone with noise: pre-encoded Opus frames (fullband,
 *   32 kbit/s, as a browser sends) on WebRTC legs, μ-law frames on SIP legs. The relay re-encodes,
 *   so nothing survives in the payload: the n-th transcoded packet a leg receives (counted by sequence
 *   number from the first) is matched to the n-th packet its peer sent. Silence frames of the relay
 *   (all 0xff in PCMU, the 3-byte Opus frame) are not counted.
 *
 * IPC: `offer {id, codec}` → `{sdp}`; `answer {id, sdp, codec}` (leg B answers an offer) → `{sdp}`;
 * `remote {id, sdp}` (leg A takes the answer); `sip-answer {id, sdp}` (a SIP leg answers the relay's
 * offer) → `{sdp}`; `pair {a, b}`; `connected {ids}`; `run {seconds, mode}` → figures.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import { OpusEncoder, encodeG711 } from '../packages/server/src/media/codec/index.ts';
import { SrtpSession } from '../packages/server/src/media/srtp/index.ts';
import { gatheredSdp, weriftPeer } from './werift-peer.ts';

type Codec = 'PCMU' | 'opus';
type Mode = 'stamped' | 'aligned';
type Msg = { op: string; id?: string; sdp?: string; ids?: string[]; seconds?: number; codec?: Codec; mode?: Mode; a?: string; b?: string; seq: number };

/** What the bench reaches inside werift's DTLS transport (not part of werift's public API). */
interface WeriftDtlsInternals {
  dtls?: { srtp: { srtpProfile?: number }; extractSessionKeys(k: number, s: number): { localKey: Buffer; localSalt: Buffer; remoteKey: Buffer; remoteSalt: Buffer } };
  config: { debug?: Record<string, unknown> };
  iceTransport: { connection: { send(data: Buffer): Promise<void>; onData: { subscribe(fn: (b: Buffer) => void): void } } };
}

interface FastPath {
  readonly protect: SrtpSession;
  readonly unprotect: SrtpSession;
  readonly send: (data: Buffer) => Promise<void>;
}

interface Leg {
  readonly kind: 'webrtc' | 'sip';
  readonly codec: Codec;
  readonly pc: RTCPeerConnection | null;
  tr: RTCRtpTransceiver | undefined;
  fast: FastPath | null;
  /** SIP legs: the socket and the relay's RTP port. */
  sip: { readonly socket: Socket; readonly relayPort: number } | null;
  readonly created: number;
  connectedAt: number | null;
  sent: number;
  received: number;
  seq: number;
  peer: Leg | null;
  /** Send time of each packet of the run, by index (aligned mode). */
  sentAt: Float64Array;
  /** Sequence number of the first transcoded packet received (aligned mode), −1 before. */
  baseSeq: number;
}

const legs = new Map<string, Leg>();
const latencies: number[] = [];
let measuring = false;
let mode: Mode = 'stamped';
const send = (m: object): void => { process.send?.(m); };

/** 50 frames (1 s) of a voice-like test signal: two tones and noise. */
function testSignal(rate: number): Int16Array {
  const out = new Int16Array(rate);
  let seed = 0x2545f491;
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const noise = (seed / 0x7fffffff - 0.5) * 1600;
    out[i] = Math.round(5000 * Math.sin((2 * Math.PI * 440 * i) / rate) + 2500 * Math.sin((2 * Math.PI * 1230 * i) / rate) + noise);
  }
  return out;
}

let opusFrames: Buffer[] | null = null;
let pcmuFrames: Buffer[] | null = null;

/** Opus frames as a browser sends them (fullband, 32 kbit/s, complexity 10), encoded once. */
function opusFrame(i: number): Buffer {
  if (opusFrames === null) {
    const encoder = new OpusEncoder({ sampleRate: 48000, bitrate: 32_000, complexity: 10, maxBandwidth: 'fullband' });
    const pcm = testSignal(48000);
    const out = new Uint8Array(1500);
    opusFrames = Array.from({ length: 50 }, (_, f) => Buffer.from(out.subarray(0, encoder.encode(pcm, 960 * f, out, 0))));
    encoder.close();
  }
  return opusFrames[i % 50] ?? Buffer.alloc(3);
}

function pcmuFrame(i: number): Buffer {
  if (pcmuFrames === null) {
    const pcm = testSignal(8000);
    pcmuFrames = Array.from({ length: 50 }, (_, f) => {
      const frame = Buffer.alloc(160);
      encodeG711('ulaw', pcm, 160 * f, 160, frame, 0);
      return frame;
    });
  }
  return pcmuFrames[i % 50] ?? Buffer.alloc(160, 0xff);
}

function newLeg(kind: 'webrtc' | 'sip', codec: Codec, pc: RTCPeerConnection | null): Leg {
  return { kind, codec, pc, tr: undefined, fast: null, sip: null, created: performance.now(), connectedAt: null, sent: 0, received: 0, seq: 0, peer: null, sentAt: new Float64Array(0), baseSeq: -1 };
}

/** A received RTP packet `buf[0, len)` (plain), counted and timed. */
function onMedia(leg: Leg, buf: Buffer, len: number): void {
  if (!measuring || len < 13) return;
  const now = performance.now();
  if (mode === 'stamped') {
    // Only the callers' own stamped frames count (the relay also sends silence frames).
    if (len < 21 || buf[20] !== 0x55) return;
    const sentAt = buf.readDoubleBE(12);
    if (!Number.isFinite(sentAt)) return;
    leg.received++;
    latencies.push(now - sentAt);
    return;
  }
  if (leg.codec === 'opus' ? len <= 15 : isPcmuSilence(buf, len)) return;
  const seq = buf.readUInt16BE(2);
  if (leg.baseSeq < 0) leg.baseSeq = seq;
  const sentAt = leg.peer?.sentAt[(seq - leg.baseSeq) & 0xffff] ?? 0;
  leg.received++;
  if (sentAt > 0) latencies.push(now - sentAt);
}

function isPcmuSilence(buf: Buffer, len: number): boolean {
  for (let i = 12; i < len; i++) if (buf[i] !== 0xff) return false;
  return true;
}

function track(id: string, pc: RTCPeerConnection, tr: RTCRtpTransceiver | undefined, codec: Codec): Leg {
  const leg = newLeg('webrtc', codec, pc);
  leg.tr = tr;
  legs.set(id, leg);
  pc.connectionStateChange.subscribe((state) => {
    if (state === 'connected' && leg.connectedAt === null) {
      leg.connectedAt = performance.now();
      leg.tr ??= pc.getTransceivers()[0];
      const t = leg.tr?.dtlsTransport as unknown as WeriftDtlsInternals | undefined;
      const profile = t?.dtls?.srtp.srtpProfile;
      if (t?.dtls === undefined || (profile !== 1 && profile !== 7)) throw new Error(`unexpected SRTP profile ${String(profile)}`);
      const suite = profile === 1 ? 'AES_CM_128_HMAC_SHA1_80' : 'AEAD_AES_128_GCM';
      const keys = t.dtls.extractSessionKeys(16, profile === 1 ? 14 : 12);
      // werift drops every inbound media datagram before decrypting it; this leg reads them itself.
      t.config.debug = { ...t.config.debug, inboundPacketLoss: 1e-9 };
      const unprotect = new SrtpSession(suite, { key: keys.remoteKey, salt: keys.remoteSalt });
      const connection = t.iceTransport.connection;
      leg.fast = { protect: new SrtpSession(suite, { key: keys.localKey, salt: keys.localSalt }), unprotect, send: (d) => connection.send(d) };
      connection.onData.subscribe((buf) => {
        const b1 = buf[1] ?? 0;
        if (!measuring || (buf[0] ?? 0) < 128 || (buf[0] ?? 0) > 191 || (b1 >= 192 && b1 <= 223)) return;
        const len = unprotect.unprotectRtp(buf, buf.length);
        if (typeof len === 'number') onMedia(leg, buf, len);
      });
    }
  });
  return leg;
}

async function offer(id: string, codec: Codec): Promise<string> {
  const pc = weriftPeer(codec);
  const tr = pc.addTransceiver('audio', { direction: 'sendrecv' });
  track(id, pc, tr, codec);
  await pc.setLocalDescription(await pc.createOffer());
  return gatheredSdp(pc);
}

async function answer(id: string, sdp: string, codec: Codec): Promise<string> {
  const pc = weriftPeer(codec);
  await pc.setRemoteDescription({ type: 'offer', sdp });
  const tr = pc.getTransceivers()[0];
  tr?.setDirection('sendrecv');
  track(id, pc, tr, codec);
  await pc.setLocalDescription(await pc.createAnswer());
  return gatheredSdp(pc);
}

/** A SIP phone on plain RTP/AVP PCMU answering the relay's offer from its own UDP socket. */
async function sipAnswer(id: string, sdp: string): Promise<string> {
  const relayPort = Number(/^m=audio (\d+) /m.exec(sdp)?.[1] ?? 0);
  const socket = createSocket('udp4');
  const leg = newLeg('sip', 'PCMU', null);
  socket.on('message', (msg) => {
    const b1 = msg[1] ?? 0;
    if (b1 >= 192 && b1 <= 223) return;
    onMedia(leg, msg, msg.length);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.setRecvBufferSize(1 << 20);
  leg.sip = { socket, relayPort };
  leg.connectedAt = leg.created;
  legs.set(id, leg);
  const port = socket.address().port;
  return `${['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${String(port)} RTP/AVP 0`, 'a=rtpmap:0 PCMU/8000', 'a=ptime:20', 'a=sendrecv'].join('\r\n')}\r\n`;
}

async function connected(ids: readonly string[]): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (ids.some((id) => legs.get(id)?.connectedAt == null)) {
    if (performance.now() > deadline) throw new Error('legs did not connect in 30 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** One packet of `leg` for tick `tick`: plain RTP with room for an SRTP tag after `length`. */
function packet(leg: Leg, tick: number): { buf: Buffer; length: number } {
  const opus = leg.codec === 'opus';
  const payload = mode === 'stamped' ? null : opus ? opusFrame(tick) : pcmuFrame(tick);
  const length = 12 + (payload?.length ?? 160);
  const buf = Buffer.alloc(length + 16, 0x55);
  buf[0] = 0x80;
  buf[1] = opus ? 111 : 0;
  leg.seq = (leg.seq + 1) & 0xffff;
  buf.writeUInt16BE(leg.seq, 2);
  buf.writeUInt32BE((tick * (opus ? 960 : 160)) >>> 0, 4);
  buf.writeUInt32BE(leg.kind === 'sip' ? 0x6000 : 0x5000, 8);
  if (payload === null) buf.writeDoubleBE(performance.now(), 12);
  else payload.copy(buf, 12);
  return { buf, length };
}

/** Sends 50 packets/s on every leg for `seconds`, then waits 500 ms for stragglers. */
async function run(seconds: number): Promise<object> {
  const all = [...legs.values()];
  for (const leg of all) leg.sentAt = new Float64Array(seconds * 50 + 200);
  measuring = true;
  const end = performance.now() + seconds * 1000;
  let tick = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      tick++;
      for (const leg of all) {
        const { buf, length } = packet(leg, tick);
        if (leg.kind === 'sip') {
          if (leg.sip === null) continue;
          leg.sip.socket.send(buf, 0, length, leg.sip.relayPort, '127.0.0.1');
        } else {
          const fast = leg.fast;
          if (fast === null) continue;
          const len = fast.protect.protectRtp(buf, length);
          if (typeof len !== 'number') continue;
          void fast.send(buf.subarray(0, len));
        }
        if (leg.sent < leg.sentAt.length) leg.sentAt[leg.sent] = performance.now();
        leg.sent++;
      }
      if (performance.now() >= end) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
  await new Promise((r) => setTimeout(r, 500));
  measuring = false;
  const sent = all.reduce((n, l) => n + l.sent, 0);
  const received = all.reduce((n, l) => n + l.received, 0);
  const sorted = latencies.slice().sort((a, b) => a - b);
  const setup = all.filter((l) => l.kind === 'webrtc' && l.connectedAt !== null).map((l) => (l.connectedAt ?? 0) - l.created).sort((a, b) => a - b);
  return {
    sent,
    received,
    lossPct: sent === 0 ? 0 : (100 * (sent - received)) / sent,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    setupP50Ms: percentile(setup, 50),
    setupP99Ms: percentile(setup, 99),
  };
}

process.on('message', (m: Msg) => {
  void (async () => {
    try {
      switch (m.op) {
        case 'offer':
          send({ seq: m.seq, sdp: await offer(m.id ?? '', m.codec ?? 'PCMU') });
          break;
        case 'answer':
          send({ seq: m.seq, sdp: await answer(m.id ?? '', m.sdp ?? '', m.codec ?? 'PCMU') });
          break;
        case 'sip-answer':
          send({ seq: m.seq, sdp: await sipAnswer(m.id ?? '', m.sdp ?? '') });
          break;
        case 'remote':
          await legs.get(m.id ?? '')?.pc?.setRemoteDescription({ type: 'answer', sdp: m.sdp ?? '' });
          send({ seq: m.seq });
          break;
        case 'pair': {
          const a = legs.get(m.a ?? '');
          const b = legs.get(m.b ?? '');
          if (a !== undefined && b !== undefined) {
            a.peer = b;
            b.peer = a;
          }
          send({ seq: m.seq });
          break;
        }
        case 'connected':
          await connected(m.ids ?? []);
          send({ seq: m.seq });
          break;
        case 'run':
          mode = m.mode ?? 'stamped';
          send({ seq: m.seq, ...(await run(m.seconds ?? 10)) });
          break;
        case 'exit':
          for (const leg of legs.values()) {
            await leg.pc?.close();
            leg.sip?.socket.close();
          }
          process.exit(0);
      }
    } catch (err) {
      send({ seq: m.seq, error: String(err) });
    }
  })();
});
send({ ready: true });
