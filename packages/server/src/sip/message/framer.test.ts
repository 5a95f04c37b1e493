import { describe, expect, it } from 'vitest';
import { SipStreamFramer } from './framer.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
const MSG = (n: number, body = 'é'): string =>
  `OPTIONS sip:a SIP/2.0\r\nVia: SIP/2.0/TCP a;branch=z9hG4bK${String(n)}\r\nFrom: <sip:a@a>;tag=1\r\nTo: <sip:b@b>\r\nCall-ID: c\r\nCSeq: ${String(n)} OPTIONS\r\nContent-Length: ${String(enc.encode(body).length)}\r\n\r\n${body}`;

describe('SipStreamFramer', () => {
  it('cuts messages split anywhere, two in one chunk, and counts double-CRLF pings', () => {
    const f = new SipStreamFramer();
    const stream = enc.encode(`\r\n\r\n${MSG(1)}${MSG(2)}`);
    const out = [];
    for (let i = 0; i < stream.length; i += 7) out.push(...f.push(stream.subarray(i, i + 7)));
    expect(out.map((o) => o.kind)).toEqual(['ping', 'message', 'message']);
    const texts = out.flatMap((o) => (o.kind === 'message' ? [dec.decode(o.bytes)] : []));
    expect(texts).toEqual([MSG(1), MSG(2)]);
  });

  it('gives up on a stream without Content-Length or over the size limit, then ignores it', () => {
    const f = new SipStreamFramer();
    expect(f.push(enc.encode('OPTIONS sip:a SIP/2.0\r\nVia: x\r\n\r\n'))).toEqual([{ kind: 'error', reason: 'a message on a stream transport needs Content-Length' }]);
    expect(f.push(enc.encode(MSG(3)))).toEqual([]);
    const g = new SipStreamFramer();
    expect(g.push(enc.encode('OPTIONS sip:a SIP/2.0\r\nContent-Length: 99999\r\n\r\n')).at(-1)?.kind).toBe('error');
    const h = new SipStreamFramer();
    expect(h.push(new Uint8Array(70_000).fill(0x41)).at(-1)?.kind).toBe('error');
  });
});
