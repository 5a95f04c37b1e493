/** SDES (RFC 4568) a=crypto lines on SIP legs: reading, choosing, answering, and Denwa's own lines. */
import { VoiceError } from '@denwa/protocol';
import { describe, expect, it } from 'vitest';
import {
  answerPlainRtp,
  answerSdes,
  cryptoAttribute,
  parseCryptoAttribute,
  parsePlainRtp,
  readPlainRtpAnswer,
  readSdesAnswer,
  sdpRefusalReason,
  writePlainRtp,
  type PlainRtpDescription,
  type SdesLine,
} from './index.ts';

const KEY30 = Buffer.from(Array.from({ length: 30 }, (_, i) => i + 1)).toString('base64');
const KEY28 = Buffer.from(Array.from({ length: 28 }, (_, i) => 100 + i)).toString('base64');

const offer = (protocol: string, crypto: readonly string[]): string =>
  `${['v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0', `m=audio 40002 ${protocol} 0 101`, 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', ...crypto.map((c) => `a=crypto:${c}`), 'a=sendrecv'].join('\r\n')}\r\n`;

function parsed(text: string): PlainRtpDescription {
  const d = parsePlainRtp(text);
  if (d instanceof VoiceError) throw d;
  return d;
}

describe('parseCryptoAttribute', () => {
  it('reads the suites Denwa supports, with or without lifetime and MKI', () => {
    const l80 = parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}`);
    expect(l80).toEqual({ ok: true, key: { tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', keySalt: Uint8Array.from(Buffer.from(KEY30, 'base64')), mkiLength: 0 } });
    const l32 = parseCryptoAttribute(`2 AES_CM_128_HMAC_SHA1_32 inline:${KEY30}|2^31|1:4`);
    expect(l32.ok && l32.key.suite === 'AES_CM_128_HMAC_SHA1_32' && l32.key.mkiLength === 4).toBe(true);
    expect(parseCryptoAttribute(`3 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}|1048576 WSH=64`).ok).toBe(true);
    const gcm = parseCryptoAttribute(`4 AEAD_AES_128_GCM inline:${KEY28}`);
    expect(gcm.ok && gcm.key.keySalt.length === 28).toBe(true);
  });

  it.each([
    ['an unknown suite', `1 F8_128_HMAC_SHA1_80 inline:${KEY30}`, /not supported/],
    ['a short key', '1 AES_CM_128_HMAC_SHA1_80 inline:AAAA', /30 base64 bytes/],
    ['a key that is not base64', `1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30.slice(0, 38)}!!`, /30 base64 bytes/],
    ['two keys', `1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}|2^20|1:4;inline:${KEY30}|2^20|2:4`, /several keys/],
    ['session parameters', `1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30} UNENCRYPTED_SRTP`, /session parameters/],
    ['a key method other than inline', '1 AES_CM_128_HMAC_SHA1_80 uri:https://example.com/key', /no inline key/],
    ['a long MKI', `1 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}|2^31|1:8`, /MKI/],
    ['no tag', `x AES_CM_128_HMAC_SHA1_80 inline:${KEY30}`, /no tag/],
  ])('marks %s unusable', (_name, value, reason) => {
    const line = parseCryptoAttribute(value);
    expect(line.ok).toBe(false);
    expect(line.ok ? '' : line.reason).toMatch(reason);
  });
});

describe('answerSdes and readSdesAnswer', () => {
  const good = parseCryptoAttribute(`5 AES_CM_128_HMAC_SHA1_32 inline:${KEY30}`);
  const bad = parseCryptoAttribute(`1 AES_192_CM_HMAC_SHA1_80 inline:${KEY30}`);

  it('picks the first usable line of an SRTP offer unless SRTP is off', () => {
    expect(answerSdes('RTP/SAVP', [bad, good], 'optional')).toEqual(good.ok ? good.key : null);
    expect(answerSdes('RTP/AVP', [good], 'optional')).toEqual(good.ok ? good.key : null); // best-effort SDES
    expect(answerSdes('RTP/AVP', [good], 'off')).toBeNull();
    expect(answerSdes('RTP/AVP', [], 'optional')).toBeNull();
    expect(answerSdes('RTP/SAVP', [good], 'off')).toBeInstanceOf(VoiceError);
  });

  it('refuses SRTP offers with only unsupported suites, and plain offers when SRTP is required', () => {
    const refused = answerSdes('RTP/SAVP', [bad], 'optional');
    expect(sdpRefusalReason(refused)).toBe('bad-protocol');
    expect((refused as VoiceError).message).toMatch(/no supported a=crypto suite \(offered: AES_192_CM_HMAC_SHA1_80 \(suite AES_192_CM_HMAC_SHA1_80 is not supported\)/);
    expect((answerSdes('RTP/SAVP', [], 'optional') as VoiceError).message).toMatch(/no a=crypto line/);
    expect(answerSdes('RTP/AVP', [], 'required')).toBeInstanceOf(VoiceError);
  });

  it('reads the answer to Denwa\'s offer: the tag must be one Denwa offered, with its suite', () => {
    const offered = new Map([[1, 'AES_CM_128_HMAC_SHA1_80' as const], [2, 'AES_CM_128_HMAC_SHA1_32' as const]]);
    const answer = (tag: number, suite: string): SdesLine[] => [parseCryptoAttribute(`${String(tag)} ${suite} inline:${KEY30}`)];
    expect(readSdesAnswer('RTP/SAVP', answer(2, 'AES_CM_128_HMAC_SHA1_32'), offered, 'required')).toMatchObject({ tag: 2, suite: 'AES_CM_128_HMAC_SHA1_32' });
    expect(readSdesAnswer('RTP/SAVP', answer(2, 'AES_CM_128_HMAC_SHA1_80'), offered, 'required')).toBeInstanceOf(VoiceError);
    expect(readSdesAnswer('RTP/SAVP', answer(3, 'AES_CM_128_HMAC_SHA1_80'), offered, 'required')).toBeInstanceOf(VoiceError);
    expect(readSdesAnswer('RTP/AVP', [], offered, 'optional')).toBeNull();
    expect(readSdesAnswer('RTP/AVP', [], offered, 'required')).toBeInstanceOf(VoiceError);
    expect(readSdesAnswer('RTP/SAVP', [], new Map(), 'off')).toBeInstanceOf(VoiceError);
    expect(readSdesAnswer('RTP/AVP', answer(1, 'AES_CM_128_HMAC_SHA1_80'), new Map(), 'off')).toBeNull();
  });
});

describe('SDES in SIP offers and answers', () => {
  it('answers a SAVP offer with RTP/SAVP and Denwa\'s a=crypto under the chosen tag', () => {
    const o = parsed(offer('RTP/SAVP', [`1 AES_192_CM_HMAC_SHA1_80 inline:${KEY30}`, `7 AES_CM_128_HMAC_SHA1_80 inline:${KEY30}`]));
    expect(o.crypto).toHaveLength(2);
    const m = answerPlainRtp(o, ['PCMU'], undefined, 'optional');
    if (m instanceof VoiceError) throw m;
    expect(m.srtp?.tag).toBe(7);
    const mine = cryptoAttribute(7, 'AES_CM_128_HMAC_SHA1_80', new Uint8Array(30).fill(9));
    const text = writePlainRtp({ sessionId: '1', sessionVersion: 1, address: '203.0.113.5', port: 12000, rtcpPort: 12001, crypto: [mine] }, m.localCodecs, m.direction, o);
    expect(text).toMatch(/^m=audio 12000 RTP\/SAVP 0 101\r$/m);
    expect(text).toContain(`a=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:${Buffer.alloc(30, 9).toString('base64')}\r\n`);
  });

  it('writes Denwa\'s offer as RTP/SAVP or RTP/AVP with a=crypto, and reads the carrier\'s answer', () => {
    const crypto = [cryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80', new Uint8Array(30)), cryptoAttribute(2, 'AES_CM_128_HMAC_SHA1_32', new Uint8Array(30))];
    const codecs = [{ pt: 0, name: 'PCMU' as const, clockRate: 8000, channels: 1 }];
    const text = writePlainRtp({ sessionId: '1', sessionVersion: 1, address: '203.0.113.5', port: 12000, rtcpPort: 12001, crypto, protocol: 'RTP/SAVP' }, codecs, 'sendrecv');
    expect(text).toMatch(/^m=audio 12000 RTP\/SAVP 0\r$/m);
    expect(text.match(/^a=crypto:/gm)).toHaveLength(2);
    expect(() => writePlainRtp({ sessionId: '1', sessionVersion: 1, address: '203.0.113.5', port: 12000, rtcpPort: null, crypto: ['1 X inline:a\r\na=evil'] }, codecs, 'sendrecv')).toThrow(TypeError);
    const answered = readPlainRtpAnswer(offer('RTP/SAVP', [`2 AES_CM_128_HMAC_SHA1_32 inline:${KEY30}`]), codecs, { offered: new Map([[2, 'AES_CM_128_HMAC_SHA1_32']]), policy: 'required' });
    if (answered instanceof VoiceError) throw answered;
    expect(answered.srtp?.suite).toBe('AES_CM_128_HMAC_SHA1_32');
    expect(readPlainRtpAnswer(offer('RTP/SAVP', []), codecs)).toBeInstanceOf(VoiceError);
  });
});
