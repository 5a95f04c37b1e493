/**
 * Browser files the server hands out: the SDK bundle (`/sdk/denwa.min.js`, global `Denwa` and
 * `Twilio`), the SDK's default sounds (`/sdk/sounds/<name>.wav`) and the softphone page's script.
 * Scripts are bundled from their TypeScript sources with esbuild on first request and kept in
 * memory; a server without the sources or esbuild answers 503 with the reason.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { soundWav } from './sounds.ts';

export interface WebAssetSources {
  /** `packages/sdk/src/browser.ts`. */
  readonly sdkEntry: string;
  /** The softphone page: its directory holds `index.html` and `quickstart.ts`. */
  readonly phoneDir: string;
}

interface Bundle {
  readonly code: string | null;
  readonly error: string | null;
}

/** Bundles an entry as one minified IIFE; never throws. */
async function bundle(entry: string, globalName?: string): Promise<Bundle> {
  try {
    const esbuild = await import('esbuild');
    const out = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: ['es2022'],
      minify: true,
      legalComments: 'none',
      write: false,
      logLevel: 'silent',
      ...(globalName === undefined ? {} : { globalName }),
    });
    return { code: out.outputFiles[0]?.text ?? '', error: null };
  } catch (err) {
    return { code: null, error: err instanceof Error ? err.message.split('\n')[0] ?? 'build failed' : String(err) };
  }
}

/** A lazily built, memoised bundle. */
export function lazyBundle(entry: string, globalName?: string): () => Promise<Bundle> {
  let built: Promise<Bundle> | null = null;
  return () => (built ??= bundle(entry, globalName));
}

export async function sendScript(reply: FastifyReply, get: () => Promise<Bundle>): Promise<FastifyReply> {
  const { code, error } = await get();
  if (code === null) return reply.code(503).type('text/plain').send(`this script could not be built here: ${error ?? 'unknown'}\n`);
  return reply.type('text/javascript; charset=utf-8').header('Cache-Control', 'no-cache').send(code);
}

const SOUND_FILE = /^([a-z0-9]{1,16})\.wav$/;

export function registerSdkAssets(app: FastifyInstance, sdk: () => Promise<Bundle>): void {
  app.get('/sdk/denwa.min.js', async (_req, reply) => sendScript(reply.header('Access-Control-Allow-Origin', '*'), sdk));
  app.get<{ Params: { file: string } }>('/sdk/sounds/:file', async (req, reply) => {
    const name = SOUND_FILE.exec(req.params.file)?.[1];
    const wav = name === undefined ? undefined : soundWav(name);
    if (wav === undefined) return reply.code(404).type('text/plain').send('no such sound\n');
    return reply
      .type('audio/wav')
      .header('Access-Control-Allow-Origin', '*')
      .header('Cache-Control', 'public, max-age=86400')
      .send(wav);
  });
}
