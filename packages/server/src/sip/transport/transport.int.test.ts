import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { bindSipUdp, listenSipTcp, type SipAddress, type SipTransport } from './index.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
const open: SipTransport[] = [];
afterEach(async () => { for (const t of open.splice(0)) await t.close(); });

const MSG = (n: number): string => `OPTIONS sip:a SIP/2.0\r\nVia: SIP/2.0/TCP a;branch=z9hG4bK${String(n)}\r\nFrom: <sip:a@a>;tag=1\r\nTo: <sip:b@b>\r\nCall-ID: c\r\nCSeq: ${String(n)} OPTIONS\r\nContent-Length: 0\r\n\r\n`;

function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = (): void => { if (check()) resolve(); else if (Date.now() > end) reject(new Error('timed out')); else setTimeout(tick, 10); };
    tick();
  });
}

describe('SIP transports', () => {
  it('UDP: datagrams both ways on loopback, with their source', async () => {
    const a = await bindSipUdp({ address: '127.0.0.1', port: 0 });
    const b = await bindSipUdp({ address: '127.0.0.1', port: 0 });
    open.push(a, b);
    const got: [string, SipAddress][] = [];
    b.onMessage = (bytes, from) => { got.push([dec.decode(bytes), from]); };
    a.send(enc.encode(MSG(1)), b.local);
    await until(() => got.length === 1);
    expect(got[0]).toEqual([MSG(1), a.local]);
  });

  it('TCP: messages split across writes are framed, a ping gets a pong, the reply reuses the connection, garbage closes it', async () => {
    const server = await listenSipTcp({ address: '127.0.0.1', port: 0 });
    open.push(server);
    const got: [string, SipAddress][] = [];
    server.onMessage = (bytes, from) => { got.push([dec.decode(bytes), from]); server.send(enc.encode(MSG(9)), from); };
    const client = connect({ host: '127.0.0.1', port: server.local.port });
    let received = '';
    client.on('data', (d: Buffer) => { received += d.toString(); });
    await new Promise<void>((r) => client.once('connect', () => { r(); }));
    const stream = `\r\n\r\n${MSG(1)}${MSG(2)}`;
    for (let i = 0; i < stream.length; i += 13) client.write(stream.slice(i, i + 13));
    await until(() => got.length === 2 && received.includes('CSeq: 9 OPTIONS'));
    expect(got.map(([m]) => m)).toEqual([MSG(1), MSG(2)]);
    expect(received.startsWith('\r\n')).toBe(true);
    expect(server.connections).toBe(1);
    const closed = new Promise<void>((r) => client.once('close', () => { r(); }));
    client.write('OPTIONS sip:a SIP/2.0\r\nVia: x\r\n\r\n'); // no Content-Length on a stream
    await closed;
    await until(() => server.connections === 0);
  });

  it('TCP: refuses connections past maxConnections', async () => {
    const server = await listenSipTcp({ address: '127.0.0.1', port: 0 }, { maxConnections: 1 });
    open.push(server);
    const first = connect({ host: '127.0.0.1', port: server.local.port });
    await until(() => server.connections === 1);
    const second = connect({ host: '127.0.0.1', port: server.local.port });
    await new Promise<void>((r) => second.once('close', () => { r(); }));
    expect(server.connections).toBe(1);
    first.destroy();
  });
});
