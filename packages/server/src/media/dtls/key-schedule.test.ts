import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CIPHER_SUITES } from './constants.ts';
import {
  exportKeyingMaterial,
  extendedMasterSecret,
  finishedVerifyData,
  masterSecret,
  prf,
  trafficKeys,
  transcriptHash,
} from './key-schedule.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/[\s:]/g, ''), 'hex');

/**
 * The TLS 1.2 PRF test vector circulated on the IETF TLS list (secret, seed, label "test label"),
 * re-checked with OpenSSL: `openssl kdf -keylen 100 -kdfopt digest:SHA256 -kdfopt hexsecret:… -kdfopt
 * hexseed:<"test label" + seed> TLS1-PRF`.
 */
const SHA256_VECTOR = {
  secret: hex('9bbe436ba940f017b17652849a71db35'),
  seed: hex('a0ba9f936cda311827a6f796ffd5198c'),
  output: hex(`E3:F2:29:BA:72:7B:E1:7B:8D:12:26:20:55:7C:D4:53:C2:AA:B2:1D:07:C3:D4:95:32:9B:52:D4:E6:1E:DB:5A:6B:30:17:91:
    E9:0D:35:C9:C9:A4:6B:4E:14:BA:F9:AF:0F:A0:22:F7:07:7D:EF:17:AB:FD:37:97:C0:56:4B:AB:4F:BC:91:66:6E:9D:EF:9B:97:FC:E3:4F:
    79:67:89:BA:A4:80:82:D1:22:EE:42:C5:A7:2E:5A:51:10:FF:F7:01:87:34:7B:66`),
};

/** Same vector family with SHA-384, output from `openssl kdf -keylen 48 -kdfopt digest:SHA384 … TLS1-PRF`. */
const SHA384_VECTOR = {
  secret: hex('b80b733d6ceefcdc71566ea48e5567df'),
  seed: hex('cd665cf6a8447dd6ff8b27555edb7465'),
  output: hex(`7B:0C:18:E9:CE:D4:10:ED:18:04:F2:CF:A3:4A:33:6A:1C:14:DF:FB:49:00:BB:5F:D7:94:21:07:E8:1C:83:CD:E9:CA:0F:AA:
    60:BE:9F:E3:4F:82:B1:23:3C:91:46:A0`),
};

/** A deliberately plain reading of RFC 5246 §5, one HMAC per step, to cross-check `prf`. */
function referencePrf(hash: string, secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  const s = Buffer.concat([Buffer.from(label), seed]);
  const hmac = (data: Buffer): Buffer => createHmac(hash, secret).update(data).digest();
  let out: Buffer = Buffer.alloc(0);
  let a: Buffer = s;
  while (out.length < length) {
    a = hmac(a);
    out = Buffer.concat([out, hmac(Buffer.concat([a, s]))]);
  }
  return out.subarray(0, length);
}

describe('TLS 1.2 PRF (RFC 5246 §5)', () => {
  it('matches the P_SHA256 test vector', () => {
    expect(prf('sha256', SHA256_VECTOR.secret, 'test label', SHA256_VECTOR.seed, 100)).toEqual(SHA256_VECTOR.output);
  });

  it('matches the P_SHA384 test vector', () => {
    expect(prf('sha384', SHA384_VECTOR.secret, 'test label', SHA384_VECTOR.seed, 48)).toEqual(SHA384_VECTOR.output);
  });

  it('agrees with a plain reference implementation for every length 0–200', () => {
    const secret = Buffer.from('a secret of some length');
    const seed = Buffer.from('seed bytes');
    for (let n = 0; n <= 200; n += 7) {
      expect(prf('sha256', secret, 'label', seed, n)).toEqual(referencePrf('sha256', secret, 'label', seed, n));
    }
  });
});

describe('key schedule', () => {
  const pms = Buffer.alloc(32, 0x11);
  const cr = Buffer.alloc(32, 0x22);
  const sr = Buffer.alloc(32, 0x33);

  it('derives the master secret from the randoms, or from the session hash with EMS (RFC 7627)', () => {
    expect(masterSecret('sha256', pms, cr, sr)).toEqual(referencePrf('sha256', pms, 'master secret', Buffer.concat([cr, sr]), 48));
    const sessionHash = transcriptHash('sha256', [Buffer.from('a'), Buffer.from('b')]);
    expect(extendedMasterSecret('sha256', pms, sessionHash)).toEqual(referencePrf('sha256', pms, 'extended master secret', sessionHash, 48));
  });

  it('partitions the key block as client key, server key, client IV, server IV (RFC 5246 §6.3)', () => {
    const suite = CIPHER_SUITES[0]!;
    const master = Buffer.alloc(48, 0x44);
    const block = referencePrf('sha256', master, 'key expansion', Buffer.concat([sr, cr]), 40);
    const keys = trafficKeys(suite, master, cr, sr);
    expect(Buffer.concat([keys.clientKey, keys.serverKey, keys.clientIv, keys.serverIv])).toEqual(block);
    expect(keys.clientKey).toHaveLength(16);
    expect(keys.clientIv).toHaveLength(4);
    const keys256 = trafficKeys(CIPHER_SUITES[1]!, master, cr, sr);
    expect(keys256.serverKey).toHaveLength(32);
  });

  it('computes 12-byte verify_data and the RFC 5705 exporter', () => {
    const master = Buffer.alloc(48, 0x55);
    const h = transcriptHash('sha256', [Buffer.from('hello')]);
    expect(finishedVerifyData('sha256', master, 'client', h)).toEqual(referencePrf('sha256', master, 'client finished', h, 12));
    expect(finishedVerifyData('sha256', master, 'server', h)).not.toEqual(finishedVerifyData('sha256', master, 'client', h));
    expect(exportKeyingMaterial('sha256', master, 'EXTRACTOR-dtls_srtp', cr, sr, 60)).toEqual(
      referencePrf('sha256', master, 'EXTRACTOR-dtls_srtp', Buffer.concat([cr, sr]), 60),
    );
  });
});
