/**
 * SDES keying of SRTP on SIP legs (RFC 4568): `a=crypto:<tag> <suite> inline:<key‖salt>[|lifetime][|MKI:length]`.
 * Each side's line is the key it sends with. Denwa supports AES_CM_128_HMAC_SHA1_80 and _32 (RFC 4568
 * §6.2) and AEAD_AES_128_GCM / AEAD_AES_256_GCM (RFC 7714 §14). A lifetime is accepted and ignored
 * (a call never reaches 2^31 packets); an MKI is accepted on the peer's key (its packets carry it and
 * Denwa skips it), Denwa's own keys have none. Lines with several keys or with session parameters
 * other than WSH are unsupported. Pure: the caller brings the random keys.
 */
import type { VoiceError } from '@denwa/protocol';
import { sdpRefusal } from './refusal.ts';
import { printable } from './sdp-lines.ts';

/** The suites Denwa keys with SDES, in the order of its offers. */
export type SdesSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32' | 'AEAD_AES_128_GCM' | 'AEAD_AES_256_GCM';

/** Master key + salt length of each suite (RFC 4568 §6.2, RFC 7714 §14.2). */
export const SDES_KEY_LENGTH: Readonly<Record<SdesSuite, number>> = {
  AES_CM_128_HMAC_SHA1_80: 30,
  AES_CM_128_HMAC_SHA1_32: 30,
  AEAD_AES_128_GCM: 28,
  AEAD_AES_256_GCM: 44,
};

/** Suites Denwa puts in its own offers (the two every SDES carrier knows). */
export const SDES_OFFER_SUITES: readonly SdesSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'];

/** How a SIP leg treats SRTP: `off` plain RTP only; `optional` SDES when the peer does it (RTP/AVP with a=crypto, "best effort"); `required` RTP/SAVP only. */
export type SrtpPolicy = 'off' | 'optional' | 'required';

/** A usable `a=crypto` line. */
export interface SdesKey {
  readonly tag: number;
  readonly suite: SdesSuite;
  /** Master key followed by master salt. */
  readonly keySalt: Uint8Array;
  /** Bytes of MKI the sender puts before each tag (0: none). */
  readonly mkiLength: number;
}

/** One `a=crypto` line as read: a usable key, or why it is not usable. */
export type SdesLine = { readonly ok: true; readonly key: SdesKey } | { readonly ok: false; readonly tag: number; readonly suite: string; readonly reason: string };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function isSuite(name: string): name is SdesSuite {
  return Object.hasOwn(SDES_KEY_LENGTH, name);
}

/** Reads the value of one `a=crypto` attribute (what follows `a=crypto:`). Never throws. */
export function parseCryptoAttribute(value: string): SdesLine {
  const [tagText = '', suite = '', keyParams = '', ...session] = value.trim().split(/\s+/);
  const tag = /^\d{1,9}$/.test(tagText) ? Number(tagText) : -1;
  const bad = (reason: string): SdesLine => ({ ok: false, tag, suite: printable(suite), reason });
  if (tag < 0) return bad('no tag');
  if (!isSuite(suite)) return bad(`suite ${printable(suite)} is not supported`);
  if (keyParams.includes(';')) return bad('several keys');
  if (session.some((p) => !p.startsWith('WSH='))) return bad('session parameters other than WSH');
  if (!keyParams.startsWith('inline:')) return bad('no inline key');
  const [key = '', ...extras] = keyParams.slice('inline:'.length).split('|');
  let mkiLength = 0;
  for (const extra of extras) {
    const mki = /^(\d+):(\d+)$/.exec(extra);
    if (mki !== null) mkiLength = Number(mki[2]);
    else if (!/^(\d+|2\^\d+)$/.test(extra)) return bad(`unreadable key parameter ${printable(extra)}`);
  }
  if (mkiLength > 4) return bad('MKI longer than 4 bytes');
  if (mkiLength > 0 && suite.startsWith('AEAD')) return bad('MKI with an AEAD suite');
  const keySalt = BASE64.test(key) ? Uint8Array.from(Buffer.from(key, 'base64')) : new Uint8Array(0);
  if (keySalt.length !== SDES_KEY_LENGTH[suite]) return bad(`the key is not ${String(SDES_KEY_LENGTH[suite])} base64 bytes`);
  return { ok: true, key: { tag, suite, keySalt, mkiLength } };
}

/** `a=crypto` attribute value for Denwa's own key (no lifetime, no MKI). */
export function cryptoAttribute(tag: number, suite: SdesSuite, keySalt: Uint8Array): string {
  return `${String(tag)} ${suite} inline:${Buffer.from(keySalt).toString('base64')}`;
}

/** True for the SRTP profiles of SDES m-lines. */
export function isSavp(protocol: string): boolean {
  return protocol === 'RTP/SAVP' || protocol === 'RTP/SAVPF';
}

function refusal(detail: string): VoiceError {
  return sdpRefusal('bad-protocol', detail);
}

function describe(lines: readonly SdesLine[]): string {
  return lines.map((l) => (l.ok ? l.key.suite : `${l.suite} (${l.reason})`)).join(', ');
}

/**
 * What Denwa does with a SIP peer's offer under `policy`: the peer's key to use (SRTP), null (plain
 * RTP), or a 31400 refusal: RTP/SAVP with no usable `a=crypto` (or with `policy` off), or RTP/AVP
 * without one when `policy` is required. The first usable line in the offer's order is chosen.
 */
export function answerSdes(protocol: string, lines: readonly SdesLine[], policy: SrtpPolicy): SdesKey | null | VoiceError {
  const savp = isSavp(protocol);
  if (policy === 'off') {
    return savp ? refusal(`the audio m-line uses ${protocol} (SDES-SRTP), which this SIP leg does not accept; offer RTP/AVP`) : null;
  }
  const chosen = lines.find((l) => l.ok);
  if (chosen?.ok === true) return chosen.key;
  if (savp || policy === 'required') {
    const what = lines.length === 0 ? 'no a=crypto line' : `no supported a=crypto suite (offered: ${describe(lines)}; supported: ${Object.keys(SDES_KEY_LENGTH).join(', ')})`;
    return refusal(`the audio m-line uses ${protocol} (SDES-SRTP) with ${what}`);
  }
  return null;
}

/**
 * The peer's key from its answer to Denwa's offer of `offered` (tag → suite): null for a plain
 * answer (allowed unless `policy` is required), or a refusal when the answer picked a tag Denwa did
 * not offer, changed its suite, or is plain while SRTP is required.
 */
export function readSdesAnswer(protocol: string, lines: readonly SdesLine[], offered: ReadonlyMap<number, SdesSuite>, policy: SrtpPolicy): SdesKey | null | VoiceError {
  if (offered.size === 0) return isSavp(protocol) ? refusal(`the answer uses ${protocol}, but Denwa offered plain RTP/AVP`) : null;
  const line = lines[0];
  if (line === undefined) {
    return policy === 'required' || isSavp(protocol) ? refusal('the answer has no a=crypto line, but Denwa requires SRTP') : null;
  }
  if (!line.ok) return refusal(`the answer's a=crypto is unusable: ${line.reason}`);
  if (offered.get(line.key.tag) !== line.key.suite) return refusal(`the answer's a=crypto:${String(line.key.tag)} ${line.key.suite} does not match Denwa's offer`);
  return line.key;
}
