/**
 * The certificate and key the HTTPS/WSS listener serves: a provided one (`--tls-cert`/`--tls-key`, or
 * one issued by the data dir's local CA, which is created on first start.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import type { IdGenerator } from '../core/index.ts';
import {
  RENEW_BEFORE_MS,
  coversNames,
  createLocalCa,
  isP256PrivateKey,
  issueServerCert,
  type CertAndKey,
  type SubjectNames,
} from './certificates.ts';
import { ConfigError } from './config-error.ts';
import { OPTIONS, optionLabel } from './flags.ts';
import { PUBLIC_FILE_MODE, SECRET_FILE_MODE, makePrivateDir, readIfExists, writeFileAtomic } from './files.ts';
import type { TlsFiles } from './load-config.ts';

/** What the HTTPS/WSS listener serves, and the CA clients must trust. @public */
export interface TlsMaterial {
  readonly certPem: string;
  readonly keyPem: string;
  /** The local CA's certificate (PEM), or null with a provided certificate. */
  readonly caPem: string | null;
  /** Where the local CA's certificate is (`<data dir>/tls/ca.crt`, or null with a provided certificate. */
  readonly caCertPath: string | null;
  /** `generated`: the local CA was created now; `existing`: it was reused; `provided`: `--tls-cert`/`--tls-key`. */
  readonly source: 'generated' | 'existing' | 'provided';
}

/** What the local TLS files are called inside `<data dir>/tls/`. */
export const TLS_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  serverCert: 'server.crt',
  serverKey: 'server.key',
} as const;

type Deps = { readonly ids: IdGenerator; now(): number };

function parseCert(pem: string, message: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new ConfigError(message, { cause: err });
  }
}

function parseKey(pem: string, message: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (err) {
    throw new ConfigError(message, { cause: err });
  }
}

/**
 * Reads the certificate and key given with `--tls-cert`/`--tls-key` and checks that they parse and
 * belong together.
 *
 * @throws ConfigError naming the flag and file (never the key) when a file is missing, unreadable,
 *   not PEM, or the key is not the certificate's.
 * @internal
 */
export async function readProvidedTls(files: TlsFiles): Promise<TlsMaterial> {
  const certLabel = optionLabel(OPTIONS.tlsCert);
  const keyLabel = optionLabel(OPTIONS.tlsKey);
  const [certPem, keyPem] = await Promise.all([readIfExists(files.certFile), readIfExists(files.keyFile)]);
  if (certPem === null) throw new ConfigError(`${certLabel}: ${files.certFile} does not exist`);
  if (keyPem === null) throw new ConfigError(`${keyLabel}: ${files.keyFile} does not exist`);
  const cert = parseCert(certPem, `${certLabel}: ${files.certFile} is not a PEM certificate`);
  const key = parseKey(keyPem, `${keyLabel}: ${files.keyFile} is not an unencrypted PEM private key`);
  if (!cert.checkPrivateKey(key)) {
    throw new ConfigError(`${keyLabel}: ${files.keyFile} is not the key of the certificate in ${files.certFile}`);
  }
  return { certPem, keyPem, caPem: null, caCertPath: null, source: 'provided' };
}

interface LoadedCa extends CertAndKey {
  readonly cert: X509Certificate;
  readonly generated: boolean;
}

async function loadOrCreateCa(dir: string, deps: Deps): Promise<LoadedCa> {
  const certPath = join(dir, TLS_FILES.caCert);
  const keyPath = join(dir, TLS_FILES.caKey);
  const remedy = `delete ${certPath} and ${keyPath} to create a new local CA (browsers must then trust the new one)`;
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (certPem === null && keyPem === null) {
    const ca = await createLocalCa({ now: deps.now(), serialHex: deps.ids.secret(), label: deps.ids.secret().slice(0, 8) });
    await writeFileAtomic(keyPath, ca.keyPem, SECRET_FILE_MODE);
    await writeFileAtomic(certPath, ca.certPem, PUBLIC_FILE_MODE);
    return { ...ca, cert: new X509Certificate(ca.certPem), generated: true };
  }
  if (certPem === null) throw new ConfigError(`${certPath} is missing but ${keyPath} exists; ${remedy}`);
  if (keyPem === null) throw new ConfigError(`${keyPath} is missing but ${certPath} exists; ${remedy}`);
  const cert = parseCert(certPem, `${certPath} is not a readable PEM certificate; ${remedy}`);
  const key = parseKey(keyPem, `${keyPath} is not a readable PEM private key; ${remedy}`);
  if (!cert.ca || !isP256PrivateKey(key) || !cert.checkPrivateKey(key)) {
    throw new ConfigError(`${certPath} and ${keyPath} are not a Denwa local CA (P-256 CA certificate and its key); ${remedy}`);
  }
  if (cert.validToDate.getTime() - deps.now() < RENEW_BEFORE_MS) {
    throw new ConfigError(`the local CA ${certPath} expires on ${cert.validToDate.toISOString()}; ${remedy}`);
  }
  return { certPem, keyPem, cert, generated: false };
}

/** True when the server certificate can be served as it is. */
function serverCertUsable(cert: X509Certificate, key: KeyObject, ca: X509Certificate, names: SubjectNames, now: number): boolean {
  return (
    cert.checkIssued(ca) &&
    cert.verify(ca.publicKey) &&
    cert.checkPrivateKey(key) &&
    coversNames(cert, names) &&
    cert.validFromDate.getTime() <= now &&
    cert.validToDate.getTime() - now >= RENEW_BEFORE_MS
  );
}

async function loadOrIssueServerCert(dir: string, ca: LoadedCa, names: SubjectNames, deps: Deps): Promise<CertAndKey> {
  const certPath = join(dir, TLS_FILES.serverCert);
  const keyPath = join(dir, TLS_FILES.serverKey);
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (certPem !== null && keyPem !== null) {
    const remedy = `delete ${certPath} and ${keyPath} and Denwa issues a new one from the local CA`;
    const cert = parseCert(certPem, `${certPath} is not a readable PEM certificate; ${remedy}`);
    const key = parseKey(keyPem, `${keyPath} is not a readable PEM private key; ${remedy}`);
    if (serverCertUsable(cert, key, ca.cert, names, deps.now())) return { certPem, keyPem };
  }
  const issued = await issueServerCert({ ca, names, now: deps.now(), serialHex: deps.ids.secret() });
  await writeFileAtomic(keyPath, issued.keyPem, SECRET_FILE_MODE);
  await writeFileAtomic(certPath, issued.certPem, PUBLIC_FILE_MODE);
  return issued;
}

/**
 * The local TLS material in `dir` (`<data dir>/tls`): the CA is created on first use and kept; the server
 * certificate is reused while it is issued by that CA, matches its key, carries every name in `names`
 * and has more than 30 days left, and is re-issued otherwise. Keys are written 0600.
 *
 * @throws ConfigError when a CA file is missing, unreadable or expiring, or a server file is not PEM.
 * @internal
 */
export async function prepareLocalTls(dir: string, names: SubjectNames, deps: Deps): Promise<TlsMaterial> {
  await makePrivateDir(dir);
  const ca = await loadOrCreateCa(dir, deps);
  const server = await loadOrIssueServerCert(dir, ca, names, deps);
  return {
    certPem: server.certPem,
    keyPem: server.keyPem,
    caPem: ca.certPem,
    caCertPath: join(dir, TLS_FILES.caCert),
    source: ca.generated ? 'generated' : 'existing',
  };
}
