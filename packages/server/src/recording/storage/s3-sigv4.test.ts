import { describe, expect, it } from 'vitest';
import { EMPTY_SHA256, amzDate, canonicalQuery, sha256Hex, signRequest, signingKey, uriEncode } from './s3-sigv4.ts';

/**
 * The examples of the S3 API reference, "Signature Calculations for the Authorization Header:
 * Transferring Payload in a Single Chunk (AWS Signature Version 4)", section "Examples: Signature
 * Calculations": the documented key pair, bucket `examplebucket`, 24 May 2013, us-east-1.
 */
const AWS_EXAMPLE = {
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  scope: { region: 'us-east-1', service: 's3', date: new Date('2013-05-24T00:00:00Z') },
  host: 'examplebucket.s3.amazonaws.com',
};

describe('signRequest against the AWS S3 example vectors', () => {
  const { credentials, scope, host } = AWS_EXAMPLE;

  it('GET Object: GET /test.txt with Range: bytes=0-9', () => {
    const signed = signRequest({ method: 'GET', host, path: '/test.txt', headers: { Range: 'bytes=0-9' }, payloadHash: EMPTY_SHA256 }, credentials, scope);
    expect(signed.canonicalRequest).toBe(
      [
        'GET',
        '/test.txt',
        '',
        'host:examplebucket.s3.amazonaws.com',
        'range:bytes=0-9',
        'x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        'x-amz-date:20130524T000000Z',
        '',
        'host;range;x-amz-content-sha256;x-amz-date',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
    expect(signed.stringToSign).toBe(
      'AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972',
    );
    expect(signed.signature).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
    expect(signed.headers['authorization']).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    expect(signed.pathAndQuery).toBe('/test.txt');
  });

  it('PUT Object: PUT /test$file.text with a signed payload, Date and a storage class', () => {
    const body = 'Welcome to Amazon S3.';
    expect(sha256Hex(body)).toBe('44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
    const signed = signRequest(
      {
        method: 'PUT',
        host,
        path: '/test$file.text',
        headers: { Date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY' },
        payloadHash: sha256Hex(body),
      },
      credentials,
      scope,
    );
    expect(signed.pathAndQuery).toBe('/test%24file.text');
    expect(signed.signature).toBe('98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
    expect(signed.headers['authorization']).toContain('SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,');
  });

  it('GET Bucket Lifecycle: GET /?lifecycle (a parameter without a value)', () => {
    const signed = signRequest({ method: 'GET', host, path: '/', query: [['lifecycle', '']], payloadHash: EMPTY_SHA256 }, credentials, scope);
    expect(signed.pathAndQuery).toBe('/?lifecycle=');
    expect(signed.signature).toBe('fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543');
  });

  it('Get Bucket (List Objects): GET /?max-keys=2&prefix=J', () => {
    const signed = signRequest(
      { method: 'GET', host, path: '/', query: [['prefix', 'J'], ['max-keys', '2']], payloadHash: EMPTY_SHA256 },
      credentials,
      scope,
    );
    expect(signed.pathAndQuery).toBe('/?max-keys=2&prefix=J');
    expect(signed.signature).toBe('34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7');
  });
});

describe('SigV4 primitives', () => {
  it('derives the signing key of the AWS general reference example', () => {
    // "Examples of how to derive a signing key for Signature Version 4": 20120215, us-east-1, iam.
    const key = signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam');
    expect(key.toString('hex')).toBe('f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
  });

  it('URI-encodes every byte but the unreserved ones, slashes kept only in paths', () => {
    expect(uriEncode("AZaz09-._~ !*'()$&+,;=:@/?#[]%", true)).toBe(
      'AZaz09-._~%20%21%2A%27%28%29%24%26%2B%2C%3B%3D%3A%40%2F%3F%23%5B%5D%25',
    );
    expect(uriEncode('/AC1/RE 1.wav', false)).toBe('/AC1/RE%201.wav');
    expect(uriEncode('é€', true)).toBe('%C3%A9%E2%82%AC');
  });

  it('sorts the query by encoded name, then value', () => {
    expect(canonicalQuery([['uploadId', 'a b'], ['partNumber', '2'], ['a', '2'], ['a', '1']])).toBe('a=1&a=2&partNumber=2&uploadId=a%20b');
  });

  it('formats x-amz-date', () => {
    expect(amzDate(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102T030405Z');
  });

  it('collapses and trims header values, and never outputs the secret', () => {
    const secret = 'a-secret-that-must-not-leak';
    const signed = signRequest(
      { method: 'GET', host: '127.0.0.1:9000', path: '/b/k', headers: { 'X-Amz-Meta-Note': '  two   spaces\there ' }, payloadHash: EMPTY_SHA256 },
      { accessKeyId: 'AK', secretAccessKey: secret },
      AWS_EXAMPLE.scope,
    );
    expect(signed.canonicalRequest).toContain('\nx-amz-meta-note:two spaces here\n');
    expect(signed.canonicalRequest).toContain('\nhost:127.0.0.1:9000\n');
    expect(signed.headers).not.toHaveProperty('host');
    expect(JSON.stringify(signed)).not.toContain(secret);
  });
});
