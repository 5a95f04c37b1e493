/**
 * The local CA and the server certificates it issues: ECDSA P-256 keys, SHA-256 signatures, generated
 * with `@peculiar/x509` over WebCrypto and checked with Node's `X509Certificate`.
 *
 * @internal
 */
import { KeyObject, createPrivateKey, webcrypto, type X509Certificate } from 'node:crypto';
import { canonicalIp, isDnsName, isIpLiteral, isWildcardHost } from './values.ts';
import { x509 } from './x509.ts';

/** A certificate and its private key, both PEM. */
export interface CertAndKey {
  readonly certPem: string;
  readonly keyPem: string;
}

/** The subject alternative names a server certificate must carry. */
export interface SubjectNames {
  readonly dns: readonly string[];
  /** Canonical IP literals. */
  readonly ips: readonly string[];
}

const DAY_MS = 86_400_000;
const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
/** Node's name of P-256. */
const P256 = 'prime256v1';

/** The local CA lives about ten years. */
export const CA_VALIDITY_MS = 3650 * DAY_MS;
/**
 * Server certificates live at most 825 days in all (Apple's limit for TLS certificates, which applies
 * to user-trusted CAs too), counting the backdating below.
 */
export const SERVER_VALIDITY_MS = 824 * DAY_MS;
/** `notBefore` lies an hour in the past, so a client whose clock lags slightly accepts a fresh certificate. */
export const BACKDATE_MS = 3_600_000;
/** A server certificate closer than this to its end is re-issued; a CA that close is refused. */
export const RENEW_BEFORE_MS = 30 * DAY_MS;

/**
 * A positive serial number from 32 random hex digits: the first digit is forced to 1–7, so the DER
 * integer is positive and minimally encoded.
 */
export function serialFromHex(hex32: string): string {
  const first = Number.parseInt(hex32.slice(0, 1), 16);
  return `${'1234567'.charAt(Number.isNaN(first) ? 0 : first % 7)}${hex32.slice(1)}`;
}

function ensureNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

function privateKeyPem(key: webcrypto.CryptoKey): string {
  return String(KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }));
}

/** True when `key` is a P-256 private key, the only kind this module issues with. */
export function isP256PrivateKey(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === P256;
}

/**
 * A new local CA: self-signed, `CN=Denwa Local CA <label>`, basicConstraints CA (critical, path length
 * 0: it only issues server certificates), keyUsage keyCertSign and cRLSign (critical).
 */
export async function createLocalCa(opts: { now: number; serialHex: string; label: string }): Promise<CertAndKey> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialFromHex(opts.serialHex),
    name: [{ CN: [`Denwa Local CA ${opts.label}`] }, { O: ['Denwa'] }],
    notBefore: new Date(opts.now - BACKDATE_MS),
    notAfter: new Date(opts.now + CA_VALIDITY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: ensureNewline(cert.toString('pem')), keyPem: privateKeyPem(keys.privateKey) };
}

/**
 * A server certificate signed by `ca`: serverAuth, digitalSignature, the given SANs, valid for
 * {@link SERVER_VALIDITY_MS} (never past the CA's own end). `ca.keyPem` must be a P-256 key.
 */
export async function issueServerCert(opts: {
  ca: CertAndKey;
  names: SubjectNames;
  now: number;
  serialHex: string;
}): Promise<CertAndKey> {
  const caCert = new x509.X509Certificate(opts.ca.certPem);
  const caKey = createPrivateKey(opts.ca.keyPem).toCryptoKey(KEY_ALGORITHM, false, ['sign']);
  const keys = await generateKeys();
  const notAfter = Math.min(opts.now + SERVER_VALIDITY_MS, caCert.notAfter.getTime());
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialFromHex(opts.serialHex),
    subject: [{ CN: ['Denwa Server'] }, { O: ['Denwa'] }],
    issuer: caCert.subject,
    notBefore: new Date(opts.now - BACKDATE_MS),
    notAfter: new Date(notAfter),
    signingAlgorithm: SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...opts.names.dns.map((value) => ({ type: 'dns' as const, value })),
        ...opts.names.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { certPem: ensureNewline(cert.toString('pem')), keyPem: privateKeyPem(keys.privateKey) };
}

/**
 * The SANs the server certificate needs: DNS `localhost`, the machine's host name, IP 127.0.0.1 and
 * ::1, the public IP if set, and the bind host unless it is a wildcard.
 */
export function serverNames(opts: { host: string; publicIp: string | null; hostname: string }): SubjectNames {
  const dns = new Set<string>(['localhost']);
  const ips = new Set<string>(['127.0.0.1', '::1']);
  const add = (name: string): void => {
    if (isIpLiteral(name)) ips.add(canonicalIp(name));
    else if (isDnsName(name)) dns.add(name.toLowerCase());
  };
  add(opts.hostname);
  if (opts.publicIp !== null) add(opts.publicIp);
  if (!isWildcardHost(opts.host)) add(opts.host);
  return { dns: [...dns], ips: [...ips] };
}

/** True when `cert` carries every name in `names` as a SAN (exact names, no wildcards). */
export function coversNames(cert: X509Certificate, names: SubjectNames): boolean {
  return (
    names.dns.every((n) => cert.checkHost(n, { subject: 'never', wildcards: false }) !== undefined) &&
    names.ips.every((ip) => cert.checkIP(ip) !== undefined)
  );
}
