/**
 * ICE credentials (RFC 8445 §5.3, RFC 8839 §5.4): random ice-ufrag and ice-pwd for the SDP Denwa
 * sends. Base64 of random bytes uses exactly the ice-char set (ALPHA / DIGIT / "+" / "/"), and a
 * byte count divisible by 3 leaves no "=" padding.
 */
import { randomBytes } from 'node:crypto';
import { MIN_PWD_LENGTH, MIN_UFRAG_LENGTH } from './constants.ts';

/** A source of random bytes; `crypto.randomBytes` unless a test injects one. */
export type RandomBytes = (size: number) => Buffer;

const ICE_CHARS = /^[A-Za-z0-9+/]+$/;

/** True when `text` is 1–256 ice-chars (RFC 8839 §5.4 grammar). */
export function isIceChars(text: string): boolean {
  return text.length <= 256 && ICE_CHARS.test(text);
}

/**
 * A fresh ice-ufrag: 8 ice-chars (48 random bits; RFC 8445 §5.3 asks for at least 4 characters and
 * 24 bits). The media port routes a first packet by it, so it should be unique per live session.
 */
export function generateIceUfrag(random: RandomBytes = randomBytes): string {
  const ufrag = random(6).toString('base64');
  if (ufrag.length < MIN_UFRAG_LENGTH || !isIceChars(ufrag)) throw new TypeError('random source returned too few bytes');
  return ufrag;
}

/** A fresh ice-pwd: 24 ice-chars (144 random bits; RFC 8445 §5.3: at least 22 characters, 128 bits). */
export function generateIcePwd(random: RandomBytes = randomBytes): string {
  const pwd = random(18).toString('base64');
  if (pwd.length < MIN_PWD_LENGTH || !isIceChars(pwd)) throw new TypeError('random source returned too few bytes');
  return pwd;
}
