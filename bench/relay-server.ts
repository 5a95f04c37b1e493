/**
 * The relay under test, in its own process (forked by bench/relay.ts): Denwa's `MediaRelay` with its
 * batched UDP addon (`denwa`) or on node:dgram (`denwa-dgram`), or werift as-is (two `RTCPeerConnection`s per call, RTP forwarded between their DTLS transports).
 * IPC: `answer {id, sdp}` → `{id, sdp}`; `offer {id}` → `{id, sdp}`; `rtp-offer {id}` (a SIP leg,
 * plain RTP/AVP PCMU; Denwa relays only) → `{id, sdp}`; `apply {id, sdp}`; `bridge {a, b}` →
 * `{transcoding}`; `measure-start`; `measure-stop` → `{cpuMs, relayed, rssKb}`.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { RtpHeader, type RTCPeerConnection, type RTCRtpTransceiver } from 'werift';
import { gatheredSdp, weriftPeer } from './werift-peer.ts';
import type { MediaEndpoint } from '../packages/server/src/calls/index.ts';
import { SystemClock, createLogger } from '../packages/server/src/core/index.ts';
import { MediaRelay } from '../packages/server/src/media/index.ts';

type Msg = { op: string; id?: string; sdp?: string; a?: string; b?: string; seq: number };

const kind = process.argv[2] ?? 'denwa';
/** PCM rate of the Opus side of transcoding bridges (`--opus-rate` of bench/relay.ts), default the relay's. */
const opusRate = Number(process.argv[3] ?? 0);
const send = (m: object): void => { process.send?.(m); };

interface Relay {
  answer(id: string, sdp: string): Promise<string>;
  offer(id: string): Promise<string>;
  rtpOffer?(id: string): Promise<string>;
  apply(id: string, sdp: string): Promise<void>;
  bridge(a: string, b: string): boolean;
  relayed(): number;
  close(): Promise<void>;
}

async function denwaRelay(io: 'native' | 'dgram'): Promise<Relay> {
  const pcmRate = opusRate === 8000 || opusRate === 12000 || opusRate === 16000 || opusRate === 24000 || opusRate === 48000 ? opusRate : undefined;
  const relay = await MediaRelay.start({
    bindAddress: '127.0.0.1',
    port: 0,
    advertisedAddress: '127.0.0.1',
    clock: new SystemClock(),
    log: createLogger({ level: 'silent' }),
    io,
    ...(pcmRate === undefined ? {} : { opus: { pcmRate } }),
  });
  const endpoints = new Map<string, MediaEndpoint>();
  return {
    answer(id, sdp) {
      const r = relay.answer(sdp, { label: id, onEvent: () => undefined });
      if (!r.ok) throw r.error;
      endpoints.set(id, r.value.endpoint);
      return Promise.resolve(r.value.sdp);
    },
    offer(id) {
      const r = relay.offer({ label: id, onEvent: () => undefined, codecs: ['PCMU'] });
      endpoints.set(id, r.endpoint);
      return Promise.resolve(r.sdp);
    },
    async rtpOffer(id) {
      const r = await relay.rtpOffer({ label: id, onEvent: () => undefined, codecs: ['PCMU'] });
      endpoints.set(id, r.endpoint);
      return r.sdp;
    },
    apply(id, sdp) {
      const r = endpoints.get(id)?.applyAnswer(sdp);
      if (r?.ok !== true) throw new Error(`applyAnswer failed for ${id}`);
      return Promise.resolve();
    },
    bridge(a, b) {
      const ea = endpoints.get(a);
      const eb = endpoints.get(b);
      if (ea === undefined || eb === undefined) return false;
      const t = relay.bridge(ea, eb).transcoding;
      return t.ab || t.ba;
    },
    relayed: () => relay.totals.rtpRelayed,
    close: () => relay.close(),
  };
}



function weriftRelay(): Relay {
  const peers = new Map<string, { pc: RTCPeerConnection; tr: RTCRtpTransceiver | undefined }>();
  let relayed = 0;
  return {
    async answer(id, sdp) {
      const pc = weriftPeer();
      await pc.setRemoteDescription({ type: 'offer', sdp });
      const tr = pc.getTransceivers()[0];
      tr?.setDirection('sendrecv');
      await pc.setLocalDescription(await pc.createAnswer());
      peers.set(id, { pc, tr });
      return gatheredSdp(pc);
    },
    async offer(id) {
      const pc = weriftPeer();
      const tr = pc.addTransceiver('audio', { direction: 'sendrecv' });
      await pc.setLocalDescription(await pc.createOffer());
      peers.set(id, { pc, tr });
      return gatheredSdp(pc);
    },
    async apply(id, sdp) {
      await peers.get(id)?.pc.setRemoteDescription({ type: 'answer', sdp });
    },
    bridge(a, b) {
      const pa = peers.get(a);
      const pb = peers.get(b);
      if (pa?.tr === undefined || pb?.tr === undefined) return false;
      const forward = (from: RTCRtpTransceiver, to: RTCRtpTransceiver, ssrc: number): void => {
        from.dtlsTransport.onRtp.subscribe((rtp) => {
          relayed++;
          const h = rtp.header;
          void to.dtlsTransport.sendRtp(rtp.payload, new RtpHeader({ payloadType: h.payloadType, sequenceNumber: h.sequenceNumber, timestamp: h.timestamp, marker: h.marker, ssrc }));
        });
      };
      forward(pa.tr, pb.tr, 0x1111);
      forward(pb.tr, pa.tr, 0x2222);
      return false;
    },
    relayed: () => relayed,
    async close() {
      for (const p of peers.values()) await p.pc.close();
    },
  };
}

const relay = kind === 'werift' ? weriftRelay() : await denwaRelay(kind === 'denwa-dgram' ? 'dgram' : 'native');
// RELAY_PROFILE=<file>: a CPU profile of the steady window only (not of setup), for finding hot spots.
const profileFile = process.env['RELAY_PROFILE'];
const inspector = profileFile === undefined ? null : new (await import('node:inspector')).Session();
inspector?.connect();
const post = (method: string): Promise<unknown> => new Promise((resolve) => { inspector?.post(method, (_e, r) => { resolve(r); }); });
let cpuStart = process.cpuUsage();
/** The relay's event-loop delay over the steady window: how long a packet can wait behind other work. */
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
let relayedStart = 0;
const rssStart = process.memoryUsage().rss;

process.on('message', (raw: Msg) => {
  void (async () => {
    try {
      switch (raw.op) {
        case 'answer':
          send({ seq: raw.seq, sdp: await relay.answer(raw.id ?? '', raw.sdp ?? '') });
          break;
        case 'offer':
          send({ seq: raw.seq, sdp: await relay.offer(raw.id ?? '') });
          break;
        case 'apply':
          await relay.apply(raw.id ?? '', raw.sdp ?? '');
          send({ seq: raw.seq });
          break;
        case 'rtp-offer':
          if (relay.rtpOffer === undefined) throw new Error(`${kind} has no SIP legs`);
          send({ seq: raw.seq, sdp: await relay.rtpOffer(raw.id ?? '') });
          break;
        case 'bridge':
          send({ seq: raw.seq, transcoding: relay.bridge(raw.a ?? '', raw.b ?? '') });
          break;
        case 'measure-start':
          if (inspector !== null) { await post('Profiler.enable'); await post('Profiler.start'); }
          cpuStart = process.cpuUsage();
          relayedStart = relay.relayed();
          loopDelay.reset();
          loopDelay.enable();
          send({ seq: raw.seq });
          break;
        case 'measure-stop': {
          const cpu = process.cpuUsage(cpuStart);
          loopDelay.disable();
          if (inspector !== null && profileFile !== undefined) {
            const r = (await post('Profiler.stop')) as { profile: unknown };
            (await import('node:fs')).writeFileSync(profileFile, JSON.stringify(r.profile));
          }
          send({ seq: raw.seq, cpuMs: (cpu.user + cpu.system) / 1000, userMs: cpu.user / 1000, systemMs: cpu.system / 1000, relayed: relay.relayed() - relayedStart, rssKb: (process.memoryUsage().rss - rssStart) / 1024, loopP99Ms: loopDelay.percentile(99) / 1e6, loopMaxMs: loopDelay.max / 1e6 });
          break;
        }
        case 'exit':
          await relay.close();
          process.exit(0);
      }
    } catch (err) {
      send({ seq: raw.seq, error: String(err) });
    }
  })();
});
send({ ready: true });
