import { X509Certificate, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certificateFingerprint, createDtlsCertificate, fingerprintMatches, parseFingerprint } from './certificate.ts';
import { splitSrtpKeyingMaterial, srtpKeyingMaterialLength } from './srtp-profiles.ts';

describe('createDtlsCertificate', () => {
  it('makes a self-signed ECDSA P-256 certificate whose SHA-256 fingerprint is in SDP form', async () => {
    const now = Date.UTC(2026, 5, 1);
    const c = await createDtlsCertificate({ now });
    const x = new X509Certificate(c.certDer);
    expect(x.publicKey.asymmetricKeyType).toBe('ec');
    expect(x.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(x.subject).toBe('CN=WebRTC');
    expect(x.verify(x.publicKey)).toBe(true);
    expect(new Date(x.validFrom).getTime()).toBeLessThan(now);
    expect(c.fingerprint).toBe(`sha-256 ${x.fingerprint256}`);
    expect(c.fingerprint).toMatch(/^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const data = Buffer.from('params');
    expect(verify('sha256', data, x.publicKey, sign('sha256', data, c.privateKey))).toBe(true);
  });
});

describe('fingerprints (RFC 8122 §5)', () => {
  const der = Buffer.from('not really DER, but hashed all the same');

  it('parses and matches any case and the SHA family', () => {
    const fp = certificateFingerprint(der);
    expect(fingerprintMatches(der, parseFingerprint(fp)!)).toBe(true);
    expect(fingerprintMatches(der, parseFingerprint(fp.toLowerCase().replace('sha-256', 'SHA-256'))!)).toBe(true);
    expect(fingerprintMatches(der, parseFingerprint(certificateFingerprint(der, 'sha-1'))!)).toBe(true);
    expect(fingerprintMatches(der, parseFingerprint(certificateFingerprint(der, 'sha-512'))!)).toBe(true);
    expect(fingerprintMatches(Buffer.from('other'), parseFingerprint(fp)!)).toBe(false);
  });

  it('refuses unknown hash functions and malformed hex', () => {
    expect(parseFingerprint('md5 AB:CD')).toBeUndefined();
    expect(parseFingerprint('sha-256 ABCD')).toBeUndefined();
    expect(parseFingerprint('sha-256')).toBeUndefined();
    expect(parseFingerprint('sha-256 AB:C')).toBeUndefined();
    expect(parseFingerprint(' sha-256 ab:cd ')).toEqual({ hashFunction: 'sha-256', digest: Buffer.from([0xab, 0xcd]) });
    expect(() => certificateFingerprint(der, 'md5')).toThrow(RangeError);
  });
});

describe('SRTP keying material layout (RFC 5764 §4.2)', () => {
  it('splits client key, server key, client salt, server salt', () => {
    expect(srtpKeyingMaterialLength('SRTP_AES128_CM_HMAC_SHA1_80')).toBe(60);
    expect(srtpKeyingMaterialLength('SRTP_AEAD_AES_128_GCM')).toBe(56);
    expect(srtpKeyingMaterialLength('SRTP_AEAD_AES_256_GCM')).toBe(88);
    const km = Buffer.from(Array.from({ length: 60 }, (_, i) => i));
    const keys = splitSrtpKeyingMaterial('SRTP_AES128_CM_HMAC_SHA1_80', km);
    expect([...keys.client.key]).toEqual([...Array(16).keys()]);
    expect([...keys.server.key]).toEqual([...Array(16).keys()].map((i) => i + 16));
    expect([...keys.client.salt]).toEqual([...Array(14).keys()].map((i) => i + 32));
    expect([...keys.server.salt]).toEqual([...Array(14).keys()].map((i) => i + 46));
    expect(() => splitSrtpKeyingMaterial('SRTP_AEAD_AES_128_GCM', km)).toThrow(RangeError);
  });
});
