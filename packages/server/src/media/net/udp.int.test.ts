/**
 * The relay's UDP port on real loopback sockets: the batched addon (recvmmsg/sendmmsg, all sockets of
 * the process in one group) against plain node:dgram peers, and the choice between the addon and
 * node:dgram.
 */
import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { bindUdp, nativeUdpFallbackReason, parseIpv4, type DatagramSocket } from './index.ts';

interface Received {
  readonly data: Buffer;
  readonly copy: Buffer;
  readonly address: string;
  readonly port: number;
}

const open: (DatagramSocket | Socket)[] = [];

afterEach(async () => {
  for (const s of open.splice(0)) {
    if ('io' in s) await s.close();
    else s.close();
  }
});

async function peer(onMessage: (msg: Buffer) => void = () => undefined): Promise<Socket> {
  const s = createSocket('udp4');
  s.on('message', onMessage);
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  open.push(s);
  return s;
}

async function relaySocket(received: Received[], onEach?: (r: Received, socket: DatagramSocket) => void): Promise<DatagramSocket> {
  let socket: DatagramSocket | null = null;
  socket = await bindUdp({
    address: '127.0.0.1',
    port: 0,
    io: 'native',
    onMessage: (data, address, port) => {
      const r = { data, copy: Buffer.from(data), address, port };
      received.push(r);
      if (socket !== null) onEach?.(r, socket);
    },
  });
  open.push(socket);
  return socket;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function datagram(first: number, n: number, length = 172): Buffer {
  const b = Buffer.alloc(length, n & 0xff);
  b[0] = first;
  b.writeUInt32BE(n, 4);
  return b;
}

const linux = process.platform === 'linux';

describe.runIf(linux)('batched UDP (native addon)', () => {
  it('is built and loads on Linux', () => {
    // npm ci builds it (postinstall); by hand: node packages/server/native/build.mjs
    expect(nativeUdpFallbackReason()).toBeNull();
  });

  it('receives a burst of 300 datagrams with their source, and echoes every one back', async () => {
    const echoed: Buffer[] = [];
    const client = await peer((m) => echoed.push(m));
    const received: Received[] = [];
    const socket = await relaySocket(received, (r, s) => { s.send(r.data, 0, r.data.length, r.port, r.address); });
    expect(socket.io).toBe('native');
    const port = socket.address().port;
    client.setRecvBufferSize(4 * 1024 * 1024);
    for (let n = 0; n < 300; n++) client.send(datagram(0x80, n), port, '127.0.0.1');
    await until(() => echoed.length === 300, '300 echoes');
    expect(received.map((r) => r.copy.readUInt32BE(4))).toEqual([...Array(300).keys()]);
    expect(new Set(received.map((r) => `${r.address}:${String(r.port)}`))).toEqual(new Set([`127.0.0.1:${String(client.address().port)}`]));
    expect(echoed.map((m) => m.readUInt32BE(4))).toEqual([...Array(300).keys()]);
    expect(echoed.every((m, n) => m.equals(datagram(0x80, n)))).toBe(true);
    expect(socket.sendErrors).toBe(0);
  });

  it('lends RTP/RTCP as views of a receive slot and gives every other datagram as a copy', async () => {
    const client = await peer();
    const received: Received[] = [];
    const socket = await relaySocket(received);
    const port = socket.address().port;
    client.send(datagram(0x00, 1, 20), port, '127.0.0.1'); // STUN range
    client.send(datagram(0x16, 2, 40), port, '127.0.0.1'); // DTLS range
    client.send(datagram(0x80, 3), port, '127.0.0.1'); // RTP range
    await until(() => received.length === 3, 'three datagrams');
    for (let n = 10; n < 150; n++) client.send(datagram(0x90, n), port, '127.0.0.1'); // reuse every slot
    await until(() => received.length === 143, 'the second burst');
    const [stun, dtls, rtp] = received;
    expect(rtp?.data.buffer.byteLength).toBe(64 * 2048); // a view into the receive slots
    expect(stun?.data.buffer).not.toBe(rtp?.data.buffer); // owned copies keep their bytes
    expect(dtls?.data.buffer).not.toBe(rtp?.data.buffer);
    expect(stun?.data.equals(datagram(0x00, 1, 20))).toBe(true);
    expect(dtls?.data.equals(datagram(0x16, 2, 40))).toBe(true);
  });

  it('drops a datagram larger than a slot and goes on with the next', async () => {
    const client = await peer();
    const received: Received[] = [];
    const socket = await relaySocket(received);
    const port = socket.address().port;
    client.send(datagram(0x80, 1, 3000), port, '127.0.0.1');
    client.send(datagram(0x80, 2), port, '127.0.0.1');
    await until(() => received.length === 1, 'the datagram after the big one');
    expect(received[0]?.copy.readUInt32BE(4)).toBe(2);
  });

  it('counts sends it cannot make and never throws', async () => {
    const socket = await relaySocket([]);
    socket.send(Buffer.alloc(10), 0, 10, 5000, '::1'); // IPv6 on an IPv4 socket
    socket.send(Buffer.alloc(10), 0, 10, 5000, 'example.com'); // not an address
    socket.send(Buffer.alloc(10), 0, 10, 0, '127.0.0.1'); // port 0
    socket.send(Buffer.alloc(4000), 0, 4000, 5000, '127.0.0.1'); // larger than a slot
    socket.send(Buffer.alloc(10), 5, 10, 5000, '127.0.0.1'); // past the end of the buffer
    expect(socket.sendErrors).toBe(5);
  });

  it('keeps delivering the batch when a handler throws', async () => {
    const client = await peer();
    const seen: number[] = [];
    const socket = await bindUdp({
      address: '127.0.0.1',
      port: 0,
      io: 'native',
      onMessage: (data) => {
        seen.push(data.readUInt32BE(4));
        if (seen.length === 1) throw new Error('handler bug');
      },
    });
    open.push(socket);
    for (let n = 0; n < 5; n++) client.send(datagram(0x80, n), socket.address().port, '127.0.0.1');
    await until(() => seen.length === 5, 'five datagrams');
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('reads many sockets as one group: each datagram reaches its own socket, and relayed sends leave from the right port', async () => {
    // A relay in miniature: one "WebRTC" socket relays datagram n to "SIP-leg" socket n % 20, which
    // sends it to the far phone; each leg echoes what the phone sends back through the WebRTC socket.
    const legs = 20;
    const fromPhones: { n: number; port: number }[] = [];
    const phone = await peer();
    phone.on('message', (m, rinfo) => { fromPhones.push({ n: m.readUInt32BE(4), port: rinfo.port }); });
    phone.setRecvBufferSize(4 * 1024 * 1024);
    const browserGot: number[] = [];
    const browser = await peer((m) => browserGot.push(m.readUInt32BE(4)));
    browser.setRecvBufferSize(4 * 1024 * 1024);
    const legSockets: DatagramSocket[] = [];
    const legReceived: Received[][] = [];
    const webrtcReceived: Received[] = [];
    const webrtc = await relaySocket(webrtcReceived, (r) => {
      const leg = legSockets[r.copy.readUInt32BE(4) % legs];
      leg?.send(r.data, 0, r.data.length, phone.address().port, '127.0.0.1');
    });
    for (let i = 0; i < legs; i++) {
      const got: Received[] = [];
      legReceived.push(got);
      legSockets.push(await relaySocket(got, (r) => { webrtc.send(r.data, 0, r.data.length, browser.address().port, '127.0.0.1'); }));
    }
    for (let n = 0; n < 200; n++) browser.send(datagram(0x80, n), webrtc.address().port, '127.0.0.1');
    await until(() => fromPhones.length === 200, '200 datagrams at the phone');
    for (const { n, port } of fromPhones) expect(port).toBe(legSockets[n % legs]?.address().port);
    for (let n = 0; n < 200; n++) phone.send(datagram(0x80, 1000 + n), legSockets[n % legs]?.address().port ?? 0, '127.0.0.1');
    await until(() => browserGot.length === 200, '200 datagrams back at the browser');
    for (let i = 0; i < legs; i++) {
      expect(legReceived[i]?.map((r) => r.copy.readUInt32BE(4) % legs)).toEqual(Array<number>(10).fill(i));
    }
    expect(browserGot.sort((a, b) => a - b)).toEqual([...Array(200).keys()].map((n) => 1000 + n));
    expect(webrtcReceived).toHaveLength(200);
    expect([webrtc, ...legSockets].every((s) => s.sendErrors === 0)).toBe(true);
  });

  it('closing one socket of the group leaves the others reading and sending, and a new socket never gets its datagrams', async () => {
    const client = await peer();
    const a: Received[] = [];
    const b: Received[] = [];
    const sa = await relaySocket(a);
    const sb = await relaySocket(b);
    const closedPort = sa.address().port;
    await sa.close();
    const c: Received[] = [];
    const sc = await relaySocket(c); // may bind the port sa had, but sa's traffic is over
    client.send(datagram(0x80, 1), sb.address().port, '127.0.0.1');
    client.send(datagram(0x80, 2), sc.address().port, '127.0.0.1');
    if (sc.address().port !== closedPort) client.send(datagram(0x80, 3), closedPort, '127.0.0.1');
    await until(() => b.length === 1 && c.length === 1, 'one datagram each');
    await new Promise((r) => setTimeout(r, 20));
    expect(a).toHaveLength(0);
    expect(b.map((r) => r.copy.readUInt32BE(4))).toEqual([1]);
    expect(c.map((r) => r.copy.readUInt32BE(4))).toEqual([2]);
    sa.send(Buffer.alloc(10), 0, 10, client.address().port, '127.0.0.1'); // ignored: closed
    expect(sa.sendErrors).toBe(0);
  });

  it('keeps the process alive only while a socket is open', async () => {
    // A process that opens and closes a socket must end by itself, like one using node:dgram.
    const script = `import { bindUdp } from ${JSON.stringify(new URL('./index.ts', import.meta.url).href)};
const s = await bindUdp({ address: '127.0.0.1', port: 0, io: 'native', onMessage: () => undefined });
await s.close();
console.log('closed');`;
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 15_000 }, (_err, stdout) => {
        resolve({ code: child.exitCode, stdout });
      });
    });
    expect(out).toEqual({ code: 0, stdout: 'closed\n' }); // killed after 15 s (code null) if it hung
  });

  it('refuses a port in use with EADDRINUSE, and closes idempotently', async () => {
    const socket = await relaySocket([]);
    await expect(bindUdp({ address: '127.0.0.1', port: socket.address().port, io: 'native', onMessage: () => undefined })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await socket.close();
    await socket.close();
    socket.send(Buffer.alloc(10), 0, 10, 5000, '127.0.0.1'); // ignored after close
    expect(socket.sendErrors).toBe(0);
  });
});

describe('choosing the UDP implementation', () => {
  it('uses node:dgram when asked, and for IPv6 under auto', async () => {
    const dgram = await bindUdp({ address: '127.0.0.1', port: 0, io: 'dgram', onMessage: () => undefined });
    open.push(dgram);
    expect(dgram.io).toBe('dgram');
    const v6 = await bindUdp({ address: '::1', port: 0, onMessage: () => undefined }).catch(() => null);
    if (v6 !== null) {
      open.push(v6);
      expect(v6.io).toBe('dgram');
    }
  });

  it('refuses io native where it cannot be used, saying why', async () => {
    await expect(bindUdp({ address: '::1', port: 0, io: 'native', onMessage: () => undefined })).rejects.toThrow(/IPv4 only/);
  });

  it.runIf(linux)('picks the addon under auto for IPv4', async () => {
    const auto = await bindUdp({ address: '127.0.0.1', port: 0, onMessage: () => undefined });
    open.push(auto);
    expect(auto.io).toBe('native');
  });
});

describe('parseIpv4', () => {
  it.each([
    ['127.0.0.1', 0x7f000001],
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['203.0.113.10', 0xcb00710a],
  ])('%s → %d', (text, value) => { expect(parseIpv4(text)).toBe(value); });

  it.each(['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '1.2.3.', '.1.2.3', '::1', '::ffff:1.2.3.4', 'a.b.c.d', '1.2.3.4 '])('refuses %j', (text) => {
    expect(parseIpv4(text)).toBe(-1);
  });
});
