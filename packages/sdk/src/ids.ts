/** Identifiers the SDK mints (twilio-signaling.md §3.4). */

function hex(bytes: number): string {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** The temporary id of an outgoing call until the server assigns its `CA…` sid: `TJS` + a UUIDv4. */
export function temporaryCallSid(): string {
  const h = hex(16);
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `TJS${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A call message's `voiceeventsid`: `KX` + 32 lowercase hex digits. */
export function voiceEventSid(): string {
  return `KX${hex(16)}`;
}
