/**
 * The quickstart's HTTP server: `/token` (an Access Token for the page), `/voice` (the TwiML App's
 * voice URL, signature checked), the page, its script and the Denwa SDK bundle.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import type { QuickstartConfig } from './config.ts';
import type { Provisioned } from './provision.ts';
import { accessToken, validSignature, voiceTwiml } from './voice.ts';

const ROOT = new URL('../', import.meta.url);
const IDENTITY = /^[A-Za-z0-9_]{1,121}$/;
const MAX_BODY = 64 * 1024;

export interface Quickstart {
  readonly url: string;
  close(): Promise<void>;
}

type Reply = readonly [status: number, type: string, body: string | Buffer];

function pageScript(): string {
  const out = buildSync({ entryPoints: [fileURLToPath(new URL('public/quickstart.ts', ROOT))], bundle: true, format: 'iife', target: 'es2022', write: false, logLevel: 'silent' });
  return out.outputFiles[0]?.text ?? '';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => { resolve(Buffer.concat(chunks).toString('utf8')); });
    req.on('error', reject);
  });
}

/** The SDK bundle, read per request (`npm run quickstart` builds it first). */
function sdkBundle(file: string): Reply {
  try {
    return [200, 'text/javascript', readFileSync(file)];
  } catch {
    return [503, 'text/plain', 'the Denwa SDK bundle is not built: run npm run build:sdk'];
  }
}

function send(res: ServerResponse, [status, type, body]: Reply): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

/**
 * Serves the quickstart. `credentials` are the provisioned key and app (Denwa mode); `publicUrl(port)`
 * is the base URL Twilio or Denwa signs webhooks with.
 */
export function startQuickstart(config: QuickstartConfig, credentials: Provisioned | null, publicUrl: (port: number) => string): Promise<Quickstart> {
  const backend = config.backend;
  const keys = backend.mode === 'twilio' ? { apiKey: backend.apiKey, apiSecret: backend.apiSecret, twimlAppSid: backend.twimlAppSid } : credentials;
  if (keys === null) throw new Error('no API key: provision Denwa first');
  const sdkFile = fileURLToPath(new URL('../../packages/sdk/dist/denwa.min.js', ROOT));
  const page = readFileSync(fileURLToPath(new URL('public/index.html', ROOT)));
  const script = pageScript();
  let base = '';

  const route = async (req: IncomingMessage, url: URL): Promise<Reply> => {
    if (req.method === 'GET' && url.pathname === '/') return [200, 'text/html; charset=utf-8', page];
    if (req.method === 'GET' && url.pathname === '/quickstart.js') return [200, 'text/javascript', script];
    if (req.method === 'GET' && url.pathname === '/denwa.min.js') return sdkBundle(sdkFile);
    if (req.method === 'GET' && url.pathname === '/token') {
      const identity = url.searchParams.get('identity') ?? config.identity;
      if (!IDENTITY.test(identity)) return [400, 'application/json', JSON.stringify({ error: 'identity must be 1–121 letters, digits or underscores' })];
      const token = accessToken({ accountSid: backend.accountSid, ...keys, identity });
      const device = backend.mode === 'denwa' ? { chunderw: backend.chunderw } : { edge: 'roaming' };
      return [200, 'application/json', JSON.stringify({ identity, token, device })];
    }
    if (req.method === 'POST' && url.pathname === '/voice') {
      const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
      const signature = req.headers['x-twilio-signature'];
      if (backend.authToken !== null && !validSignature(backend.authToken, typeof signature === 'string' ? signature : undefined, `${base}/voice`, params)) {
        return [403, 'text/plain', 'invalid X-Twilio-Signature'];
      }
      return [200, 'text/xml', voiceTwiml(params['To'], backend.callerId)];
    }
    return [404, 'text/plain', 'not found'];
  };

  const server: Server = createServer((req, res) => {
    route(req, new URL(req.url ?? '/', 'http://quickstart')).then(
      (reply) => { send(res, reply); },
      () => { if (!res.headersSent) send(res, [400, 'text/plain', 'bad request']); },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : config.port;
      base = publicUrl(port);
      resolve({ url: base, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => { r(); }); }) });
    });
  });
}
