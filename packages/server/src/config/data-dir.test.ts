import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { makeTempDir } from '@denwa/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RandomIdGenerator } from '../core/index.ts';
import { ConfigError } from './config-error.ts';
import { prepareDataDir, type DataDir } from './data-dir.ts';
import { loadConfig, type DenwaConfig } from './load-config.ts';

const DAY_MS = 86_400_000;
const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'envTokenFromSecretStore0123';

let temp: { path: string; remove(): void };
let root: string;

beforeEach(() => {
  temp = makeTempDir();
  root = join(temp.path, 'data');
});
afterEach(() => {
  temp.remove();
});

function config(overrides: Partial<DenwaConfig> = {}): DenwaConfig {
  return { ...loadConfig({ 'data-dir': root }, {}), ...overrides };
}

function prepare(c: DenwaConfig = config(), now: number = Date.now()): Promise<DataDir> {
  return prepareDataDir(c, { ids: new RandomIdGenerator(), now: () => now });
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

/** The error `promise` rejects with, which must be a ConfigError. */
async function configError(promise: Promise<unknown>): Promise<string> {
  const err: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return (err as ConfigError).message;
}

describe('prepareDataDir: first start', () => {
  it('creates the folder 0700, recordings/, credentials.json 0600 and the TLS files', async () => {
    const dir = await prepare(config(), Date.parse('2030-01-01T00:00:00Z'));

    expect(dir.created).toBe(true);
    expect(dir.root).toBe(root);
    expect(dir.dbPath).toBe(join(root, 'denwa.db'));
    expect(dir.recordingsDir).toBe(join(root, 'recordings'));
    expect(mode(root)).toBe(0o700);
    expect(mode(dir.recordingsDir)).toBe(0o700);
    expect(mode(join(root, 'tls'))).toBe(0o700);

    const credPath = join(root, 'credentials.json');
    expect(mode(credPath)).toBe(0o600);
    expect(JSON.parse(readFileSync(credPath, 'utf8'))).toEqual({
      accountSid: dir.credentials.accountSid,
      authToken: dir.credentials.authToken,
      createdAt: '2030-01-01T00:00:00.000Z',
    });
    expect(dir.credentials.source).toBe('generated');
    expect(dir.credentials.accountSid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(dir.credentials.authToken).toMatch(/^[A-Za-z0-9]{16,}$/);

    expect(mode(join(root, 'tls', 'ca.key'))).toBe(0o600);
    expect(mode(join(root, 'tls', 'server.key'))).toBe(0o600);
    expect(readFileSync(join(root, 'tls', 'ca.crt'), 'utf8')).toBe(dir.tls.caPem);
    expect(readFileSync(join(root, 'tls', 'server.crt'), 'utf8')).toBe(dir.tls.certPem);
    expect(readFileSync(join(root, 'tls', 'server.key'), 'utf8')).toBe(dir.tls.keyPem);
    expect(dir.tls.caCertPath).toBe(join(root, 'tls', 'ca.crt'));
    expect(dir.tls.source).toBe('generated');
  });

  it('issues a local CA and a server certificate that verifies against it', async () => {
    const now = Date.now();
    const dir = await prepare(config(), now);
    const ca = new X509Certificate(dir.tls.caPem ?? '');
    const cert = new X509Certificate(dir.tls.certPem);

    expect(ca.ca).toBe(true);
    expect(ca.subject).toMatch(/^CN=Denwa Local CA [0-9a-f]{8}$/m);
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(ca.validToDate.getTime() - now).toBeGreaterThan(9.9 * 365 * DAY_MS);
    expect(ca.verify(ca.publicKey)).toBe(true);

    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    expect(cert.validToDate.getTime() - cert.validFromDate.getTime()).toBeLessThanOrEqual(825 * DAY_MS);
    const sans = (cert.subjectAltName ?? '').split(', ');
    expect(sans).toEqual(
      expect.arrayContaining(['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1']),
    );
    if (/^[a-z0-9.-]+$/i.test(hostname())) expect(sans).toContain(`DNS:${hostname().toLowerCase()}`);
    expect(cert.checkIP('::1')).toBeDefined();
  });

  it('adds the public IP and a specific host to the SANs', async () => {
    const dir = await prepare(config({ publicIp: '203.0.113.10', host: 'voice.lan' }));
    const cert = new X509Certificate(dir.tls.certPem);
    expect(cert.subjectAltName).toContain('IP Address:203.0.113.10');
    expect(cert.subjectAltName).toContain('DNS:voice.lan');
  });

  it('counts a pre-made empty folder as created and tightens it', async () => {
    mkdirSync(root, { mode: 0o755 });
    const dir = await prepare();
    expect(dir.created).toBe(true);
    expect(mode(root)).toBe(0o700);
  });
});

describe('prepareDataDir: later starts', () => {
  it('reuses the credentials and certificates', async () => {
    const first = await prepare();
    const second = await prepare();
    expect(second.created).toBe(false);
    expect(second.credentials).toEqual({ ...first.credentials, source: 'file' });
    expect(second.tls).toEqual({ ...first.tls, source: 'existing' });
  });

  it('re-issues the server certificate for a new public IP; the CA stays', async () => {
    const first = await prepare();
    const second = await prepare(config({ publicIp: '198.51.100.7' }));
    expect(second.tls.caPem).toBe(first.tls.caPem);
    expect(second.tls.certPem).not.toBe(first.tls.certPem);
    expect(second.tls.keyPem).not.toBe(first.tls.keyPem);
    const cert = new X509Certificate(second.tls.certPem);
    expect(cert.checkIP('198.51.100.7')).toBe('198.51.100.7');
    expect(cert.verify(new X509Certificate(second.tls.caPem ?? '').publicKey)).toBe(true);
    expect(readFileSync(join(root, 'tls', 'server.crt'), 'utf8')).toBe(second.tls.certPem);

    const third = await prepare(config({ publicIp: '198.51.100.7' }));
    expect(third.tls.certPem).toBe(second.tls.certPem);
  });

  it('re-issues the server certificate within 30 days of its end', async () => {
    const now = Date.now();
    const first = await prepare(config(), now);
    const still = await prepare(config(), now + 700 * DAY_MS);
    expect(still.tls.certPem).toBe(first.tls.certPem);
    const renewed = await prepare(config(), now + 800 * DAY_MS);
    expect(renewed.tls.certPem).not.toBe(first.tls.certPem);
    expect(renewed.tls.caPem).toBe(first.tls.caPem);
    expect(new X509Certificate(renewed.tls.certPem).validToDate.getTime()).toBeGreaterThan(now + 1500 * DAY_MS);
  });

  it('issues a new server certificate when its files were deleted', async () => {
    const first = await prepare();
    rmSync(join(root, 'tls', 'server.crt'));
    rmSync(join(root, 'tls', 'server.key'));
    const second = await prepare();
    expect(second.tls.caPem).toBe(first.tls.caPem);
    expect(second.tls.certPem).not.toBe(first.tls.certPem);
    expect(existsSync(join(root, 'tls', 'server.key'))).toBe(true);
  });
});

describe('prepareDataDir: credentials from the environment', () => {
  const override = { accountSid: SID, authToken: TOKEN } as DenwaConfig['credentialsOverride'];

  it('uses them and writes nothing', async () => {
    const dir = await prepare(config({ credentialsOverride: override }));
    expect(dir.credentials).toEqual({ accountSid: SID, authToken: TOKEN, source: 'env' });
    expect(existsSync(join(root, 'credentials.json'))).toBe(false);
  });

  it('wins over credentials.json, which stays as it was', async () => {
    await prepare();
    const before = readFileSync(join(root, 'credentials.json'), 'utf8');
    const dir = await prepare(config({ credentialsOverride: override }));
    expect(dir.credentials.source).toBe('env');
    expect(readFileSync(join(root, 'credentials.json'), 'utf8')).toBe(before);
  });
});

describe('prepareDataDir: damaged files', () => {
  it('refuses credentials.json that is not JSON, without quoting it', async () => {
    mkdirSync(root);
    writeFileSync(join(root, 'credentials.json'), '{"accountSid": "AC0", "authToken": "s3cretTokenValue0000" oops');
    const message = await configError(prepare());
    expect(message).toContain(join(root, 'credentials.json'));
    expect(message).toContain('delete it');
    expect(message).not.toContain('s3cret');
  });

  it('refuses credentials.json with a malformed token, naming the field only', async () => {
    mkdirSync(root);
    writeFileSync(join(root, 'credentials.json'), JSON.stringify({ accountSid: SID, authToken: 'short-s3cret' }));
    const message = await configError(prepare());
    expect(message).toMatch(/missing or malformed authToken/);
    expect(message).not.toContain('short-s3cret');
  });

  it('refuses an unreadable ca.crt and says how to start over', async () => {
    await prepare();
    writeFileSync(join(root, 'tls', 'ca.crt'), 'not a certificate');
    const message = await configError(prepare());
    expect(message).toContain(join(root, 'tls', 'ca.crt'));
    expect(message).toContain('delete');
  });

  it('refuses a server key that is not PEM, naming the file', async () => {
    await prepare();
    writeFileSync(join(root, 'tls', 'server.key'), 'garbage');
    const message = await configError(prepare());
    expect(message).toContain(join(root, 'tls', 'server.key'));
    expect(message).not.toContain('garbage');
  });

  it('refuses a CA key without its certificate', async () => {
    await prepare();
    rmSync(join(root, 'tls', 'ca.crt'));
    expect(await configError(prepare())).toMatch(/ca\.crt is missing but .*ca\.key exists; delete/);
  });

  it('refuses a CA near its end', async () => {
    const now = Date.now();
    await prepare(config(), now);
    expect(await configError(prepare(config(), now + 3640 * DAY_MS))).toMatch(/the local CA .* expires on/);
  });

  it('refuses a data dir that is a file', async () => {
    writeFileSync(root, '');
    expect(await configError(prepare())).toBe(`--data-dir (DENWA_DATA_DIR): ${root} is not a directory`);
  });
});
