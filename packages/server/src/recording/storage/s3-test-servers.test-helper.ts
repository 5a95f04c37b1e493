/**
 * Fixtures for the S3 storage tests (not a test file itself), all on 127.0.0.1 with ephemeral
 * ports: a real s3rver, a SigV4-verifying front for it, and a scriptable misbehaving server.
 *
 * Why a front: s3rver checks the access key id of a V4-signed request but not its signature
 * ("Signature version 4 calculation is unimplemented" in its authentication middleware). The front
 * recomputes every signature from the request exactly as it arrived on the wire (method, raw path,
 * raw query, the signed headers as received, the body's SHA-256 unless UNSIGNED-PAYLOAD) and answers
 * as S3 does, `403 SignatureDoesNotMatch` with an XML body, when it differs. Its canonicalization
 * is its own; it shares only the primitives (`uriEncode`, the signing key, SHA-256) that the AWS
 * example vectors pin down in `s3-sigv4.test.ts`.
 */
import { createHmac } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { S3Client } from './s3-client.ts';
import { canonicalQuery, sha256Hex, signingKey, uriEncode, type SigV4Credentials } from './s3-sigv4.ts';

/** s3rver's built-in account (it only knows this key pair). */
export const S3RVER_CREDENTIALS: SigV4Credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface RunningServer {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new TypeError('no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
}

interface S3rverOptions {
  readonly address: string;
  readonly port: number;
  readonly silent: boolean;
  readonly directory: string;
}
interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: S3rverOptions) => S3rverInstance;

/** Starts s3rver (CommonJS, untyped: loaded with `require`) on 127.0.0.1, storing under `directory`. */
export async function startS3rver(directory: string): Promise<RunningServer> {
  const require = createRequire(import.meta.url);
  const S3rver = require('s3rver') as S3rverConstructor;
  const instance = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await instance.run();
  return { endpoint: `http://127.0.0.1:${port}`, close: () => instance.close() };
}

/** Creates `bucket` with a signed `PUT /bucket`. */
export async function createBucket(endpoint: string, bucket: string, credentials: SigV4Credentials): Promise<void> {
  const client = new S3Client({ endpoint, region: 'us-east-1', bucket, ...credentials });
  await client.send({
    operation: 'CreateBucket',
    method: 'PUT',
    key: '',
    idempotent: true,
    onResponse: async (response) => {
      await response.arrayBuffer();
    },
  });
}

/** One request as the verifying front saw it. */
export interface FrontRequest {
  readonly method: string;
  /** Path and query as received. */
  readonly target: string;
  readonly contentSha256: string | undefined;
  readonly signedHeaders: readonly string[];
  /** null when the signature verified; else the S3 error code the front answered with. */
  readonly rejected: string | null;
}

export interface VerifyingFront extends RunningServer {
  readonly requests: FrontRequest[];
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** A request as a server receives it. */
export interface ReceivedRequest {
  readonly method: string;
  /** Path and query, raw. */
  readonly target: string;
  /** Lowercase names, `host` included. */
  readonly headers: IncomingHttpHeaders;
}

/** The value of one received header as signed: trimmed, inner whitespace runs collapsed. */
function receivedHeader(req: ReceivedRequest, name: string): string {
  const value = req.headers[name];
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text.trim().replace(/[ \t]+/g, ' ');
}

/** Splits a raw query the way S3 reads it: `&`-separated, `name[=value]`, percent-decoded. */
function receivedQuery(raw: string): [string, string][] {
  if (raw === '') return [];
  return raw.split('&').map((pair) => {
    const at = pair.indexOf('=');
    const name = at < 0 ? pair : pair.slice(0, at);
    const value = at < 0 ? '' : pair.slice(at + 1);
    return [decodeURIComponent(name), decodeURIComponent(value)];
  });
}

/** Why a request's signature fails (an S3 error code), or null when it verifies. */
export function verifySigV4(req: ReceivedRequest, body: Uint8Array, credentials: SigV4Credentials, region: string): string | null {
  const match = AUTHORIZATION.exec(receivedHeader(req, 'authorization'));
  if (match === null) return 'AccessDenied';
  const [, accessKeyId = '', day = '', scopeRegion = '', signedHeaderList = '', signature = ''] = match;
  if (accessKeyId !== credentials.accessKeyId) return 'InvalidAccessKeyId';
  const timestamp = receivedHeader(req, 'x-amz-date');
  if (!timestamp.startsWith(day) || scopeRegion !== region) return 'AuthorizationHeaderMalformed';
  const when = Date.parse(timestamp.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!(Math.abs(Date.now() - when) < 15 * 60_000)) return 'RequestTimeTooSkewed';
  const signedHeaders = signedHeaderList.split(';');
  for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256']) {
    if (!signedHeaders.includes(required)) return 'AccessDenied';
  }
  const payloadHash = receivedHeader(req, 'x-amz-content-sha256');
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256Hex(body)) return 'XAmzContentSHA256Mismatch';

  const target = req.target;
  const at = target.indexOf('?');
  const rawPath = at < 0 ? target : target.slice(0, at);
  const rawQuery = at < 0 ? '' : target.slice(at + 1);
  const canonicalRequest = [
    req.method,
    rawPath
      .split('/')
      .map((segment) => uriEncode(decodeURIComponent(segment), true))
      .join('/'),
    canonicalQuery(receivedQuery(rawQuery)),
    ...signedHeaders.map((name) => `${name}:${receivedHeader(req, name)}`),
    '',
    signedHeaderList,
    payloadHash,
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', timestamp, `${day}/${region}/s3/aws4_request`, sha256Hex(canonicalRequest)].join('\n');
  const expected = createHmac('sha256', signingKey(credentials.secretAccessKey, day, region, 's3')).update(stringToSign).digest('hex');
  return expected === signature ? null : 'SignatureDoesNotMatch';
}

function s3ErrorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>front</RequestId></Error>`;
}

/**
 * A front on 127.0.0.1 that verifies each request's SigV4 signature against `credentials` and
 * passes verified requests to `upstream` (s3rver), recording every request. Bodies are buffered:
 * for test-sized objects only.
 */
export async function startVerifyingFront(upstream: string, credentials: SigV4Credentials, region = 'us-east-1'): Promise<VerifyingFront> {
  const requests: FrontRequest[] = [];
  const upstreamUrl = new URL(upstream);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const received: ReceivedRequest = { method: req.method ?? '', target: req.url ?? '/', headers: req.headers };
      const rejected = verifySigV4(received, body, credentials, region);
      const match = AUTHORIZATION.exec(receivedHeader(received, 'authorization'));
      requests.push({
        method: req.method ?? '',
        target: req.url ?? '/',
        contentSha256: req.headers['x-amz-content-sha256'] as string | undefined,
        signedHeaders: match?.[4]?.split(';') ?? [],
        rejected,
      });
      if (rejected !== null) {
        const xml = s3ErrorXml(rejected, 'The request signature we calculated does not match the signature you provided.');
        res.writeHead(rejected === 'XAmzContentSHA256Mismatch' ? 400 : 403, { 'content-type': 'application/xml' });
        res.end(req.method === 'HEAD' ? undefined : xml);
        return;
      }
      forward(req, body, upstreamUrl, res);
    });
  });
  const endpoint = await listen(server);
  return { endpoint, requests, close: () => closeServer(server) };
}

function forward(req: IncomingMessage, body: Buffer, upstream: URL, res: ServerResponse): void {
  const headers = { ...req.headers, host: upstream.host };
  const outgoing = httpRequest(
    { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      res.flushHeaders(); // as s3rver does: the headers go out even when the body never comes
      answer.pipe(res);
    },
  );
  outgoing.on('error', () => {
    res.writeHead(502);
    res.end();
  });
  outgoing.end(body);
}

/** What the misbehaving server does with a request. */
export type Misbehavior = 'service-unavailable' | 'hang' | 'reset';

export interface MisbehavingServer extends RunningServer {
  /** Requests received (each attempt of a retried request counts). */
  readonly hits: () => number;
}

/** A server that answers every request badly, counting them. */
export async function startMisbehavingServer(behavior: Misbehavior): Promise<MisbehavingServer> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    switch (behavior) {
      case 'service-unavailable':
        res.writeHead(503, { 'content-type': 'application/xml' });
        res.end(req.method === 'HEAD' ? undefined : s3ErrorXml('SlowDown', 'Please reduce your request rate.'));
        return;
      case 'hang':
        return; // never answers; the connection is cut when the server closes
      case 'reset':
        req.socket.destroy();
        return;
    }
  });
  const endpoint = await listen(server);
  return { endpoint, hits: () => hits, close: () => closeServer(server) };
}

/** An endpoint with nothing listening: a port that was free a moment ago. */
export async function deadEndpoint(): Promise<string> {
  const server = createServer();
  const endpoint = await listen(server);
  await closeServer(server);
  return endpoint;
}
