/**
 * The synthetic callers of bench/relay.ts, in their own process: two werift peers per call (leg A
 * offers, leg B answers the relay's offer), PCMU frames of 160 bytes at 50 packets/s each way sent
 * and read at the peers' DTLS-SRTP transports, every payload stamped with its send time and a
 * sequence number so loss and one-way latency are measured where sender and receiver share a clock.
 * IPC: `offer {id}` → `{sdp}`; `answer {id, sdp}` (leg B answers an offer) → `{sdp}`;
 * `remote {id, sdp}` (leg A takes the answer); `connected {ids}`; `pair {a, b}` (connect two legs
 * directly, the no-relay baseline); `run {seconds}` → figures.
 */
import { RtpHeader, type RTCPeerConnection, type RTCRtpTransceiver } from 'werift';
import { gatheredSdp, weriftPeer } from './werift-peer.ts';

type Msg = { op: string; id?: string; sdp?: string; ids?: string[]; seconds?: number; seq: number };

interface Leg {
  readonly pc: RTCPeerConnection;
  tr: RTCRtpTransceiver | undefined;
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
  const leg: Leg = { pc, tr, created: performance.now(), connectedAt: null, sent: 0, received: 0, seq: 0 };
  legs.set(id, leg);
  pc.connectionStateChange.subscribe((state) => {
    if (state === 'connected' && leg.connectedAt === null) {
      leg.connectedAt = performance.now();
      leg.tr ??= pc.getTransceivers()[0];
      leg.tr?.dtlsTransport.onRtp.subscribe((rtp) => {
        if (!measuring || rtp.payload.length < 8) return;
        leg.received++;
        const sentAt = rtp.payload.readDoubleBE(0);
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
  const payload = Buffer.alloc(160, 0x55);
  const end = performance.now() + seconds * 1000;
  let tick = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      tick++;
      for (const leg of all) {
        const t = leg.tr?.dtlsTransport;
        if (t === undefined) continue;
        payload.writeDoubleBE(performance.now(), 0);
        leg.seq = (leg.seq + 1) & 0xffff;
        leg.sent++;
        void t.sendRtp(Buffer.from(payload), new RtpHeader({ payloadType: 0, sequenceNumber: leg.seq, timestamp: tick * 160, ssrc: 0x5000 }));
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
