import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { bindSipUdp, listenSipTcp, listenSipTls, type SipAddress, type SipTransport } from './index.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
const open: SipTransport[] = [];
afterEach(async () => { for (const t of open.splice(0)) await t.close(); });

const MSG = (n: number): string => `OPTIONS sip:a SIP/2.0\r\nVia: SIP/2.0/TCP a;branch=z9hG4bK${String(n)}\r\nFrom: <sip:a@a>;tag=1\r\nTo: <sip:b@b>\r\nCall-ID: c\r\nCSeq: ${String(n)} OPTIONS\r\nContent-Length: 0\r\n\r\n`;

/** A self-signed P-256 certificate for 127.0.0.1 and `sip.denwa.test`, made with the openssl CLI. */
function selfSigned(cn: string): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'denwa-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      '-days', '1', '-subj', `/CN=${cn}`, '-addext', 'subjectAltName=IP:127.0.0.1,DNS:sip.denwa.test'], { stdio: 'ignore' });
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let certs: { a: { cert: string; key: string }; b: { cert: string; key: string } } | null = null;
const tlsCerts = (): { a: { cert: string; key: string }; b: { cert: string; key: string } } => (certs ??= { a: selfSigned('denwa-a'), b: selfSigned('denwa-b') });
afterAll(() => { certs = null; });

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

  it('TLS: messages both ways over one verified connection (the reply reuses it), a ping gets a pong', async () => {
    const { a: ca, b: cb } = tlsCerts();
    // Each side trusts the other's self-signed certificate, checked for the IP address connected to.
    const a = await listenSipTls({ address: '127.0.0.1', port: 0 }, { ...ca, ca: cb.cert });
    const b = await listenSipTls({ address: '127.0.0.1', port: 0 }, { ...cb, ca: ca.cert });
    open.push(a, b);
    expect(a.protocol).toBe('TLS');
    expect(a.reliable).toBe(true);
    const atB: [string, SipAddress][] = [];
    const atA: string[] = [];
    b.onMessage = (bytes, from) => { atB.push([dec.decode(bytes), from]); b.send(enc.encode(MSG(2)), from); };
    a.onMessage = (bytes) => { atA.push(dec.decode(bytes)); };
    a.send(enc.encode(MSG(1)), b.local);
    await until(() => atA.length === 1);
    expect(atB.map(([m]) => m)).toEqual([MSG(1)]);
    expect(atA).toEqual([MSG(2)]);
    expect(a.connections).toBe(1);
    expect(b.connections).toBe(1);
    const client = tlsConnect({ host: '127.0.0.1', port: b.local.port, ca: cb.cert });
    let received = '';
    client.on('data', (d: Buffer) => { received += d.toString(); });
    await new Promise<void>((r) => client.once('secureConnect', () => { r(); }));
    client.write('\r\n\r\n');
    await until(() => received === '\r\n');
    client.destroy();
  });

  it('TLS: an untrusted certificate fails the connection and nothing is delivered; a name is checked when servername gives one', async () => {
    const { a: ca, b: cb } = tlsCerts();
    const b = await listenSipTls({ address: '127.0.0.1', port: 0 }, cb);
    const untrusting = await listenSipTls({ address: '127.0.0.1', port: 0 }, { ...ca, ca: ca.cert });
    const wrongName = await listenSipTls({ address: '127.0.0.1', port: 0 }, { ...ca, ca: cb.cert, servername: () => 'other.denwa.test' });
    const rightName = await listenSipTls({ address: '127.0.0.1', port: 0 }, { ...ca, ca: cb.cert, servername: () => 'sip.denwa.test' });
    open.push(b, untrusting, wrongName, rightName);
    const got: string[] = [];
    b.onMessage = (bytes) => { got.push(dec.decode(bytes)); };
    untrusting.send(enc.encode(MSG(1)), b.local);
    wrongName.send(enc.encode(MSG(2)), b.local);
    await until(() => untrusting.sendErrors > 0 && wrongName.sendErrors > 0);
    rightName.send(enc.encode(MSG(3)), b.local);
    await until(() => got.length === 1);
    expect(got).toEqual([MSG(3)]);
    await until(() => untrusting.connections === 0 && wrongName.connections === 0);
  });
});
