import { describe, expect, it } from 'vitest';
import { aesCmPrf, deriveSrtpSessionKeys } from './key-derivation.ts';
import { srtpMasterSecretsFromDtls, srtpSessionsFromDtls } from './dtls-srtp-keys.ts';
import { naiveSessionKeys } from './naive-reference.test-helper.ts';
import { SRTP_SUITES, srtpSuiteForProtectionProfile, type SrtpSuite } from './srtp-suite.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s/g, ''), 'hex');

/** RFC 3711 Appendix B.3. */
const B3 = {
  masterKey: hex('E1F97A0D3E018BE0D64FA32C06DE4139'),
  masterSalt: hex('0EC675AD498AFEEBB6960B3AABE6'),
  cipherKey: hex('C61E7A93744F39EE10734AFE3FF7A087'),
  cipherSalt: hex('30CBBC08863D8C85D49DB34A9AE1'),
  authKey: hex(`CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE
                E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25
                6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2`),
};

describe('key derivation (RFC 3711 §4.3, Appendix B.3)', () => {
  it('derives the B.3 session encryption key, salt and authentication key', () => {
    const keys = deriveSrtpSessionKeys('AES_CM_128_HMAC_SHA1_80', { key: B3.masterKey, salt: B3.masterSalt });
    expect(keys.rtpEncryptionKey.toString('hex')).toBe(B3.cipherKey.toString('hex'));
    expect(keys.rtpSalt.toString('hex')).toBe(B3.cipherSalt.toString('hex'));
    expect(keys.rtpAuthKey.toString('hex')).toBe(B3.authKey.subarray(0, 20).toString('hex'));
  });

  it('reproduces all 94 octets of the B.3 authentication keystream (six counter blocks)', () => {
    expect(aesCmPrf(B3.masterKey, B3.masterSalt, 0x01, 94).toString('hex')).toBe(B3.authKey.toString('hex'));
  });

  it('derives SRTCP keys with labels 3–5, as the reference does', () => {
    const keys = deriveSrtpSessionKeys('AES_CM_128_HMAC_SHA1_32', { key: B3.masterKey, salt: B3.masterSalt });
    const ref = naiveSessionKeys(B3.masterKey, B3.masterSalt, true, false);
    expect(keys.rtcpEncryptionKey).toEqual(ref.encryptionKey);
    expect(keys.rtcpAuthKey).toEqual(ref.authKey);
    expect(keys.rtcpSalt).toEqual(ref.salt);
    expect(keys.rtcpEncryptionKey).not.toEqual(keys.rtpEncryptionKey);
  });

  it('pads a 96-bit GCM master salt on the right and derives 96-bit session salts (RFC 7714 §11)', () => {
    const key = hex('000102030405060708090a0b0c0d0e0f');
    const salt = hex('404142434445464748494a4b');
    const keys = deriveSrtpSessionKeys('AEAD_AES_128_GCM', { key, salt });
    expect(keys.rtpSalt).toHaveLength(12);
    expect(keys.rtpAuthKey).toHaveLength(0);
    expect(keys.rtpSalt).toEqual(naiveSessionKeys(key, salt, false, true).salt);
    expect(keys.rtcpEncryptionKey).toEqual(naiveSessionKeys(key, salt, true, true).encryptionKey);
    // The same 14-byte PRF input as AES-CM with two zero octets appended to the salt.
    expect(keys.rtpEncryptionKey).toEqual(aesCmPrf(key, Buffer.concat([salt, Buffer.alloc(2)]), 0, 16));
  });

  it('uses AES-256 as the PRF for 256-bit master keys', () => {
    const key = Buffer.alloc(32, 7);
    const salt = Buffer.alloc(12, 9);
    const keys = deriveSrtpSessionKeys('AEAD_AES_256_GCM', { key, salt });
    expect(keys.rtpEncryptionKey).toHaveLength(32);
    expect(keys.rtpEncryptionKey).toEqual(naiveSessionKeys(key, salt, false, true).encryptionKey);
  });

  it('throws RangeError for master keys that do not fit the suite', () => {
    expect(() => deriveSrtpSessionKeys('AES_CM_128_HMAC_SHA1_80', { key: Buffer.alloc(16), salt: Buffer.alloc(12) })).toThrow(RangeError);
    expect(() => deriveSrtpSessionKeys('AEAD_AES_128_GCM', { key: Buffer.alloc(32), salt: Buffer.alloc(12) })).toThrow(RangeError);
    expect(() => aesCmPrf(Buffer.alloc(24), Buffer.alloc(14), 0, 16)).toThrow(RangeError);
    expect(() => aesCmPrf(Buffer.alloc(16), Buffer.alloc(15), 0, 16)).toThrow(RangeError);
  });
});

describe('DTLS-SRTP keying material (RFC 5764 §4.2)', () => {
  const suites: SrtpSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'];

  it.each(suites)('%s: client key ‖ server key ‖ client salt ‖ server salt, by role', (suite) => {
    const { keyLength: k, saltLength: s } = SRTP_SUITES[suite];
    const material = Buffer.from(Array.from({ length: 2 * (k + s) }, (_, i) => i));
    const server = srtpMasterSecretsFromDtls(suite, material, 'server');
    const client = srtpMasterSecretsFromDtls(suite, material, 'client');
    expect(Buffer.from(client.local.key)).toEqual(material.subarray(0, k));
    expect(Buffer.from(client.local.salt)).toEqual(material.subarray(2 * k, 2 * k + s));
    expect(Buffer.from(server.local.key)).toEqual(material.subarray(k, 2 * k));
    expect(Buffer.from(server.local.salt)).toEqual(material.subarray(2 * k + s));
    expect(server.remote).toEqual(client.local);
    expect(client.remote).toEqual(server.local);
  });

  it('throws RangeError for material of the wrong length', () => {
    expect(() => srtpMasterSecretsFromDtls('AES_CM_128_HMAC_SHA1_80', Buffer.alloc(59), 'server')).toThrow(RangeError);
  });

  it('builds sessions that talk to the peer holding the other role', () => {
    const material = Buffer.from(Array.from({ length: 60 }, (_, i) => i * 7));
    const us = srtpSessionsFromDtls('AES_CM_128_HMAC_SHA1_80', material, 'server');
    const peer = srtpSessionsFromDtls('AES_CM_128_HMAC_SHA1_80', material, 'client');
    const packet = Buffer.alloc(64);
    packet.set([0x80, 0, 0, 1, 0, 0, 0, 160, 1, 2, 3, 4]);
    const n = us.protect.protectRtp(packet, 40);
    expect(n).toBe(50);
    expect(peer.unprotect.unprotectRtp(packet, 50)).toBe(40);
    expect(us.unprotect.suite).toBe('AES_CM_128_HMAC_SHA1_80');
  });

  it('maps DTLS protection profiles to suites by name and wire id', () => {
    expect(srtpSuiteForProtectionProfile('SRTP_AES128_CM_HMAC_SHA1_80')).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(srtpSuiteForProtectionProfile(0x0002)).toBe('AES_CM_128_HMAC_SHA1_32');
    expect(srtpSuiteForProtectionProfile('SRTP_AEAD_AES_128_GCM')).toBe('AEAD_AES_128_GCM');
    expect(srtpSuiteForProtectionProfile(0x0008)).toBe('AEAD_AES_256_GCM');
    expect(srtpSuiteForProtectionProfile('SRTP_NULL_HMAC_SHA1_80')).toBeUndefined();
  });
});
