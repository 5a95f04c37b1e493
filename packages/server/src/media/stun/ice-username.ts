/**
 * The ICE USERNAME of a connectivity check (RFC 8445 §7.2.2): `<receiver ufrag>:<sender ufrag>`.
 */
import { ATTR_MESSAGE_INTEGRITY, ATTR_USERNAME, STUN_ATTRIBUTE_HEADER_LENGTH, STUN_METHOD_BINDING } from './constants.ts';
import { scanStun } from './stun-decode.ts';

/** Binding request: method 0x001, class request (RFC 8489 §5, §18.2). */
const BINDING_REQUEST_TYPE = STUN_METHOD_BINDING;

/**
 * The local-ufrag part of a Binding request's USERNAME, unverified (no MESSAGE-INTEGRITY check), or
 * `undefined` when `buf` is not a well-formed Binding request with a `<ufrag>:<ufrag>` USERNAME. The
 * media port uses it to find the session of a first packet from an unknown address; the session's
 * `IceLiteAgent` then authenticates it. Never throws.
 */
export function ufragFromBindingRequest(buf: Buffer): string | undefined {
  const spans = scanStun(buf);
  if (!Array.isArray(spans) || buf.readUInt16BE(0) !== BINDING_REQUEST_TYPE) return undefined;
  // RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY are ignored.
  const end = spans.findIndex((s) => s.type === ATTR_MESSAGE_INTEGRITY);
  const span = spans.slice(0, end === -1 ? spans.length : end).find((s) => s.type === ATTR_USERNAME);
  if (span === undefined) return undefined;
  const start = span.offset + STUN_ATTRIBUTE_HEADER_LENGTH;
  const username = buf.toString('utf8', start, start + span.length);
  const colon = username.indexOf(':');
  return colon > 0 ? username.slice(0, colon) : undefined;
}

/** The USERNAME a peer puts in checks it sends to us: `<localUfrag>:<remoteUfrag>` (RFC 8445 §7.2.2). */
export function iceUsername(localUfrag: string, remoteUfrag: string): string {
  return `${localUfrag}:${remoteUfrag}`;
}
