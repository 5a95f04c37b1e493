/**
 * Builds the SDK: `dist/index.js` and `dist/v1.js` (ESM), `dist/denwa.min.js` (one browser file
 * exposing the globals `Denwa` and `Twilio`), and `dist/*.d.ts` type declarations.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const common: BuildOptions = {
  bundle: true,
  platform: 'browser',
  target: ['es2022'],
  legalComments: 'none',
  logLevel: 'warning',
};

await build({ ...common, entryPoints: { index: join(root, 'src/index.ts'), v1: join(root, 'src/v1-entry.ts') }, format: 'esm', outdir: dist, sourcemap: true });
await build({ ...common, entryPoints: [join(root, 'src/browser.ts')], format: 'iife', globalName: 'Denwa', minify: true, outfile: join(dist, 'denwa.min.js'), sourcemap: true });

const tsc = join(root, '../../node_modules/typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
process.stdout.write(`built ${dist}\n`);
