// Builds Denwa's batched UDP addon (native/udp/denwa_udp.c) into native/build/denwa_udp.node.
// Runs as the root package's postinstall. It only needs a C compiler and Node's headers
// (node_api.h, uv.h). When either is missing, or on another OS than Linux, it explains and exits 0:
// the media relay then uses node:dgram, which works everywhere and costs more CPU per call.
//
//   node packages/server/native/build.mjs [--force]
//
// Environment: CC (default cc), DENWA_NATIVE_BUILD=0 to skip, npm_config_nodedir (Node's headers).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'udp', 'denwa_udp.c');
const outDir = join(here, 'build');
const output = join(outDir, 'denwa_udp.node');

function skip(reason) {
  process.stdout.write(`denwa: batched UDP addon not built (${reason}); the media relay will use node:dgram\n`);
  process.exit(0);
}

if (process.env.DENWA_NATIVE_BUILD === '0') skip('DENWA_NATIVE_BUILD=0');
if (process.platform !== 'linux') skip(`recvmmsg/sendmmsg need Linux, this is ${process.platform}`);
const force = process.argv.includes('--force');
if (!force && existsSync(output) && statSync(output).mtimeMs >= statSync(source).mtimeMs) {
  process.stdout.write(`denwa: batched UDP addon up to date (${output})\n`);
  process.exit(0);
}

const headerDirs = [
  process.env.npm_config_nodedir ? join(process.env.npm_config_nodedir, 'include', 'node') : null,
  join(dirname(process.execPath), '..', 'include', 'node'),
  '/usr/include/node',
  '/usr/local/include/node',
].filter((d) => d !== null);
const napiDir = headerDirs.find((d) => existsSync(join(d, 'node_api.h')));
if (napiDir === undefined) skip(`node_api.h not found in ${headerDirs.join(', ')}`);
const includes = [napiDir];
if (!existsSync(join(napiDir, 'uv.h'))) {
  const uvDir = ['/usr/include', '/usr/local/include'].find((d) => existsSync(join(d, 'uv.h')));
  if (uvDir === undefined) skip(`uv.h not found next to ${napiDir} nor in /usr/include`);
  includes.push(uvDir);
}

const cc = process.env.CC || 'cc';
const temporary = `${output}.${String(process.pid)}.tmp`;
mkdirSync(outDir, { recursive: true });
try {
  execFileSync(
    cc,
    ['-O2', '-fPIC', '-shared', '-std=gnu11', '-Wall', '-Wextra', '-DNODE_GYP_MODULE_NAME=denwa_udp', ...includes.map((d) => `-I${d}`), source, '-o', temporary],
    { stdio: ['ignore', 'inherit', 'inherit'], timeout: 120_000 },
  );
  renameSync(temporary, output);
} catch (err) {
  rmSync(temporary, { force: true });
  skip(`${cc} failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
}
process.stdout.write(`denwa: built the batched UDP addon (${output})\n`);
