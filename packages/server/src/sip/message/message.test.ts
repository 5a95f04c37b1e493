import { describe, expect, it } from 'vitest';
import { SipHeaders } from './headers.ts';
import { parseSipMessage } from './parse.ts';
import { serializeSipMessage } from './serialize.ts';
import type { SipMessage, SipRequest } from './types.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

const INVITE = [
  'INVITE sip:+815012345678@denwa.test SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bK776asdhds;rport',
  'Max-Forwards: 70',
  'To: <sip:+815012345678@denwa.test>',
  'From: "山田 太郎" <sip:yamada@carrier.test>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.test',
  'CSeq: 314159 INVITE',
  'Contact: <sip:yamada@127.0.0.2:5060>',
  'Content-Type: application/sdp',
].join('\r\n');

function bytes(head: string, body = ''): Uint8Array {
  const b = enc.encode(body);
  return enc.encode(`${head}\r\nContent-Length: ${String(b.length)}\r\n\r\n${body}`);
}

function parsed(input: Uint8Array): SipMessage {
  const r = parseSipMessage(input);
  if (!r.ok) throw new Error(`parse failed: ${r.error.reason}`);
  return r.message;
}

describe('SIP parser and serializer', () => {
  it('keeps UTF-8 exact: a Japanese display name and body round-trip byte for byte, Content-Length in bytes', () => {
    const body = 'v=0\r\ns=通話\r\n';
    const input = bytes(INVITE, body);
    const m = parsed(input) as SipRequest;
    expect(m.method).toBe('INVITE');
    expect(m.headers.get('From')).toBe('"山田 太郎" <sip:yamada@carrier.test>;tag=1928301774');
    expect(dec.decode(m.body)).toBe(body);
    expect(m.body.length).toBe(enc.encode(body).length);
    const out = serializeSipMessage(m);
    expect(Buffer.from(out).equals(Buffer.from(input))).toBe(true);
  });

  it('reads compact names, folded lines, LF-only line ends, leading CRLFs and list headers', () => {
    const text = '\r\n\r\nOPTIONS sip:denwa.test SIP/2.0\nv: SIP/2.0/TCP a.test;branch=z9hG4bK1,\n SIP/2.0/UDP b.test;branch=z9hG4bK2\nf: <sip:a@a.test>;tag=1\nt: <sip:b@b.test>\ni: x1\nCSeq: 1 OPTIONS\nSupported: 100rel, timer\nl: 0\n\n';
    const m = parsed(enc.encode(text));
    expect(m.headers.getAll('Via')).toEqual(['SIP/2.0/TCP a.test;branch=z9hG4bK1', 'SIP/2.0/UDP b.test;branch=z9hG4bK2']);
    expect(m.headers.get('Call-ID')).toBe('x1');
    expect(m.headers.getAll('supported')).toEqual(['100rel', 'timer']);
    expect(dec.decode(serializeSipMessage(m))).toContain('Call-ID: x1\r\n');
  });

  it('parses responses with UTF-8 reason phrases and an empty reason', () => {
    const head = 'SIP/2.0 486 話し中\r\nVia: SIP/2.0/UDP a.test;branch=z9hG4bK1\r\nFrom: <sip:a@a>;tag=1\r\nTo: <sip:b@b>;tag=2\r\nCall-ID: c\r\nCSeq: 2 INVITE';
    const m = parsed(bytes(head));
    expect(m).toMatchObject({ kind: 'response', status: 486, reason: '話し中' });
    expect(parsed(bytes(head.replace('486 話し中', '200')))).toMatchObject({ status: 200, reason: '' });
  });

  it('answers malformed messages with 400, 413 or 505 and a reason, never throwing', () => {
    const cases: [Uint8Array, number, RegExp][] = [
      [enc.encode('INVITE sip:a SIP/2.0\r\nVia: x'), 400, /end of headers/],
      [bytes('INVITE sip:a SIP/3.0\r\nVia: x\r\nFrom: a\r\nTo: b\r\nCall-ID: c\r\nCSeq: 1 INVITE'), 505, /Version/],
      [bytes('INVITE sip:a SIP/2.0\r\nVia: x\r\nFrom: a\r\nTo: b\r\nCSeq: 1 INVITE'), 400, /missing Call-ID/],
      [bytes('INVITE sip:a SIP/2.0\r\nVia: x\r\nFrom: a\r\nTo: b\r\nCall-ID: c\r\nCSeq: 1 BYE'), 400, /CSeq method/],
      [bytes('INVITE sip:a SIP/2.0\r\nVia: x\r\nFrom: a\r\nTo: b\r\nCall-ID: c\r\nCSeq: x INVITE'), 400, /CSeq/],
      [enc.encode('INVITE sip:a SIP/2.0\r\nVia: x\r\nFrom: a\r\nTo: b\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 10\r\n\r\nabc'), 400, /shorter/],
      [enc.encode('INVITE sip:a SIP/2.0\r\nVia: x\r\nFrom: a\r\nTo: b\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: -1\r\n\r\n'), 400, /Content-Length/],
      [bytes('INVITE sip:a SIP/2.0\r\nno colon here\r\nFrom: a'), 400, /header line/],
      [bytes(' SIP/2.0\r\nVia: x'), 400, /start line/],
      [new Uint8Array(70_000), 413, /Too Large/],
      [bytes(`INVITE sip:a SIP/2.0\r\n${Array.from({ length: 300 }, (_, i) => `X-${String(i)}: v`).join('\r\n')}`), 413, /too many headers/],
    ];
    for (const [input, status, reason] of cases) {
      const r = parseSipMessage(input);
      expect(r.ok, dec.decode(input.subarray(0, 60))).toBe(false);
      if (!r.ok) {
        expect(r.error.status).toBe(status);
        expect(r.error.reason).toMatch(reason);
      }
    }
  });

  it('takes the body from Content-Length, ignoring trailing bytes of a datagram; without it, the rest', () => {
    const head = 'MESSAGE sip:a SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nFrom: <sip:a@a>;tag=1\r\nTo: <sip:b@b>\r\nCall-ID: c\r\nCSeq: 1 MESSAGE';
    expect(dec.decode(parsed(enc.encode(`${head}\r\nContent-Length: 2\r\n\r\nhi!!`)).body)).toBe('hi');
    expect(dec.decode(parsed(enc.encode(`${head}\r\n\r\nhello`)).body)).toBe('hello');
  });

  it('never lets a header value or reason inject lines when serializing', () => {
    const headers = new SipHeaders([['Via', 'SIP/2.0/UDP a;branch=z9hG4bK1'], ['Subject', 'hi\r\nEvil: yes']]);
    const out = dec.decode(serializeSipMessage({ kind: 'response', status: 200, reason: 'OK\r\nX: y', headers, body: new Uint8Array(0) }));
    expect(out).not.toMatch(/\r\nEvil:/);
    expect(out).not.toMatch(/\r\nX: y/);
    expect(out.startsWith('SIP/2.0 200 OK X: y\r\n')).toBe(true);
  });
});

describe('SipHeaders', () => {
  it('set replaces in place, prepend goes first, delete removes every field, names are case-insensitive', () => {
    const h = new SipHeaders([['via', 'v1'], ['From', 'f'], ['Via', 'v2']]);
    expect(h.entries().map(([n]) => n)).toEqual(['Via', 'From', 'Via']);
    h.prepend('Via', 'v0');
    expect(h.getAll('VIA')).toEqual(['v0', 'v1', 'v2']);
    h.set('from', 'g');
    expect(h.get('f')).toBe('g');
    h.delete('v');
    expect(h.has('Via')).toBe(false);
    expect(h.clone().entries()).toEqual([['From', 'g']]);
  });

  it('splits lists outside quotes and angle brackets; auth headers are never split', () => {
    const h = new SipHeaders([['Contact', '"A, B" <sip:a@a;x=1,2>, <sip:b@b>'], ['WWW-Authenticate', 'Digest realm="r", nonce="n"']]);
    expect(h.getAll('Contact')).toEqual(['"A, B" <sip:a@a;x=1,2>', '<sip:b@b>']);
    expect(h.getAll('WWW-Authenticate')).toEqual(['Digest realm="r", nonce="n"']);
  });
});
