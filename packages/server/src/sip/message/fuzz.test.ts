/** 5,000 seeded random and mutated inputs: the parser and framer never throw, and errors carry 400/413/505. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@denwa/testkit';
import { SipStreamFramer } from './framer.ts';
import { parseSipMessage } from './parse.ts';
import { serializeSipMessage } from './serialize.ts';

const enc = new TextEncoder();
const SEED = enc.encode('INVITE sip:+815012345678@denwa.test SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.2;branch=z9hG4bK1;rport\r\nFrom: "山田" <sip:y@c.test>;tag=1\r\nTo: <sip:+815012345678@denwa.test>\r\nCall-ID: x@y\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: 4\r\n\r\nv=0\n');

describe('SIP message fuzz', () => {
  it('never throws on random or mutated bytes', () => {
    const rnd = seededRandom(5060);
    const statuses = new Set<number>();
    let parsedOk = 0;
    for (let i = 0; i < 5000; i++) {
      let input: Uint8Array;
      if (i % 3 === 0) {
        input = new Uint8Array(Math.floor(rnd() * 400));
        for (let j = 0; j < input.length; j++) input[j] = Math.floor(rnd() * 256);
      } else {
        input = SEED.slice();
        const edits = 1 + Math.floor(rnd() * 6);
        for (let e = 0; e < edits; e++) input[Math.floor(rnd() * input.length)] = [0x0d, 0x0a, 0x3a, 0x20, 0x22, 0x3c, 0x00, 0xff, Math.floor(rnd() * 256)][Math.floor(rnd() * 9)] ?? 0;
        if (rnd() < 0.2) input = input.subarray(0, Math.floor(rnd() * input.length));
      }
      const r = parseSipMessage(input);
      if (r.ok) {
        parsedOk++;
        expect(() => serializeSipMessage(r.message)).not.toThrow();
      } else statuses.add(r.error.status);
      const framer = new SipStreamFramer();
      expect(() => framer.push(input)).not.toThrow();
    }
    expect([...statuses].every((s) => s === 400 || s === 413 || s === 505)).toBe(true);
    expect(parsedOk).toBeGreaterThan(100);
  });
});
