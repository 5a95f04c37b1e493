import { describe, expect, it } from 'vitest';
import { formatNameAddr, formatSipUri, formatVia, parseCSeq, parseNameAddr, parseSipUri, parseVia, quote, unquote } from './values.ts';

describe('SIP URIs', () => {
  it('reads user, password, host, port, parameters and headers, and writes them back', () => {
    const uri = parseSipUri('sip:alice:secret@Carrier.Example:5061;transport=tcp;lr?subject=hi');
    expect(uri).toMatchObject({ scheme: 'sip', user: 'alice', password: 'secret', host: 'carrier.example', port: 5061 });
    expect([...(uri?.params ?? [])]).toEqual([['transport', 'tcp'], ['lr', null]]);
    expect(uri?.headers.get('subject')).toBe('hi');
    if (uri === null) throw new Error('no uri');
    expect(formatSipUri(uri)).toBe('sip:alice:secret@carrier.example:5061;transport=tcp;lr?subject=hi');
  });

  it('reads IPv6 hosts, sips and tel URIs; refuses what is not a URI', () => {
    expect(parseSipUri('sips:+815012345678@[2001:db8::1]:5061')).toMatchObject({ scheme: 'sips', user: '+815012345678', host: '2001:db8::1', port: 5061 });
    const tel = parseSipUri('tel:+81-50-1234-5678;phone-context=+81');
    expect(tel).toMatchObject({ scheme: 'tel', user: '+81-50-1234-5678', host: '' });
    if (tel !== null) expect(formatSipUri(tel)).toBe('tel:+81-50-1234-5678;phone-context=+81');
    for (const bad of ['', 'http://a', 'sip:', 'sip:@host', 'sip:a@host:99999', 'sip:a@ho st', 'tel:']) expect(parseSipUri(bad), bad).toBeNull();
  });
});

describe('name-addr, Via, CSeq', () => {
  it('reads display names with escapes and commas, and tags; a bare addr-spec gives its params to the header', () => {
    const a = parseNameAddr('"Yamada \\"Taro\\", Sales" <sip:yamada@carrier.test;user=phone>;tag=abc;x');
    expect(a).toEqual({ displayName: 'Yamada "Taro", Sales', uri: 'sip:yamada@carrier.test;user=phone', params: new Map([['tag', 'abc'], ['x', null]]) });
    if (a !== null) expect(parseNameAddr(formatNameAddr(a))).toEqual(a);
    expect(parseNameAddr('sip:bob@b.test;tag=9')).toEqual({ displayName: null, uri: 'sip:bob@b.test', params: new Map([['tag', '9']]) });
    expect(parseNameAddr('Bob <sip:bob@b.test>')?.displayName).toBe('Bob');
    expect(parseNameAddr('<sip:broken')).toBeNull();
    expect(parseNameAddr('')).toBeNull();
  });

  it('reads Via with branch, rport and received, and writes it', () => {
    const v = parseVia('SIP/2.0/udp 127.0.0.2:5080;branch=z9hG4bK776;rport;received=10.0.0.1');
    expect(v).toMatchObject({ transport: 'UDP', host: '127.0.0.2', port: 5080, branch: 'z9hG4bK776' });
    expect(v?.params.get('rport')).toBeNull();
    if (v !== null) expect(formatVia(v)).toBe('SIP/2.0/UDP 127.0.0.2:5080;branch=z9hG4bK776;rport;received=10.0.0.1');
    expect(parseVia('SIP/2.0/TCP [::1]:5060;branch=z9hG4bKx')?.host).toBe('::1');
    expect(parseVia('HTTP/1.1 a')).toBeNull();
  });

  it('reads CSeq, refusing numbers past 2^31 − 1', () => {
    expect(parseCSeq('101 INVITE')).toEqual({ seq: 101, method: 'INVITE' });
    expect(parseCSeq('2147483648 INVITE')).toBeNull();
    expect(parseCSeq('INVITE')).toBeNull();
  });

  it('quotes and unquotes', () => {
    expect(quote('a "b" \\c')).toBe('"a \\"b\\" \\\\c"');
    expect(unquote(quote('a "b" \\c'))).toBe('a "b" \\c');
    expect(unquote('plain')).toBe('plain');
  });
});
