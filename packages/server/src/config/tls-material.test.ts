import { get, createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '@denwa/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RandomIdGenerator } from '../core/index.ts';
import { createLocalCa, issueServerCert, serialFromHex, serverNames } from './certificates.ts';
import { ConfigError } from './config-error.ts';
import { prepareDataDir } from './data-dir.ts';
import { loadConfig } from './load-config.ts';
import { readProvidedTls } from './tls-material.ts';
import { trustInstructions } from './trust-instructions.ts';

let temp: { path: string; remove(): void };
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => {
  temp.remove();
});

/** GET https://127.0.0.1:<port>/ with `ca` (or the system store): the body, or the TLS error code. */
function fetchOver(port: number, ca: string | undefined): Promise<string> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/', ...(ca === undefined ? {} : { ca }) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => { resolve(body); });
    });
    req.on('error', (err: NodeJS.ErrnoException) => { resolve(`error ${err.code ?? err.message}`); });
  });
}

describe('the local CA end to end', () => {
  let server: Server | undefined;
  afterEach(async () => {
    const s = server;
    if (s !== undefined) await new Promise((resolve) => s.close(resolve));
  });

  it('a client trusting the CA connects to 127.0.0.1; one that does not is refused', async () => {
    const dataDir = await prepareDataDir(loadConfig({ 'data-dir': join(temp.path, 'd') }, {}), {
      ids: new RandomIdGenerator(),
      now: () => Date.now(),
    });
    const s = createServer({ cert: dataDir.tls.certPem, key: dataDir.tls.keyPem }, (_req, res) => { res.end('hello'); });
    server = s;
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const { port } = s.address() as AddressInfo;

    expect(await fetchOver(port, dataDir.tls.caPem ?? undefined)).toBe('hello');
    expect(await fetchOver(port, undefined)).toMatch(/^error (UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/);
  });
});

describe('readProvidedTls (--tls-cert/--tls-key)', () => {
  const now = Date.now();
  const names = serverNames({ host: '127.0.0.1', publicIp: null, hostname: 'box' });

  async function writePair(): Promise<{ certFile: string; keyFile: string; keyPem: string }> {
    const ca = await createLocalCa({ now, serialHex: 'a'.repeat(32), label: 'test' });
    const leaf = await issueServerCert({ ca, names, now, serialHex: 'b'.repeat(32) });
    const certFile = join(temp.path, 'fullchain.pem');
    const keyFile = join(temp.path, 'privkey.pem');
    writeFileSync(certFile, leaf.certPem + ca.certPem);
    writeFileSync(keyFile, leaf.keyPem);
    return { certFile, keyFile, keyPem: leaf.keyPem };
  }

  it('serves the given files and creates no local CA', async () => {
    const pair = await writePair();
    const root = join(temp.path, 'd');
    const config = loadConfig({ 'data-dir': root, 'tls-cert': pair.certFile, 'tls-key': pair.keyFile }, {});
    const dataDir = await prepareDataDir(config, { ids: new RandomIdGenerator(), now: () => now });
    expect(dataDir.tls).toMatchObject({ keyPem: pair.keyPem, caPem: null, caCertPath: null, source: 'provided' });
    expect(existsSync(join(root, 'tls'))).toBe(false);
  });

  it('refuses a key that belongs to another certificate', async () => {
    const pair = await writePair();
    const other = await issueServerCert({
      ca: await createLocalCa({ now, serialHex: 'c'.repeat(32), label: 'other' }),
      names,
      now,
      serialHex: 'd'.repeat(32),
    });
    writeFileSync(pair.keyFile, other.keyPem);
    await expect(readProvidedTls(pair)).rejects.toThrow(/^--tls-key \(DENWA_TLS_KEY\): .*privkey\.pem is not the key of the certificate/);
  });

  it('names the flag and file of a missing or non-PEM file, never the key', async () => {
    const pair = await writePair();
    await expect(readProvidedTls({ ...pair, certFile: join(temp.path, 'nope.pem') })).rejects.toThrow(
      /^--tls-cert \(DENWA_TLS_CERT\): .*nope\.pem does not exist$/,
    );
    writeFileSync(pair.keyFile, 'SECRET-KEY-MATERIAL');
    const err: unknown = await readProvidedTls(pair).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^--tls-key \(DENWA_TLS_KEY\): .*privkey\.pem is not an unencrypted PEM private key$/);
    expect((err as Error).message).not.toContain('SECRET');
  });
});

describe('certificate helpers', () => {
  it('serial numbers are positive hex of 32 digits', () => {
    for (const hex of ['0'.repeat(32), 'f'.repeat(32), '8'.repeat(32)]) {
      expect(serialFromHex(hex)).toMatch(/^[1-7][0-9a-f]{31}$/);
    }
  });

  it('server names: loopbacks always, wildcards never, no duplicates', () => {
    expect(serverNames({ host: '0.0.0.0', publicIp: '2001:DB8::1', hostname: 'Box.Local' })).toEqual({
      dns: ['localhost', 'box.local'],
      ips: ['127.0.0.1', '::1', '2001:db8::1'],
    });
    expect(serverNames({ host: '127.0.0.1', publicIp: null, hostname: 'localhost' })).toEqual({
      dns: ['localhost'],
      ips: ['127.0.0.1', '::1'],
    });
    expect(serverNames({ host: '::', publicIp: null, hostname: 'bad_name' }).dns).toEqual(['localhost']);
  });
});

describe('trustInstructions', () => {
  it('covers Debian/Ubuntu, Chrome NSS, macOS and Node with the CA path', () => {
    const text = trustInstructions('/home/me/.denwa/tls/ca.crt');
    expect(text).toContain(
      'cp /home/me/.denwa/tls/ca.crt /usr/local/share/ca-certificates/denwa-local-ca.crt && sudo update-ca-certificates',
    );
    expect(text).toContain('certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n denwa -i /home/me/.denwa/tls/ca.crt');
    expect(text).toContain('security add-trusted-cert');
    expect(text).toContain('NODE_EXTRA_CA_CERTS=/home/me/.denwa/tls/ca.crt');
  });

  it('quotes a path with spaces for the shell', () => {
    expect(trustInstructions("/Users/Jo Doe/it's/ca.crt")).toContain(`'/Users/Jo Doe/it'\\''s/ca.crt'`);
  });
});
