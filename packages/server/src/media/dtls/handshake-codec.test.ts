import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  HandshakeReassembler,
  encodeHandshakeFragment,
  encodeHandshakeMessage,
  fragmentHandshakeMessage,
  mergeRange,
  parseHandshakeFragments,
} from './handshake-codec.ts';

describe('handshake header (RFC 6347 §4.2.2)', () => {
  it('encodes type, length, message_seq, fragment_offset, fragment_length', () => {
    const m = encodeHandshakeFragment(11, 0x010203, 0x0405, 0x000010, Buffer.from([9, 9]));
    expect(m.toString('hex')).toBe('0b' + '010203' + '0405' + '000010' + '000002' + '0909');
  });

  it('parses several fragments from one record and flags a truncated or overlong one', () => {
    const a = encodeHandshakeMessage(14, 5, Buffer.alloc(0));
    const b = encodeHandshakeFragment(11, 100, 2, 10, Buffer.alloc(20, 1));
    const { fragments, malformed } = parseHandshakeFragments(Buffer.concat([a, b]));
    expect(malformed).toBe(false);
    expect(fragments.map((f) => [f.msgType, f.length, f.messageSeq, f.fragmentOffset, f.body.length])).toEqual([
      [14, 0, 5, 0, 0],
      [11, 100, 2, 10, 20],
    ]);
    expect(parseHandshakeFragments(Buffer.concat([a, b.subarray(0, 20)])).malformed).toBe(true);
    expect(parseHandshakeFragments(encodeHandshakeFragment(11, 10, 2, 5, Buffer.alloc(6))).malformed).toBe(true);
  });
});

describe('fragmentation and reassembly (RFC 6347 §4.2.3)', () => {
  it('splits a message into fragments of at most maxFragment bytes', () => {
    const body = randomBytes(1000);
    const parts = fragmentHandshakeMessage(11, 3, body, 112);
    expect(parts).toHaveLength(10);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(112);
    const re = new HandshakeReassembler(3);
    for (const p of parts) for (const f of parseHandshakeFragments(p).fragments) expect(re.add(f, 0)).toBe('accepted');
    expect(re.take()).toEqual({ msgType: 11, messageSeq: 3, body, epoch: 0 });
    expect(re.nextSeq).toBe(4);
    expect(fragmentHandshakeMessage(14, 0, Buffer.alloc(0), 100)).toHaveLength(1);
  });

  it('reassembles shuffled, duplicated and overlapping fragments and delivers in message_seq order', () => {
    const bodies = [randomBytes(300), randomBytes(0), randomBytes(777)];
    const frags = bodies.flatMap((b, i) => [
      ...fragmentHandshakeMessage(20 + i, i, b, 50),
      ...fragmentHandshakeMessage(20 + i, i, b, 73), // overlapping ranges
    ]);
    const shuffled = frags.map((f) => ({ f, k: Math.random() })).sort((a, b) => a.k - b.k).map((x) => x.f);
    const re = new HandshakeReassembler(0);
    const delivered: number[] = [];
    for (const raw of shuffled) {
      for (const f of parseHandshakeFragments(raw).fragments) re.add(f, 0);
      for (let m = re.take(); m !== undefined; m = re.take()) {
        expect(m.body).toEqual(bodies[m.messageSeq]);
        delivered.push(m.messageSeq);
      }
    }
    expect(delivered).toEqual([0, 1, 2]);
  });

  it('reports old messages, drops far-future ones and inconsistent fragments', () => {
    const re = new HandshakeReassembler(5, { maxAhead: 2 });
    const f = (seq: number, type = 11, length = 10, offset = 0, n = 5): Parameters<HandshakeReassembler['add']>[0] => ({
      msgType: type,
      length,
      messageSeq: seq,
      fragmentOffset: offset,
      body: Buffer.alloc(n),
    });
    expect(re.add(f(4), 0)).toBe('old');
    expect(re.add(f(8), 0)).toBe('dropped');
    expect(re.add(f(5), 0)).toBe('accepted');
    expect(re.add(f(5, 12), 0)).toBe('invalid'); // another type under the same seq
    expect(re.add(f(5, 11, 11), 0)).toBe('invalid'); // another length
    expect(re.add(f(5, 11, 10, 5), 1)).toBe('invalid'); // another epoch
    expect(re.add(f(5, 11, 10, 8, 5), 0)).toBe('invalid'); // past the end
    expect(re.peek()).toBeUndefined();
    expect(re.add(f(5, 11, 10, 5), 0)).toBe('accepted');
    expect(re.take()?.messageSeq).toBe(5);
    expect(new HandshakeReassembler(0, { maxMessageLength: 9 }).add(f(0), 0)).toBe('invalid');
    expect(new HandshakeReassembler(0, { maxBufferedBytes: 9 }).add(f(0), 0)).toBe('dropped');
  });

  it('merges byte ranges', () => {
    expect(mergeRange([], 5, 10)).toEqual([[5, 10]]);
    expect(mergeRange([[0, 5]], 5, 10)).toEqual([[0, 10]]);
    expect(mergeRange([[0, 2], [8, 9]], 1, 8)).toEqual([[0, 9]]);
    expect(mergeRange([[0, 2]], 4, 4)).toEqual([[0, 2]]);
  });
});
