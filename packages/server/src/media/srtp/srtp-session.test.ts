/**
 * SrtpSession against published vectors (RFC 3711 B.2 through the packet path, RFC 7714 §16–17) and
 * against the naive per-packet `createCipheriv` + `createHmac` reference over random streams that
 * wrap their sequence numbers, arrive out of order and start at random ROCs.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SrtpSessionKeys } from './key-derivation.ts';
import {
  naiveProtectRtcpCm,
  naiveProtectRtcpGcm,
  naiveProtectRtpCm,
  naiveProtectRtpGcm,
  naiveUnprotectRtpCm,
  naiveUnprotectRtpGcm,
} from './naive-reference.test-helper.ts';
import { SrtpSession, type SrtpSessionOptions } from './srtp-session.ts';
import { SRTP_SUITES, type SrtpSuite } from './srtp-suite.ts';
import { naiveKeysFor, rtcpReceiverReport, rtpPacket, testMaster, withRoom } from './test-packets.test-helper.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');

/** RFC 7714 §16–17 use the key and salt directly as session keys. */
function rfc7714Keys(): SrtpSessionKeys {
  const key = hex('000102030405060708090a0b0c0d0e0f');
  const salt = hex('517569642070726f2071756f');
  return { rtpEncryptionKey: key, rtpSalt: salt, rtpAuthKey: Buffer.alloc(0), rtcpEncryptionKey: key, rtcpSalt: salt, rtcpAuthKey: Buffer.alloc(0) };
}

const RFC7714_RTP = hex(`8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976
                         69736120 696e2070 61727465 73207472 6573`);
const RFC7714_SRTP = hex(`8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5
                          0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439 0cce`);
const RFC7714_RTCP = hex(`81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
                          deadbeef deadbeef deadbeef deadbeef deadbeef`);
const RFC7714_SRTCP = hex(`81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d
                           c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872
                           45d9eade 800005d4`);

describe.each(['js', 'native'] as const)('RFC 7714 AEAD_AES_128_GCM vectors (%s GCM)', (gcm) => {
  it('§16.1: protects and unprotects the RTP packet', () => {
    const tx = new SrtpSession('AEAD_AES_128_GCM', rfc7714Keys(), { gcm });
    const buf = withRoom(RFC7714_RTP);
    expect(tx.protectRtp(buf, RFC7714_RTP.length)).toBe(RFC7714_SRTP.length);
    expect(buf.subarray(0, RFC7714_SRTP.length).toString('hex')).toBe(RFC7714_SRTP.toString('hex'));
    const rx = new SrtpSession('AEAD_AES_128_GCM', rfc7714Keys(), { gcm });
    expect(rx.unprotectRtp(buf, RFC7714_SRTP.length)).toBe(RFC7714_RTP.length);
    expect(buf.subarray(0, RFC7714_RTP.length)).toEqual(RFC7714_RTP);
  });

  it('§17.1: protects the RTCP packet with SRTCP index 0x5d4 and unprotects it', () => {
    const tx = new SrtpSession('AEAD_AES_128_GCM', rfc7714Keys(), { gcm });
    for (let i = 0; i < 0x5d4; i++) tx.protectRtcp(withRoom(RFC7714_RTCP), RFC7714_RTCP.length);
    const buf = withRoom(RFC7714_RTCP);
    expect(tx.protectRtcp(buf, RFC7714_RTCP.length)).toBe(RFC7714_SRTCP.length);
    expect(buf.subarray(0, RFC7714_SRTCP.length).toString('hex')).toBe(RFC7714_SRTCP.toString('hex'));
    const rx = new SrtpSession('AEAD_AES_128_GCM', rfc7714Keys(), { gcm });
    expect(rx.unprotectRtcp(buf, RFC7714_SRTCP.length)).toBe(RFC7714_RTCP.length);
    expect(buf.subarray(0, RFC7714_RTCP.length)).toEqual(RFC7714_RTCP);
  });
});

describe('RFC 3711 Appendix B.2 through protectRtp', () => {
  it('encrypts a zero payload of SSRC 0, index 0 into the B.2 keystream', () => {
    const keys: SrtpSessionKeys = {
      rtpEncryptionKey: hex('2B7E151628AED2A6ABF7158809CF4F3C'),
      rtpSalt: hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD'),
      rtpAuthKey: Buffer.alloc(20),
      rtcpEncryptionKey: Buffer.alloc(16),
      rtcpSalt: Buffer.alloc(14),
      rtcpAuthKey: Buffer.alloc(20),
    };
    const session = new SrtpSession('AES_CM_128_HMAC_SHA1_80', keys);
    const buf = withRoom(rtpPacket({ ssrc: 0, seq: 0, timestamp: 0, payload: Buffer.alloc(48) }));
    expect(session.protectRtp(buf, 60)).toBe(70);
    expect(buf.subarray(12, 60).toString('hex').toUpperCase()).toBe(
      'E03EAD0935C95E80E166B16DD92B4EB4D23513162B02D0F72A43A2FE4A5F97AB41E95B3BB0A2E8DD477901E4FCA894C0',
    );
  });
});

interface Variant {
  readonly suite: SrtpSuite;
  readonly options: SrtpSessionOptions;
}

const VARIANTS: Variant[] = [
  { suite: 'AES_CM_128_HMAC_SHA1_80', options: {} },
  { suite: 'AES_CM_128_HMAC_SHA1_80', options: { keystreamCache: false } },
  { suite: 'AES_CM_128_HMAC_SHA1_32', options: {} },
  { suite: 'AEAD_AES_128_GCM', options: {} },
  { suite: 'AEAD_AES_128_GCM', options: { gcm: 'native' } },
  { suite: 'AEAD_AES_256_GCM', options: {} },
];

/** Sequence numbers 0..n-1 from `start`, with neighbours swapped every few packets (reordering). */
function reorderedRun(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = seed % 3; i + 1 < n; i += 3 + ((i * 7 + seed) % 4)) {
    const a = order[i] ?? 0;
    order[i] = order[i + 1] ?? 0;
    order[i + 1] = a;
  }
  return order;
}

function naiveProtectRtp(suite: SrtpSuite, keys: ReturnType<typeof naiveKeysFor>, rtp: Buffer, roc: number): Buffer {
  const p = SRTP_SUITES[suite];
  return p.transform === 'aead-aes-gcm' ? naiveProtectRtpGcm(keys.rtp, rtp, roc) : naiveProtectRtpCm(keys.rtp, rtp, roc, p.rtpTagLength);
}

describe.each(VARIANTS)('$suite $options against the naive reference', ({ suite, options }) => {
  const master = testMaster(suite, 7);
  const naive = naiveKeysFor(suite, master);

  it('matches byte for byte over random streams that wrap, reorder and start at random ROCs', () => {
    for (let stream = 0; stream < 6; stream++) {
      const tx = new SrtpSession(suite, master, options);
      const rx = new SrtpSession(suite, master, options);
      const ssrc = randomBytes(4).readUInt32BE();
      const roc0 = stream === 0 ? 0 : randomBytes(4).readUInt32BE() >>> (stream * 5);
      const firstIndex = roc0 * 0x10000 + (stream < 3 ? 0xffff - 100 : randomBytes(2).readUInt16BE());
      tx.setRolloverCounter('protect', ssrc, Math.floor(firstIndex / 0x10000));
      rx.setRolloverCounter('unprotect', ssrc, Math.floor(firstIndex / 0x10000));
      for (const offset of reorderedRun(260, stream)) {
        const index = firstIndex + offset;
        const roc = Math.floor(index / 0x10000);
        const rtp = rtpPacket({
          ssrc,
          seq: index & 0xffff,
          payloadType: 111,
          csrcs: offset % 5 === 0 ? [1, 2] : [],
          ...(offset % 7 === 0 ? { extension: { profile: 0xbede, data: hex('10ff2233') } } : {}),
          payload: randomBytes(offset % 11 === 0 ? 0 : 20 + ((offset * 37) % 200)),
        });
        const expected = naiveProtectRtp(suite, naive, rtp, roc);
        const buf = withRoom(rtp);
        expect(tx.protectRtp(buf, rtp.length)).toBe(expected.length);
        expect(buf.subarray(0, expected.length).toString('hex')).toBe(expected.toString('hex'));
        expect(rx.unprotectRtp(buf, expected.length)).toBe(rtp.length);
        expect(buf.subarray(0, rtp.length).toString('hex')).toBe(rtp.toString('hex'));
      }
      const last = firstIndex + 259;
      expect(tx.rolloverCounter('protect', ssrc)).toBe(Math.floor(last / 0x10000));
      expect(rx.rolloverCounter('unprotect', ssrc)).toBe(Math.floor(last / 0x10000));
    }
  });

  it('unprotects what the naive reference protects, with the ROC estimated across a wrap', () => {
    const rx = new SrtpSession(suite, master, options);
    const ssrc = 0xcafebabe;
    const p = SRTP_SUITES[suite];
    for (const offset of reorderedRun(120, 1)) {
      const index = 0xffc0 + offset;
      const rtp = rtpPacket({ ssrc, seq: index & 0xffff, payload: randomBytes(160) });
      const srtp = naiveProtectRtp(suite, naive, rtp, Math.floor(index / 0x10000));
      const buf = withRoom(srtp);
      expect(rx.unprotectRtp(buf, srtp.length)).toBe(rtp.length);
      expect(buf.subarray(0, rtp.length)).toEqual(rtp);
      // And our protect output is accepted by the reference.
      const tx = new SrtpSession(suite, master, options);
      tx.setRolloverCounter('protect', ssrc, Math.floor(index / 0x10000));
      const out = withRoom(rtp);
      const n = tx.protectRtp(out, rtp.length);
      expect(n).toBe(rtp.length + p.rtpTagLength);
      const back =
        p.transform === 'aead-aes-gcm'
          ? naiveUnprotectRtpGcm(naive.rtp, out.subarray(0, rtp.length + 16), Math.floor(index / 0x10000))
          : naiveUnprotectRtpCm(naive.rtp, out.subarray(0, rtp.length + p.rtpTagLength), Math.floor(index / 0x10000), p.rtpTagLength);
      expect(back).toEqual(rtp);
    }
  });

  it.each([true, false])('matches the reference for SRTCP (encrypt %s)', (encryptRtcp) => {
    const tx = new SrtpSession(suite, master, { ...options, encryptRtcp });
    const rx = new SrtpSession(suite, master, options);
    const p = SRTP_SUITES[suite];
    for (let index = 0; index < 40; index++) {
      const rtcp = Buffer.concat([rtcpReceiverReport(0x1234 + (index % 2)), randomBytes(index % 3 === 0 ? 0 : 4 * index)]);
      const srtcpIndex = index >> 1; // two senders, one index counter each
      const expected =
        p.transform === 'aead-aes-gcm'
          ? naiveProtectRtcpGcm(naive.rtcp, rtcp, srtcpIndex, encryptRtcp)
          : naiveProtectRtcpCm(naive.rtcp, rtcp, srtcpIndex, encryptRtcp);
      const buf = withRoom(rtcp);
      expect(tx.protectRtcp(buf, rtcp.length)).toBe(expected.length);
      expect(buf.subarray(0, expected.length).toString('hex')).toBe(expected.toString('hex'));
      expect(rx.unprotectRtcp(buf, expected.length)).toBe(rtcp.length);
      expect(buf.subarray(0, rtcp.length)).toEqual(rtcp);
    }
  });
});
