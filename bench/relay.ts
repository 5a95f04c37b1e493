/**
 * The media relay benchmark: N calls through the relay under test, measured in the same run as the
 * callers connected directly (no relay), which is the baseline for added loss and latency.
 *
 *   npm run bench:relay -- --scenario webrtc-webrtc --calls 50 --seconds 20 [--relay denwa|denwa-dgram|werift|both|all|a,b] [--runs 3]
 *   npm run bench:relay -- --scenario webrtc-sip --calls 50 --seconds 20 [--relay denwa|denwa-dgram] [--runs 3]
 *   npm run bench:relay -- --scenario transcode --calls 50 --seconds 20 [--relay denwa|denwa-dgram] [--runs 3] [--opus-rate 48000|16000|8000]
 *
 * Scenarios: `webrtc-webrtc` (two WebRTC legs, DTLS-SRTP both, PCMU passthrough); `webrtc-sip`
 * (a WebRTC leg with DTLS-SRTP and a plain RTP/AVP SIP leg, PCMU passthrough); `transcode` (a WebRTC
 * leg on Opus and a SIP leg on PCMU: every packet is decoded, resampled and re-encoded).
 *
 * Relays: `denwa` (Denwa's MediaRelay with its batched UDP addon), `denwa-dgram` (the same relay on
 * node:dgram, the fallback where the addon is not built), `werift` (werift as-is). `both` = denwa and
 * werift; `all` = the three.
 *
 * The relay runs in its own process (bench/relay-server.ts), the callers in another
 * (bench/relay-clients.ts: werift peers sending 160-byte PCMU frames at 50 packets/s each way).
 * CPU is the relay process's user+system time over the steady window (setup excluded), divided by
 * the call-seconds actually relayed (100 relayed packets = one call-second), so a caller process
 * that falls behind does not flatter the figure. One JSON line per run and relay, then a summary
 * line with medians.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'webrtc-webrtc' },
    calls: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '20' },
    relay: { type: 'string', default: 'both' },
    runs: { type: 'string', default: '1' },
    'opus-rate': { type: 'string', default: '' },
  },
});
const SCENARIOS = ['webrtc-webrtc', 'webrtc-sip', 'transcode'];
const scenario = values.scenario;
if (!SCENARIOS.includes(scenario)) {
  console.error(`unknown scenario ${scenario}; one of ${SCENARIOS.join(', ')}`);
  process.exit(2);
}
const withSip = scenario !== 'webrtc-webrtc';
const calls = Math.max(1, Math.min(500, Number(values.calls)));
const seconds = Math.max(1, Math.min(600, Number(values.seconds)));
const runs = Math.max(1, Math.min(10, Number(values.runs)));
const KNOWN = withSip ? ['denwa', 'denwa-dgram'] : ['denwa', 'denwa-dgram', 'werift'];
const relays = values.relay === 'both' ? (withSip ? ['denwa'] : ['denwa', 'werift']) : values.relay === 'all' ? KNOWN : values.relay.split(',');
const unknown = relays.filter((r) => !KNOWN.includes(r));
if (unknown.length > 0) {
  console.error(`unknown relay ${unknown.join(', ')}; one of ${KNOWN.join(', ')}, both or all`);
  process.exit(2);
}
const HARD_LIMIT_MS = (60 + calls * 2 + seconds * 3) * 1000 * runs * (relays.length + 1);
setTimeout(() => { console.error('benchmark exceeded its time limit'); process.exit(3); }, HARD_LIMIT_MS).unref();

interface Worker {
  call(m: Record<string, unknown>): Promise<Record<string, unknown>>;
  stop(): void;
}

function start(script: string, args: string[]): Promise<Worker> {
  const execArgv = script.includes('server') ? (process.env['RELAY_NODE_FLAGS'] ?? '').split(' ').filter((f) => f !== '') : [];
  const child: ChildProcess = fork(fileURLToPath(new URL(script, import.meta.url)), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  let seq = 0;
  const pending = new Map<number, (m: Record<string, unknown>) => void>();
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => { reject(new Error(`${script} exited ${String(code)}`)); });
    child.on('message', (m: Record<string, unknown>) => {
      if (m['ready'] === true) {
        resolve({
          call: (msg) => new Promise((res, rej) => {
            const id = ++seq;
            pending.set(id, (reply) => { if (typeof reply['error'] === 'string') rej(new Error(reply['error'])); else res(reply); });
            child.send({ ...msg, seq: id });
          }),
          stop: () => {
            // A clean exit lets `--cpu-prof` write its profile; a stuck child is killed.
            child.send({ op: 'exit', seq: 0 });
            setTimeout(() => { child.kill('SIGKILL'); }, 3000).unref();
          },
        });
        return;
      }
      const done = pending.get(Number(m['seq']));
      pending.delete(Number(m['seq']));
      done?.(m);
    });
  });
}

interface Figures {
  lossPct: number;
  p50Ms: number;
  p99Ms: number;
  setupP50Ms: number;
  setupP99Ms: number;
}

async function direct(): Promise<Figures> {
  const clients = await start('./relay-clients.ts', []);
  try {
    const ids: string[] = [];
    for (let i = 0; i < calls; i++) {
      const offer = await clients.call({ op: 'offer', id: `a${String(i)}` });
      const answer = await clients.call({ op: 'answer', id: `b${String(i)}`, sdp: offer['sdp'] });
      await clients.call({ op: 'remote', id: `a${String(i)}`, sdp: answer['sdp'] });
      ids.push(`a${String(i)}`, `b${String(i)}`);
    }
    await clients.call({ op: 'connected', ids });
    return (await clients.call({ op: 'run', seconds })) as unknown as Figures;
  } finally {
    clients.stop();
  }
}

async function throughRelay(relay: string): Promise<Record<string, number>> {
  const [server, clients] = await Promise.all([start('./relay-server.ts', [relay, values['opus-rate']]), start('./relay-clients.ts', [])]);
  try {
    const ids: string[] = [];
    for (let i = 0; i < calls; i++) {
      const a = `a${String(i)}`;
      const b = `b${String(i)}`;
      const offerA = await clients.call({ op: 'offer', id: a, codec: scenario === 'transcode' ? 'opus' : 'PCMU' });
      const answerA = await server.call({ op: 'answer', id: a, sdp: offerA['sdp'] });
      await clients.call({ op: 'remote', id: a, sdp: answerA['sdp'] });
      const offerB = await server.call({ op: withSip ? 'rtp-offer' : 'offer', id: b });
      const answerB = await clients.call({ op: withSip ? 'sip-answer' : 'answer', id: b, sdp: offerB['sdp'] });
      await server.call({ op: 'apply', id: b, sdp: answerB['sdp'] });
      const bridged = await server.call({ op: 'bridge', a, b });
      if (bridged['transcoding'] !== (scenario === 'transcode')) throw new Error(`call ${String(i)}: the bridge ${bridged['transcoding'] === true ? 'transcodes' : 'does not transcode'}`);
      await clients.call({ op: 'pair', a, b });
      ids.push(a);
      if (!withSip) ids.push(b); // SIP legs need no ICE or DTLS
    }
    await clients.call({ op: 'connected', ids });
    await new Promise((r) => setTimeout(r, 1000));
    await server.call({ op: 'measure-start' });
    const figures = (await clients.call({ op: 'run', seconds, mode: scenario === 'transcode' ? 'aligned' : 'stamped' })) as unknown as Figures;
    const usage = await server.call({ op: 'measure-stop' });
    const relayed = Number(usage['relayed']);
    const cpuMs = Number(usage['cpuMs']);
    const callSeconds = Math.max(1, relayed / 100);
    return {
      cpu_ms_per_call_second: cpuMs / callSeconds,
      user_ms_per_call_second: Number(usage['userMs']) / callSeconds,
      system_ms_per_call_second: Number(usage['systemMs']) / callSeconds,
      cpu_ms_per_nominal_call_second: cpuMs / (calls * seconds),
      relayed_packets: relayed,
      loss_pct: figures.lossPct,
      p50_ms: figures.p50Ms,
      p99_ms: figures.p99Ms,
      rss_kb_per_call: Number(usage['rssKb']) / calls,
      relay_loop_p99_ms: Number(usage['loopP99Ms']),
      relay_loop_max_ms: Number(usage['loopMaxMs']),
      setup_p50_ms: figures.setupP50Ms,
      setup_p99_ms: figures.setupP99Ms,
    };
  } finally {
    server.stop();
    clients.stop();
  }
}

const round = (n: number, d = 3): number => Math.round(n * 10 ** d) / 10 ** d;
const median = (xs: readonly number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : ((s[(s.length - 1) >> 1] ?? 0) + (s[s.length >> 1] ?? 0)) / 2;
};

const all: Record<string, Record<string, number>[]> = {};
for (let run = 1; run <= runs; run++) {
  const baseline = await direct();
  for (const relay of relays) {
    const r = await throughRelay(relay);
    const line = {
      scenario,
      relay,
      ...(scenario === 'transcode' ? { opus_pcm_rate: Number(values['opus-rate'] || 8000) } : {}),
      run,
      calls,
      seconds,
      cpu_ms_per_call_second: round(r['cpu_ms_per_call_second'] ?? Number.NaN),
      calls_per_core: Math.round(1000 / (r['cpu_ms_per_call_second'] ?? Number.NaN)),
      cpu_ms_per_nominal_call_second: round(r['cpu_ms_per_nominal_call_second'] ?? Number.NaN),
      user_ms_per_call_second: round(r['user_ms_per_call_second'] ?? Number.NaN),
      system_ms_per_call_second: round(r['system_ms_per_call_second'] ?? Number.NaN),
      added_loss_pct: round((r['loss_pct'] ?? 0) - baseline.lossPct),
      added_p99_ms: round((r['p99_ms'] ?? 0) - baseline.p99Ms),
      p50_ms: round(r['p50_ms'] ?? Number.NaN),
      p99_ms: round(r['p99_ms'] ?? Number.NaN),
      direct_p99_ms: round(baseline.p99Ms),
      rss_kb_per_call: round(r['rss_kb_per_call'] ?? Number.NaN, 1),
      relay_loop_p99_ms: round(r['relay_loop_p99_ms'] ?? Number.NaN, 1),
      relay_loop_max_ms: round(r['relay_loop_max_ms'] ?? Number.NaN, 1),
      setup_p50_ms: round(r['setup_p50_ms'] ?? Number.NaN, 1),
      setup_p99_ms: round(r['setup_p99_ms'] ?? Number.NaN, 1),
      relayed_packets: r['relayed_packets'],
      node: process.version,
    };
    console.log(JSON.stringify(line));
    (all[relay] ??= []).push(line as unknown as Record<string, number>);
  }
}
const summary: Record<string, Record<string, number>> = {};
for (const [relay, lines] of Object.entries(all)) {
  summary[relay] = {};
  for (const key of ['cpu_ms_per_call_second', 'calls_per_core', 'added_loss_pct', 'added_p99_ms', 'p50_ms', 'p99_ms', 'rss_kb_per_call', 'setup_p50_ms', 'setup_p99_ms']) {
    summary[relay][key] = round(median(lines.map((l) => l[key] ?? Number.NaN)));
  }
}
console.log(JSON.stringify({ summary: { scenario, ...(scenario === 'transcode' ? { opus_pcm_rate: Number(values['opus-rate'] || 8000) } : {}), calls, seconds, runs, medians: summary } }));
process.exit(0);
