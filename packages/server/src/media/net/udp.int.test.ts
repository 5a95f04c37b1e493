/**
 * The relay's UDP port on real loopback sockets: the batched addon (recvmmsg/sendmmsg) against a
 * plain node:dgram peer, and the choice between the addon and node:dgram.
 */
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
