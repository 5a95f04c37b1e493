#!/usr/bin/env node
// The `denwa` command. The server runs from its TypeScript sources with Node's type stripping (Node >= 22.18).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`denwa needs Node.js 22.18 or newer (this is ${process.version})\n`);
  process.exit(2);
}
await import('../src/cli.ts');
