/**
 * SRTP protect/unprotect cost per packet, fast path vs the naive per-packet `createCipheriv` +
 * `createHmac` baseline, measured in the same run.
 *
 *   node bench/srtp.ts [--packets 200000] [--reps 5] [--naive-packets 20000]
 *
 * Prints one JSON line per (profile, implementation, payload size): CPU ns per protect and per
 * unprotect (process.cpuUsage(), median of the repetitions), and two allocation hints: JS heap bytes
 * per operation over the first 1,000 operations of each loop (heapUsed delta; ~0 means nothing is
 * allocated per packet) and GCs seen per 10,000 operations. Packets are 12-byte RTP headers with 160-byte (PCMU-like) or 80-byte (Opus-like)
 * payloads, consecutive sequence numbers (wrapping), one SSRC; every operation works in place on a
 * preallocated arena, so the loop itself allocates nothing.
 *
 * Then one `srtp-component` line per building block (keystream of a 160-byte payload, HMAC-SHA1 over
 * 176 bytes): per-packet `aes-128-ctr` vs the reused ECB context, `createHmac` vs `HmacSha1`.
 *
 * Every case runs in its own child process (`--case i` / `--component i`): OpenSSL contexts created by
 * one implementation are freed by GC finalizers later, and that cost must not land on the next case.
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHmac, createSecretKey } from 'node:crypto';
import { PerformanceObserver } from 'node:perf_hooks';
import { SrtpSession, type SrtpSessionOptions, type SrtpSuite } from '../packages/server/src/media/srtp/index.ts';
import {
  naiveProtectRtpCm,
  naiveProtectRtpGcm,
  naiveUnprotectRtpCm,
  naiveUnprotectRtpGcm,
} from '../packages/server/src/media/srtp/naive-reference.test-helper.ts';
import { naiveKeysFor, rtpPacket, testMaster } from '../packages/server/src/media/srtp/test-packets.test-helper.ts';
import { CounterKeystream, KeystreamCache } from '../packages/server/src/media/srtp/counter-keystream.ts';
import { HmacSha1 } from '../packages/server/src/media/srtp/hmac-sha1.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

const PACKETS = arg('packets', 200_000);
const REPS = arg('reps', 5);
const NAIVE_PACKETS = arg('naive-packets', 20_000);
const PAYLOADS = [160, 80];
const SSRC = 0x5eed5eed;

let gcCount = 0;
const observer = new PerformanceObserver((list) => {
  gcCount += list.getEntries().length;
});
observer.observe({ entryTypes: ['gc'] });
/** Lets the observer deliver pending GC entries. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function cpuNs(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) * 1000;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

interface Sample {
  protectNs: number;
  unprotectNs: number;
  /** JS heap growth per operation over the first {@link HEAP_PROBE} operations. */
  protectHeap: number;
  unprotectHeap: number;
  gcs: number;
}

const HEAP_PROBE = 1000;

/** Runs `op(0 … n−1)`; returns the heap growth per call over the first HEAP_PROBE calls. */
function loop(n: number, op: (i: number) => void): number {
  const probe = Math.min(n, HEAP_PROBE);
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < probe; i++) op(i);
  const grown = process.memoryUsage().heapUsed - before;
  for (let i = probe; i < n; i++) op(i);
  return grown / probe;
}

/** One repetition of the fast path: protect N packets in place, then unprotect them in place. */
function fastRep(suite: SrtpSuite, options: SrtpSessionOptions, payload: number, n: number): Sample & { beforeGc: number } {
  const tx = new SrtpSession(suite, testMaster(suite), options);
  const rx = new SrtpSession(suite, testMaster(suite), options);
  const template = rtpPacket({ ssrc: SSRC, seq: 0, payloadType: 0, payload: Buffer.alloc(payload, 0xd5) });
  const slot = template.length + 16;
  const arena = Buffer.alloc(slot * n);
  const views: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    template.copy(arena, i * slot);
    arena.writeUInt16BE(i & 0xffff, i * slot + 2);
    views.push(arena.subarray(i * slot, (i + 1) * slot));
  }
  let protectedLength = 0;
  let failures = 0;
  let protectHeap = 0;
  let unprotectHeap = 0;
  const beforeGc = gcCount;
  const protectNs = cpuNs(() => {
    protectHeap = loop(n, (i) => {
      protectedLength = tx.protectRtp(views[i] ?? arena, template.length) as number;
    });
  });
  const unprotectNs = cpuNs(() => {
    unprotectHeap = loop(n, (i) => {
      if (typeof rx.unprotectRtp(views[i] ?? arena, protectedLength) !== 'number') failures++;
    });
  });
  if (failures > 0) throw new Error(`${suite}: ${failures} packets failed to unprotect`);
  return { protectNs: protectNs / n, unprotectNs: unprotectNs / n, protectHeap, unprotectHeap, gcs: 0, beforeGc };
}

/** One repetition of the naive baseline (new cipher + new HMAC per packet, new Buffers). */
function naiveRep(suite: SrtpSuite, payload: number, n: number): Sample & { beforeGc: number } {
  const keys = naiveKeysFor(suite, testMaster(suite));
  const gcm = suite.startsWith('AEAD');
  const packets = Array.from({ length: n }, (_, i) =>
    rtpPacket({ ssrc: SSRC, seq: i & 0xffff, payloadType: 0, payload: Buffer.alloc(payload, 0xd5) }),
  );
  const out: Buffer[] = new Array<Buffer>(n);
  const empty = Buffer.alloc(0);
  let failures = 0;
  let protectHeap = 0;
  let unprotectHeap = 0;
  const beforeGc = gcCount;
  const protectNs = cpuNs(() => {
    protectHeap = loop(n, (i) => {
      const p = packets[i] ?? empty;
      const roc = Math.floor(i / 0x10000);
      out[i] = gcm ? naiveProtectRtpGcm(keys.rtp, p, roc) : naiveProtectRtpCm(keys.rtp, p, roc, 10);
    });
  });
  const unprotectNs = cpuNs(() => {
    unprotectHeap = loop(n, (i) => {
      const p = out[i] ?? empty;
      const roc = Math.floor(i / 0x10000);
      const r = gcm ? naiveUnprotectRtpGcm(keys.rtp, p, roc) : naiveUnprotectRtpCm(keys.rtp, p, roc, 10);
      if (r === undefined) failures++;
    });
  });
  if (failures > 0) throw new Error(`naive ${suite}: ${failures} packets failed to unprotect`);
  return { protectNs: protectNs / n, unprotectNs: unprotectNs / n, protectHeap, unprotectHeap, gcs: 0, beforeGc };
}

interface Case {
  readonly profile: SrtpSuite;
  readonly impl: string;
  readonly allocs: string;
  readonly run: (payload: number, n: number) => Sample & { beforeGc: number };
  readonly packets: number;
}

const CASES: Case[] = [
  {
    profile: 'AES_CM_128_HMAC_SHA1_80',
    impl: 'fast: reused ECB keystream (cached per 32 packets) + JS HMAC-SHA1 midstates',
    allocs: 'none per packet; one keystream Buffer per 32 packets per stream (OpenSSL output)',
    run: (p, n) => fastRep('AES_CM_128_HMAC_SHA1_80', {}, p, n),
    packets: PACKETS,
  },
  {
    profile: 'AES_CM_128_HMAC_SHA1_80',
    impl: 'fast, keystream cache off: one ECB update() per packet + JS HMAC-SHA1',
    allocs: 'one keystream Buffer per packet (OpenSSL output)',
    run: (p, n) => fastRep('AES_CM_128_HMAC_SHA1_80', { keystreamCache: false }, p, n),
    packets: PACKETS,
  },
  {
    profile: 'AES_CM_128_HMAC_SHA1_32',
    impl: 'fast: reused ECB keystream (cached) + JS HMAC-SHA1 midstates',
    allocs: 'none per packet; one keystream Buffer per 32 packets per stream',
    run: (p, n) => fastRep('AES_CM_128_HMAC_SHA1_32', {}, p, n),
    packets: PACKETS,
  },
  {
    profile: 'AEAD_AES_128_GCM',
    impl: 'fast: reused ECB GCTR keystream (cached) + JS 8-bit-table GHASH',
    allocs: 'none per packet; one keystream Buffer per 32 packets per stream',
    run: (p, n) => fastRep('AEAD_AES_128_GCM', {}, p, n),
    packets: PACKETS,
  },
  {
    profile: 'AEAD_AES_128_GCM',
    impl: "native: createCipheriv('aes-128-gcm') per packet (KeyObject key)",
    allocs: 'cipher object + output Buffer + tag Buffer per packet',
    run: (p, n) => fastRep('AEAD_AES_128_GCM', { gcm: 'native' }, p, n),
    packets: Math.min(PACKETS, 4 * NAIVE_PACKETS),
  },
  {
    profile: 'AES_CM_128_HMAC_SHA1_80',
    impl: "naive: createCipheriv('aes-128-ctr') + createHmac('sha1') per packet (werift-style)",
    allocs: '2 crypto objects + ~6 Buffers per packet',
    run: (p, n) => naiveRep('AES_CM_128_HMAC_SHA1_80', p, n),
    packets: NAIVE_PACKETS,
  },
  {
    profile: 'AEAD_AES_128_GCM',
    impl: "naive: createCipheriv('aes-128-gcm') per packet, Buffer key, Buffer.concat",
    allocs: 'cipher object + ~4 Buffers per packet',
    run: (p, n) => naiveRep('AEAD_AES_128_GCM', p, n),
    packets: NAIVE_PACKETS,
  },
];

/** Median CPU ns per call of `op` over `n` calls, after a warm-up. */
function perCall(n: number, op: (i: number) => void): number {
  for (let i = 0; i < Math.min(n, 20_000); i++) op(i);
  const samples: number[] = [];
  for (let r = 0; r < REPS; r++) samples.push(cpuNs(() => loop(n, op)) / n);
  return Math.round(median(samples));
}

const key = Buffer.alloc(16, 0x2b);
const keyObject = createSecretKey(key);
const salt = Buffer.alloc(14, 0xf0);
const iv = Buffer.alloc(16);
const zeros = Buffer.alloc(160);
const ecb = new CounterKeystream('aes-128-ecb', key, salt, 'aes-cm');
const cache = new KeystreamCache();
let nextIndex = 0;
const mac = new HmacSha1(Buffer.alloc(20, 1));
const message = Buffer.alloc(172, 0x33);
const n = Math.min(PACKETS, 100_000);
const components: [string, (i: number) => void][] = [
  ["keystream: createCipheriv('aes-128-ctr') per packet, Buffer key", (i) => {
    iv.writeUInt32BE(i, 8);
    createCipheriv('aes-128-ctr', key, iv).update(zeros);
  }],
  ["keystream: createCipheriv('aes-128-ctr') per packet, KeyObject key", (i) => {
    iv.writeUInt32BE(i, 8);
    createCipheriv('aes-128-ctr', keyObject, iv).update(zeros);
  }],
  ['keystream: reused aes-128-ecb, one update() per packet', (i) => {
    ecb.fetch(undefined, 1, i, 10, false);
  }],
  ['keystream: reused aes-128-ecb, cached (one update() per 32 packets)', () => {
    ecb.fetch(cache, 1, nextIndex++, 10, true);
  }],
  ["hmac-sha1: createHmac('sha1') per packet, Buffer key", () => {
    createHmac('sha1', key).update(message).digest();
  }],
  ['hmac-sha1: HmacSha1 (TypeScript, cached pad states)', (i) => {
    mac.compute(message, 0, 172, i);
  }],
];
async function runCase(c: Case): Promise<void> {
  for (const payload of PAYLOADS) {
    c.run(payload, Math.min(c.packets, 20_000)); // warm-up (JIT)
    const samples: Sample[] = [];
    for (let r = 0; r < REPS; r++) {
      const s = c.run(payload, c.packets);
      await flush();
      samples.push({ ...s, gcs: gcCount - s.beforeGc });
    }
    const ops = 2 * c.packets;
    console.log(
      JSON.stringify({
        bench: 'srtp',
        profile: c.profile,
        impl: c.impl,
        payload_bytes: payload,
        packets: c.packets,
        reps: REPS,
        ns_per_protect: Math.round(median(samples.map((s) => s.protectNs))),
        ns_per_unprotect: Math.round(median(samples.map((s) => s.unprotectNs))),
        allocs_hint: c.allocs,
        heap_bytes_per_protect: Math.round(median(samples.map((s) => s.protectHeap))),
        heap_bytes_per_unprotect: Math.round(median(samples.map((s) => s.unprotectHeap))),
        gc_per_10k_ops: Number(((median(samples.map((s) => s.gcs)) * 10_000) / ops).toFixed(2)),
        node: process.version,
      }),
    );
  }
}

const only = (name: string): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : -1;
};

/** Runs this script again for one case and relays its output. */
function child(flag: string, i: number): void {
  const passThrough = ['packets', 'reps', 'naive-packets'].flatMap((name) => {
    const at = process.argv.indexOf(`--${name}`);
    return at >= 0 ? [`--${name}`, process.argv[at + 1] ?? ''] : [];
  });
  const r = spawnSync(process.execPath, [process.argv[1] ?? '', `--${flag}`, String(i), ...passThrough], { encoding: 'utf8' });
  process.stdout.write(r.stdout);
  if (r.status !== 0) process.stderr.write(r.stderr);
}

const caseIndex = only('case');
const componentIndex = only('component');
if (caseIndex >= 0) {
  const c = CASES[caseIndex];
  if (c !== undefined) await runCase(c);
} else if (componentIndex >= 0) {
  const entry = components[componentIndex];
  if (entry !== undefined) {
    const [component, op] = entry;
    console.log(JSON.stringify({ bench: 'srtp-component', component, ns_per_packet: perCall(n, op), node: process.version }));
  }
} else {
  components.forEach((_, i) => {
    child('component', i);
  });
  CASES.forEach((_, i) => {
    child('case', i);
  });
}
observer.disconnect();
