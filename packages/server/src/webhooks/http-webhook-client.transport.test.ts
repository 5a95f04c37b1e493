/**
 * Transport-level failures against 127.0.0.1 servers that misbehave below HTTP: garbage instead of
 * a status line, a closed socket, TLS spoken to a plain server, a self-signed certificate.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { AccountSid, CallSid } from '@denwa/protocol';
import { ManualClock, makeTempDir } from '@denwa/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { RandomIdGenerator } from '../core/index.ts';
import { HttpWebhookClient } from './http-webhook-client.ts';
import { memoryLogger, RecordingNotifications } from './local-server.test-helper.ts';

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef' as AccountSid;
const CALL = 'CAfedcba9876543210fedcba9876543210' as CallSid;

const open: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(open.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => { resolve(); }))));
});

/** A raw TCP server; `onData` sees the first bytes of each connection. */
async function rawServer(onData: (socket: Socket) => void): Promise<number> {
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => { onData(socket); });
  });
  open.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => { resolve(); }));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new TypeError('no TCP address');
  return address.port;
}

function setup() {
  const notifications = new RecordingNotifications();
  const client = new HttpWebhookClient({
    authTokenFor: () => Promise.resolve('token'),
    notifications,
    ids: new RandomIdGenerator(),
    clock: new ManualClock(),
    log: memoryLogger().log,
    timeoutMs: 5000,
  });
  const fetchTwiml = (url: string) =>
    client.fetchTwiml({ url, method: 'POST', params: { CallSid: CALL }, accountSid: ACCOUNT, callSid: CALL });
  return { client, notifications, fetchTwiml };
}

function codeOf(result: { ok: true } | { ok: false; error: { code: number } }): number | 'ok' {
  return result.ok ? 'ok' : result.error.code;
}

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('HttpWebhookClient: transport failures', () => {
  it('an answer that is not HTTP is 11206', async () => {
    const port = await rawServer((socket) => socket.end('garbage\r\n\r\n'));
    const { fetchTwiml, notifications } = setup();
    expect(codeOf(await fetchTwiml(`http://127.0.0.1:${port}/`))).toBe(11206);
    expect(notifications.records[0]?.errorCode).toBe(11206);
  });

  it('a malformed status line is 11206', async () => {
    const port = await rawServer((socket) => socket.end('HTTP/1.1 abc Broken\r\nContent-Length: 0\r\n\r\n'));
    const { fetchTwiml } = setup();
    expect(codeOf(await fetchTwiml(`http://127.0.0.1:${port}/`))).toBe(11206);
  });

  it('a socket closed before any answer (hang-up) is 11205', async () => {
    const port = await rawServer((socket) => socket.destroy());
    const { fetchTwiml } = setup();
    expect(codeOf(await fetchTwiml(`http://127.0.0.1:${port}/`))).toBe(11205);
  });

  it('a connection reset in the middle of the body is 11205', async () => {
    const port = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 1000\r\n\r\n<Response>');
      setTimeout(() => socket.resetAndDestroy(), 20);
    });
    const { fetchTwiml } = setup();
    expect(codeOf(await fetchTwiml(`http://127.0.0.1:${port}/`))).toBe(11205);
  });

  it('TLS spoken to a plain-text server is 11220', async () => {
    const port = await rawServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const { fetchTwiml, notifications } = setup();
    expect(codeOf(await fetchTwiml(`https://127.0.0.1:${port}/`))).toBe(11220);
    expect(notifications.records[0]?.errorCode).toBe(11220);
  });

  it.skipIf(!hasOpenssl())('a self-signed certificate is 11220', async () => {
    const dir = makeTempDir();
    try {
      const key = join(dir.path, 'key.pem');
      const cert = join(dir.path, 'cert.pem');
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key,
          '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
        { stdio: 'ignore' },
      );
      const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/xml' });
        res.end('<Response/>');
      });
      open.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => { resolve(); }));
      const address = server.address();
      if (address === null || typeof address === 'string') throw new TypeError('no TCP address');
      const { fetchTwiml } = setup();
      const result = await fetchTwiml(`https://127.0.0.1:${address.port}/`);
      expect(codeOf(result)).toBe(11220);
      expect(result.ok ? '' : result.error.message).toContain('SELF_SIGNED');
    } finally {
      dir.remove();
    }
  });
});
