/**
 * Stateless HelloVerifyRequest cookies (RFC 6347 §4.2.1): "Cookie = HMAC(Secret, Client-IP,
 * Client-Parameters)". The server can verify a cookie without having kept anything from the first
 * ClientHello; a timestamp bounds its lifetime.
 */
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { u16, u16Vector, vector } from './byte-reader.ts';
import type { ClientHello } from './handshake-messages.ts';

/** Bytes of a cookie: a 4-byte timestamp (seconds) and 28 bytes of HMAC-SHA256. */
export const COOKIE_LENGTH = 32;
/** A cookie is accepted for this many seconds after it was issued. */
export const COOKIE_LIFETIME_S = 60;

const TIME_LENGTH = 4;

/**
 * The fields the client MUST repeat in its second ClientHello ("the client MUST use the same parameter
 * values (version, random, session_id, cipher_suites, compression_method)", RFC 6347 §4.2.1).
 */
function clientParameters(hello: ClientHello): Buffer {
  return Buffer.concat([
    u16(hello.clientVersion),
    hello.random,
    vector(1, hello.sessionId),
    u16Vector(hello.cipherSuites),
    vector(1, hello.compressionMethods),
  ]);
}

function mac(secret: Buffer | KeyObject, context: Buffer, time: Buffer, hello: ClientHello): Buffer {
  return createHmac('sha256', secret)
    .update(time)
    .update(vector(2, context))
    .update(clientParameters(hello))
    .digest()
    .subarray(0, COOKIE_LENGTH - TIME_LENGTH);
}

/**
 * A cookie for `hello` issued at `nowMs`. `secret` is the HMAC key (a secret `KeyObject` is
 * faster than a Buffer). `context` binds it to whatever the transport knows of the
 * peer (its address, say); it may be empty.
 */
export function makeCookie(secret: Buffer | KeyObject, context: Buffer, hello: ClientHello, nowMs: number): Buffer {
  const time = Buffer.allocUnsafe(TIME_LENGTH);
  time.writeUInt32BE(Math.floor(nowMs / 1000) >>> 0, 0);
  return Buffer.concat([time, mac(secret, context, time, hello)]);
}

/** True when `hello.cookie` is one {@link makeCookie} issued for these parameters less than {@link COOKIE_LIFETIME_S} ago. */
export function verifyCookie(secret: Buffer | KeyObject, context: Buffer, hello: ClientHello, nowMs: number): boolean {
  const cookie = hello.cookie;
  if (cookie.length !== COOKIE_LENGTH) return false;
  const time = cookie.subarray(0, TIME_LENGTH);
  const age = ((Math.floor(nowMs / 1000) >>> 0) - time.readUInt32BE(0)) >>> 0;
  if (age > COOKIE_LIFETIME_S) return false;
  return timingSafeEqual(cookie.subarray(TIME_LENGTH), mac(secret, context, time, hello));
}
