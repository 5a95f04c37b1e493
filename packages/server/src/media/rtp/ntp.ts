/**
 * NTP timestamps for RTCP (RFC 3550 §4): 64-bit values (32-bit seconds since 1900 + 32-bit
 * fraction) derived from a millisecond clock such as `Clock.now()`, and the "compact" middle 32
 * bits (16.16 fixed point seconds) used by LSR, DLSR and round-trip times (§6.4.1).
 * Seconds wrap modulo 2^32 (the 2036 era rollover), which the compact form tolerates.
 * @see https://www.rfc-editor.org/rfc/rfc3550#section-4
 */
import { NTP_UNIX_OFFSET_SECONDS, UINT32_MOD } from './constants.ts';

/** A 64-bit NTP timestamp split into its two 32-bit words. */
export interface NtpTimestamp {
  /** Seconds since 1900-01-01 UTC, modulo 2^32. */
  readonly seconds: number;
  /** Fraction of a second in units of 2^−32 s. */
  readonly fraction: number;
}

/** Converts milliseconds since the Unix epoch to an NTP timestamp. */
export function ntpFromMs(ms: number): NtpTimestamp {
  const wholeSeconds = Math.floor(ms / 1000);
  const fraction = Math.min(UINT32_MOD - 1, Math.floor(((ms - wholeSeconds * 1000) / 1000) * UINT32_MOD));
  const seconds = (((wholeSeconds + NTP_UNIX_OFFSET_SECONDS) % UINT32_MOD) + UINT32_MOD) % UINT32_MOD;
  return { seconds, fraction };
}

/** Converts an NTP timestamp back to milliseconds since the Unix epoch (era 0, before 2036). */
export function msFromNtp(seconds: number, fraction: number): number {
  return (seconds - NTP_UNIX_OFFSET_SECONDS) * 1000 + (fraction / UINT32_MOD) * 1000;
}

/** The middle 32 bits of a 64-bit NTP timestamp (low 16 bits of seconds, high 16 of fraction). */
export function ntpMiddle32(seconds: number, fraction: number): number {
  return (((seconds & 0xffff) << 16) | (fraction >>> 16)) >>> 0;
}

/** The compact (middle 32 bits) NTP time for a ms clock value: the "now" of an RTT computation. */
export function compactNtpFromMs(ms: number): number {
  const t = ntpFromMs(ms);
  return ntpMiddle32(t.seconds, t.fraction);
}

/** Converts a duration in compact NTP units (1/65536 s) to milliseconds. */
export function compactNtpToMs(units: number): number {
  return (units * 1000) / 65536;
}

/** Converts a duration in milliseconds to compact NTP units (1/65536 s), rounded, clamped to 32 bits. */
export function msToCompactNtp(ms: number): number {
  const units = Math.round((ms * 65536) / 1000);
  return units <= 0 ? 0 : Math.min(units, UINT32_MOD - 1);
}
