/**
 * The synthetic callers of bench/relay.ts, in their own process: two werift peers per call (leg A
 * offers, leg B answers the relay's offer) for ICE and DTLS. Once connected, media bypasses werift's
 * per-packet stack (its SRTP creates cipher objects per packet and would make the callers, not the
 * relay, the bottleneck): the leg takes the DTLS-SRTP keys, protects and unprotects with Denwa's fast
 * `SrtpSession`, and sends and reads raw datagrams on werift's ICE connection. PCMU frames of 160
 * bytes at 50 packets/s each way, every payload stamped with its send time, so loss and one-way
 * latency are measured where sender and receiver share a clock.
 * IPC: `offer {id}` → `{sdp}`; `answer {id, sdp}` (leg B answers an offer) → `{sdp}`;
 * `remote {id, sdp}` (leg A takes the answer); `connected {ids}`; `pair {a, b}` (connect two legs
 * directly, the no-relay baseline); `run {seconds}` → figures.
 */
import type { RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import { SrtpSession } from '../packages/server/src/media/srtp/index.ts';
import { gatheredSdp, weriftPeer } from './werift-peer.ts';

type Msg = { op: string; id?: string; sdp?: string; ids?: string[]; seconds?: number; seq: number };

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
  readonly pc: RTCPeerConnection;
  tr: RTCRtpTransceiver | undefined;
  fast: FastPath | null;
  readonly created: number;
  connectedAt: number | null;
  sent: number;
  received: number;
  seq: number;
}

const legs = new Map<string, Leg>();
const latencies: number[] = [];
let measuring = false;
const send = (m: object): void => { process.send?.(m); };



function track(id: string, pc: RTCPeerConnection, tr: RTCRtpTransceiver | undefined): Leg {
  const leg: Leg = { pc, tr, fast: null, created: performance.now(), connectedAt: null, sent: 0, received: 0, seq: 0 };
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
        // Only the callers' own stamped frames count (the relay also sends silence frames).
        if (typeof len !== 'number' || len < 21 || buf[20] !== 0x55) return;
        const sentAt = buf.readDoubleBE(12);
        if (!Number.isFinite(sentAt)) return;
        leg.received++;
        latencies.push(performance.now() - sentAt);
      });
    }
  });
  return leg;
}

async function offer(id: string): Promise<string> {
  const pc = weriftPeer();
  const tr = pc.addTransceiver('audio', { direction: 'sendrecv' });
  track(id, pc, tr);
  await pc.setLocalDescription(await pc.createOffer());
  return gatheredSdp(pc);
}

async function answer(id: string, sdp: string): Promise<string> {
  const pc = weriftPeer();
  await pc.setRemoteDescription({ type: 'offer', sdp });
  const tr = pc.getTransceivers()[0];
  tr?.setDirection('sendrecv');
  track(id, pc, tr);
  await pc.setLocalDescription(await pc.createAnswer());
  return gatheredSdp(pc);
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

/** Sends 50 packets/s on every leg for `seconds`, then waits 500 ms for stragglers. */
async function run(seconds: number): Promise<object> {
  const all = [...legs.values()];
  measuring = true;
  const end = performance.now() + seconds * 1000;
  let tick = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      tick++;
      for (const leg of all) {
        const fast = leg.fast;
        if (fast === null) continue;
        const packet = Buffer.alloc(12 + 160 + 16, 0x55);
        packet[0] = 0x80;
        packet[1] = 0;
        leg.seq = (leg.seq + 1) & 0xffff;
        packet.writeUInt16BE(leg.seq, 2);
        packet.writeUInt32BE((tick * 160) >>> 0, 4);
        packet.writeUInt32BE(0x5000, 8);
        packet.writeDoubleBE(performance.now(), 12);
        const len = fast.protect.protectRtp(packet, 172);
        if (typeof len !== 'number') continue;
        leg.sent++;
        void fast.send(packet.subarray(0, len));
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
  const setup = all.filter((l) => l.connectedAt !== null).map((l) => (l.connectedAt ?? 0) - l.created).sort((a, b) => a - b);
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
          send({ seq: m.seq, sdp: await offer(m.id ?? '') });
          break;
        case 'answer':
          send({ seq: m.seq, sdp: await answer(m.id ?? '', m.sdp ?? '') });
          break;
        case 'remote':
          await legs.get(m.id ?? '')?.pc.setRemoteDescription({ type: 'answer', sdp: m.sdp ?? '' });
          send({ seq: m.seq });
          break;
        case 'connected':
          await connected(m.ids ?? []);
          send({ seq: m.seq });
          break;
        case 'run':
          send({ seq: m.seq, ...(await run(m.seconds ?? 10)) });
          break;
        case 'exit':
          for (const leg of legs.values()) await leg.pc.close();
          process.exit(0);
      }
    } catch (err) {
      send({ seq: m.seq, error: String(err) });
    }
  })();
});
send({ ready: true });
