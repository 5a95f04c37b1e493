import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/index.ts';
import { DEFAULT_OPUS_SETTINGS, encodeG711 } from '../codec/index.ts';
import { sine } from '../codec/tone.test-helper.ts';
import type { RelayCodecs, RelayLeg } from '../endpoint/index.ts';
import { RelayBridge } from './bridge.ts';

const PCMU: RelayCodecs = { primary: { name: 'PCMU', pt: 0, clockRate: 8000, channels: 1 }, primaryIn: [0], telephoneEvents: [], telephoneEventsIn: [] };
const OPUS: RelayCodecs = { primary: { name: 'opus', pt: 111, clockRate: 48000, channels: 2 }, primaryIn: [111], telephoneEvents: [], telephoneEventsIn: [] };

/** A leg that records what it is asked to send and closes the way the endpoints do. */
class FakeLeg implements RelayLeg {
  readonly id: string;
  relayCodecs: RelayCodecs | null;
  peer: RelayLeg | null = null;
  source: RelayLeg | null = null;
  readonly sent: { pt: number; len: number; ssrc: number }[] = [];

  constructor(id: string, codecs: RelayCodecs) {
    this.id = id;
    this.relayCodecs = codecs;
  }

  sendRelayed(buf: Buffer, len: number): boolean {
    this.sent.push({ pt: buf[1]! & 0x7f, len, ssrc: buf.readUInt32BE(8) });
    return true;
  }

  attachSource(source: RelayLeg | null): void {
    this.source = source;
  }

  setPeer(peer: RelayLeg | null): void {
    this.peer = peer;
  }

  close(): void {
    const peer = this.peer;
    this.peer = null;
    if (peer?.peer === this) peer.setPeer(null);
  }
}

function pcmu(seq: number): Buffer {
  const b = Buffer.alloc(172);
  b[0] = 0x80;
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE(seq * 160, 4);
  b.writeUInt32BE(0xabc, 8);
  encodeG711('ulaw', sine(8000, 440, 160, 8000, seq * 160), 0, 160, b, 12);
  return b;
}

const options = { opus: DEFAULT_OPUS_SETTINGS, log: createLogger({ level: 'silent' }) };

describe('RelayBridge', () => {
  it('passes same-codec packets straight through and transcodes once a leg renegotiates another codec', () => {
    const a = new FakeLeg('A', PCMU);
    const b = new FakeLeg('B', PCMU);
    const bridge = new RelayBridge(a, b, options);
    expect([a.source, b.source]).toEqual([b, a]);
    expect(bridge.transcoding).toEqual({ ab: false, ba: false });
    expect(a.peer?.peer).toBe(a); // the direction a → b stands in for b, whose peer is a
    expect(a.peer?.sendRelayed(pcmu(1), 172, 0)).toBe(true);
    expect(b.sent).toEqual([{ pt: 0, len: 172, ssrc: 0xabc }]);

    b.relayCodecs = OPUS; // B's re-INVITE moved it to Opus
    a.peer?.sendRelayed(pcmu(2), 172, 0);
    expect(bridge.transcoding).toEqual({ ab: true, ba: false });
    expect(b.sent.at(-1)?.pt).toBe(111);
    expect(b.sent.at(-1)?.ssrc).not.toBe(0xabc);
    b.relayCodecs = PCMU;
    a.peer?.sendRelayed(pcmu(3), 172, 0);
    expect(bridge.transcoding.ab).toBe(false);
    expect(b.sent.at(-1)).toEqual({ pt: 0, len: 172, ssrc: 0xabc });
    bridge.close();
    bridge.close();
    expect([a.peer, b.peer]).toEqual([null, null]);
  });

  it('ends when either leg closes, and forwards nothing after', () => {
    const a = new FakeLeg('A', OPUS);
    const b = new FakeLeg('B', PCMU);
    const bridge = new RelayBridge(a, b, options);
    expect(bridge.transcoding).toEqual({ ab: true, ba: true });
    const toA = b.peer;
    a.close();
    expect(bridge.open).toBe(false);
    expect(b.peer).toBeNull();
    expect(bridge.transcoding).toEqual({ ab: false, ba: false });
    expect(toA?.sendRelayed(pcmu(1), 172, 0)).toBe(false);
    expect(a.sent).toEqual([]);
  });
});
