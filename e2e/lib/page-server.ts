/**
 * Serves the test page, the SDK bundles under test and a silent WAV (so no sound comes from
 * sdk.twilio.com). `/?sdk=denwa` loads Denwa's own bundle (`packages/sdk/dist/denwa.min.js`, built by
 * `npm run build:sdk`) in place of the official one; it defines `Twilio.Device` itself (2.x class, 1.x statics).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../../', import.meta.url);
const PAGE_DIR = fileURLToPath(new URL('../page/', import.meta.url));

export type SdkName = 'voice-sdk-2' | 'twilio-client-1';

/** The SDK a page loads: the scenario's official one, or Denwa's. */
export type PageSdk = SdkName | 'denwa';

function sdkPath(sdk: SdkName): string {
  const file = sdk === 'voice-sdk-2' ? 'node_modules/@twilio/voice-sdk/dist/twilio.min.js' : 'node_modules/twilio-client/dist/twilio.min.js';
  return fileURLToPath(new URL(file, ROOT));
}

function silenceWav(): Buffer {
  const samples = 800;
  const b = Buffer.alloc(44 + samples * 2);
  b.write('RIFF', 0); b.writeUInt32LE(36 + samples * 2, 4); b.write('WAVE', 8); b.write('fmt ', 12);
  b.writeUInt32LE(16, 16); b.writeUInt16LE(1, 20); b.writeUInt16LE(1, 22); b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(16000, 28); b.writeUInt16LE(2, 32); b.writeUInt16LE(16, 34); b.write('data', 36); b.writeUInt32LE(samples * 2, 40);
  return b;
}

export interface PageServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startPageServer(sdk: SdkName): Promise<PageServer> {
  const files: Record<string, [string, Buffer]> = {
    '/': ['text/html', readFileSync(`${PAGE_DIR}harness.html`)],
    '/harness.js': ['text/javascript', readFileSync(`${PAGE_DIR}harness.js`)],
    '/sdk.js': ['text/javascript', readFileSync(sdkPath(sdk))],
    '/sdk-denwa.js': ['text/javascript', readFileSync(fileURLToPath(new URL('packages/sdk/dist/denwa.min.js', ROOT)))],
    '/silence.wav': ['audio/wav', silenceWav()],
  };
  const server: Server = createServer((req, res) => {
    const [path = '/', query = ''] = (req.url ?? '/').split('?');
    const file = files[path];
    const body = path === '/' && new URLSearchParams(query).get('sdk') === 'denwa' ? Buffer.from(String(file?.[1]).replace('/sdk.js', '/sdk-denwa.js')) : file?.[1];
    if (file === undefined || body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': file[0], 'access-control-allow-origin': '*' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${String(port)}/`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => { resolve(); }); }),
  };
}
