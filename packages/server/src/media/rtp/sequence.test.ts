import { describe, expect, it } from 'vitest';
import { SequenceTracker, extendSequence, isSeqNewer, isTimestampNewer, seqDelta, timestampDelta, toUint32 } from './index.ts';

describe('sequence arithmetic', () => {
  it('seqDelta is signed and wraps at 2^16', () => {
    expect(seqDelta(2, 65534)).toBe(4);
    expect(seqDelta(65534, 2)).toBe(-4);
    expect(seqDelta(5, 5)).toBe(0);
    expect(seqDelta(32767, 0)).toBe(32767);
    expect(seqDelta(32768, 0)).toBe(-32768);
    expect(seqDelta(0x1_0003, 1)).toBe(2);
  });

  it('isSeqNewer follows serial-number order', () => {
    expect(isSeqNewer(0, 65535)).toBe(true);
    expect(isSeqNewer(65535, 0)).toBe(false);
    expect(isSeqNewer(100, 100)).toBe(false);
    expect(isSeqNewer(100, 99)).toBe(true);
  });

  it('timestampDelta and isTimestampNewer wrap at 2^32', () => {
    expect(timestampDelta(160, 0xffffff60)).toBe(320);
    expect(timestampDelta(0xffffff60, 160)).toBe(-320);
    expect(isTimestampNewer(0, 0xffffffff)).toBe(true);
    expect(isTimestampNewer(0xffffffff, 0)).toBe(false);
  });

  it('extendSequence unwraps against a reference', () => {
    expect(extendSequence(3, 65535)).toBe(65539);
    expect(extendSequence(65535, 65539)).toBe(65535);
    expect(extendSequence(10, 3 * 65536 + 5)).toBe(3 * 65536 + 10);
    expect(extendSequence(65530, 3 * 65536 + 5)).toBe(2 * 65536 + 65530);
    expect(extendSequence(65530, 5)).toBe(65530); // never negative
  });

  it('toUint32 reduces any integer', () => {
    expect(toUint32(-1)).toBe(0xffffffff);
    expect(toUint32(2 ** 32 + 7)).toBe(7);
    expect(toUint32(2 ** 40)).toBe(0);
  });
});

describe('SequenceTracker (RFC 3550 A.1)', () => {
  it('keeps a new source on probation for MIN_SEQUENTIAL packets', () => {
    const t = new SequenceTracker();
    expect(t.update(1000)).toBe(false);
    expect(t.valid).toBe(false);
    expect(t.expected).toBe(0);
    expect(t.update(1001)).toBe(true);
    expect(t.valid).toBe(true);
    expect(t.baseSequence).toBe(1001);
    expect(t.received).toBe(1);
    expect(t.expected).toBe(1);
  });

  it('restarts probation on a non-sequential packet', () => {
    const t = new SequenceTracker(3);
    expect(t.update(10)).toBe(false);
    expect(t.update(20)).toBe(false); // probation back to MIN_SEQUENTIAL − 1
    expect(t.update(21)).toBe(false);
    expect(t.update(22)).toBe(true);
    expect(t.baseSequence).toBe(22);
  });

  it('accepts a signalled source at once with minSequential 1', () => {
    const t = new SequenceTracker(1);
    expect(t.update(7)).toBe(true);
    expect(t.extendedMax).toBe(7);
    expect(t.received).toBe(1);
  });

  it('counts cycles across the 16-bit wrap', () => {
    const t = new SequenceTracker(1);
    for (const s of [65534, 65535, 0, 1]) expect(t.update(s)).toBe(true);
    expect(t.extendedMax).toBe(65536 + 1);
    expect(t.expected).toBe(4);
    expect(t.update(65535)).toBe(true); // reordered: counted, no new cycle
    expect(t.extendedMax).toBe(65537);
    expect(t.received).toBe(5);
  });

  it('ignores one large jump and resynchronises on two sequential ones', () => {
    const t = new SequenceTracker(1);
    t.update(100);
    t.update(101);
    expect(t.update(20000)).toBe(false);
    expect(t.extendedMax).toBe(101);
    expect(t.update(101 + 50)).toBe(true); // back in range
    expect(t.update(30000)).toBe(false);
    expect(t.update(30001)).toBe(true); // restart
    expect(t.baseSequence).toBe(30001);
    expect(t.received).toBe(1);
    expect(t.restarts).toBe(2);
  });

  it('treats packets less than MAX_MISORDER behind as reordered, older ones as a jump', () => {
    const t = new SequenceTracker(1);
    t.update(5000);
    expect(t.update(5000 - 99)).toBe(true);
    expect(t.update(5000 - 100)).toBe(false); // udelta = RTP_SEQ_MOD − MAX_MISORDER: a jump
  });

  it('reset forgets the source', () => {
    const t = new SequenceTracker(1);
    t.update(1);
    t.reset();
    expect(t.valid).toBe(false);
    expect(t.update(900)).toBe(true);
    expect(t.baseSequence).toBe(900);
  });
});
