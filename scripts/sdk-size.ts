/**
 * Reports the size of Denwa's browser bundle next to the official Twilio Voice SDK's, measured in the
 * same run: bytes minified and gzipped (level 9). Builds the SDK first.
 *
 *   npm run size:sdk
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('../', import.meta.url));
execFileSync(process.execPath, ['build.ts'], { cwd: `${root}packages/sdk`, stdio: 'ignore' });

function measure(file: string): { bytes: number; gzip_bytes: number } {
  const data = readFileSync(file);
  return { bytes: data.length, gzip_bytes: gzipSync(data, { level: 9 }).length };
}

const officialVersion = (JSON.parse(readFileSync(`${root}node_modules/@twilio/voice-sdk/package.json`, 'utf8')) as { version: string }).version;
const denwa = measure(`${root}packages/sdk/dist/denwa.min.js`);
const official = measure(`${root}node_modules/@twilio/voice-sdk/dist/twilio.min.js`);
console.log(JSON.stringify({
  denwa: { file: 'packages/sdk/dist/denwa.min.js', ...denwa },
  official: { file: `@twilio/voice-sdk@${officialVersion} dist/twilio.min.js`, ...official },
  gzip_ratio: Math.round((denwa.gzip_bytes / official.gzip_bytes) * 1000) / 1000,
  target_gzip_bytes: 30 * 1024,
}));
