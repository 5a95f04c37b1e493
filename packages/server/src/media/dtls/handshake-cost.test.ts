/**
 * Measures the server's cost per handshake with the in-process client: 20 sequential handshakes
 * with `process.cpuUsage()` and wall time taken around every `DtlsServer` call only (the client's own
 * crypto is not counted), and 50 simultaneous handshakes interleaved flight by flight. Prints the
 * figures; asserts only loose bounds so a slow CI machine does not fail.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@denwa/testkit';
import { createDtlsCertificate, type DtlsCertificate } from './certificate.ts';
import { DtlsServer } from './dtls-server.ts';
import { DtlsTestClient } from './test-client.ts';

let serverCert: DtlsCertificate;
let clientCert: DtlsCertificate;
beforeAll(async () => {
  [serverCert, clientCert] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
});

interface Pair {
  server: DtlsServer;
  client: DtlsTestClient;
  toClient: Buffer[];
  toServer: Buffer[];
  isConnected: () => boolean;
}

function pair(groups: number[]): Pair {
  const clock = new ManualClock();
  const toClient: Buffer[] = [];
  const toServer: Buffer[] = [];
  let connected = false;
  const server = new DtlsServer({
    certificate: serverCert,
    clock,
    send: (d) => toClient.push(d),
    expectedRemoteFingerprint: clientCert.fingerprint,
    cookieSecret: Buffer.alloc(32, 1),
    onConnected: () => {
      connected = true;
    },
    onFailed: (r) => {
      throw new Error(r);
    },
  });
  const client = new DtlsTestClient({ certificate: clientCert, send: (d) => toServer.push(d), groups });
  return { server, client, toClient, toServer, isConnected: () => connected };
}

/** One handshake; returns the server-side CPU and wall time in µs. */
function handshake(groups: number[]): { cpuUs: number; wallUs: number } {
  const p = pair(groups);
  let cpuUs = 0;
  let wallUs = 0;
  p.client.start();
  for (let i = 0; i < 4; i++) {
    for (const d of p.toServer.splice(0)) {
      const cpu = process.cpuUsage();
      const t = performance.now();
      p.server.handleDatagram(d);
      wallUs += (performance.now() - t) * 1000;
      const used = process.cpuUsage(cpu);
      cpuUs += used.user + used.system;
    }
    for (const d of p.toClient.splice(0)) p.client.handleDatagram(d);
  }
  if (!p.isConnected() || p.client.result === undefined) throw new Error('handshake did not complete');
  return { cpuUs, wallUs };
}

describe('handshake cost (server side)', () => {
  it.each([
    ['x25519', [29, 23]],
    ['secp256r1', [23]],
  ])('20 sequential handshakes with %s', (name, groups) => {
    for (let i = 0; i < 3; i++) handshake(groups); // warm up
    const runs = Array.from({ length: 20 }, () => handshake(groups));
    const cpu = runs.reduce((a, r) => a + r.cpuUs, 0) / runs.length;
    const wall = runs.reduce((a, r) => a + r.wallUs, 0) / runs.length;
    console.log(`DTLS server handshake (${name}): ${(cpu / 1000).toFixed(3)} ms CPU, ${(wall / 1000).toFixed(3)} ms wall, mean of 20`);
    expect(cpu).toBeLessThan(20_000);
  });

  it('50 simultaneous handshakes, interleaved flight by flight', () => {
    const pairs = Array.from({ length: 50 }, () => pair([29, 23]));
    for (const p of pairs) p.client.start();
    let serverMs = 0;
    for (let round = 0; round < 4; round++) {
      const t = performance.now();
      for (const p of pairs) for (const d of p.toServer.splice(0)) p.server.handleDatagram(d);
      serverMs += performance.now() - t;
      for (const p of pairs) for (const d of p.toClient.splice(0)) p.client.handleDatagram(d);
    }
    expect(pairs.every((p) => p.isConnected() && p.client.result !== undefined)).toBe(true);
    console.log(`DTLS server, 50 simultaneous handshakes: ${serverMs.toFixed(1)} ms server time in total`);
    expect(serverMs).toBeLessThan(2000);
  });
});
