/**
 * The floor under any Node.js relay on this machine: a forwarder process that does nothing but
 * receive each UDP datagram on one shared socket and send it on to the other leg of its "call"
 * (no ICE, no DTLS, no SRTP, no rewriting), loaded exactly like bench/relay.ts loads a relay
 * (182-byte datagrams, 50 packets/s per leg, two legs per call).
 *
 *   node bench/udp-floor.ts [--calls 50] [--seconds 20]
 *
 * Prints one JSON line: the forwarder's CPU ms per relayed call-second (100 forwarded datagrams),
 * split into user and system time.
 */
import { createSocket, type Socket } from 'node:dgram';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

if (process.argv[2] === '--forwarder') {
  // Child: the forwarder. Legs come in pairs: the peer of port p is in `peers`.
  const socket = createSocket('udp4');
  const peers = new Map<number, number>();
  let forwarded = 0;
  socket.on('message', (msg, rinfo) => {
    const to = peers.get(rinfo.port);
    if (to === undefined) return;
    forwarded++;
    socket.send(msg, 0, msg.length, to, '127.0.0.1');
  });
  let cpu = process.cpuUsage();
  let base = 0;
  process.on('message', (m: { op: string; a?: number; b?: number }) => {
    if (m.op === 'pair' && m.a !== undefined && m.b !== undefined) {
      peers.set(m.a, m.b);
      peers.set(m.b, m.a);
    } else if (m.op === 'start') {
      cpu = process.cpuUsage();
      base = forwarded;
      process.send?.({ op: 'started' });
    } else if (m.op === 'stop') {
      const used = process.cpuUsage(cpu);
      process.send?.({ op: 'stopped', user: used.user / 1000, system: used.system / 1000, forwarded: forwarded - base });
      process.exit(0);
    }
  });
  socket.bind(0, '127.0.0.1', () => { process.send?.({ op: 'ready', port: socket.address().port }); });
} else {
  const { values } = parseArgs({ options: { calls: { type: 'string', default: '50' }, seconds: { type: 'string', default: '20' } } });
  const calls = Math.max(1, Math.min(500, Number(values.calls)));
  const seconds = Math.max(1, Math.min(600, Number(values.seconds)));
  const child = fork(fileURLToPath(import.meta.url), ['--forwarder'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = (op: string): Promise<Record<string, number>> =>
    new Promise((resolve) => {
      const on = (m: Record<string, number> & { op: string }): void => {
        if (m.op === op) {
          child.off('message', on);
          resolve(m);
        }
      };
      child.on('message', on);
    });
  const relayPort = (await next('ready'))['port'] ?? 0;
  const legs: Socket[] = [];
  for (let i = 0; i < calls * 2; i++) {
    const s = createSocket('udp4');
    s.on('message', () => undefined);
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    legs.push(s);
  }
  for (let i = 0; i < calls; i++) {
    child.send({ op: 'pair', a: legs[2 * i]?.address().port, b: legs[2 * i + 1]?.address().port });
  }
  child.send({ op: 'start' });
  await next('started');
  const packet = Buffer.alloc(182, 0x80);
  const end = Date.now() + seconds * 1000;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (const leg of legs) leg.send(packet, relayPort, '127.0.0.1');
      if (Date.now() >= end) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
  await new Promise((r) => setTimeout(r, 300));
  child.send({ op: 'stop' });
  const r = await next('stopped');
  const callSeconds = Math.max(1, (r['forwarded'] ?? 0) / 100);
  const round = (n: number): number => Math.round(n * 1000) / 1000;
  console.log(JSON.stringify({
    scenario: 'udp-floor', calls, seconds,
    cpu_ms_per_call_second: round(((r['user'] ?? 0) + (r['system'] ?? 0)) / callSeconds),
    user_ms_per_call_second: round((r['user'] ?? 0) / callSeconds),
    system_ms_per_call_second: round((r['system'] ?? 0) / callSeconds),
    forwarded: r['forwarded'], node: process.version,
  }));
  for (const leg of legs) leg.close();
  process.exit(0);
}
