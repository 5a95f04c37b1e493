/**
 * The Voice SDK 2.x MOS estimate (an E-model simplification, twilio-signaling.md §8.4) from round-trip
 * time and jitter in milliseconds and packet loss in percent. Null when an input is not a finite,
 * non-negative number. About 4.43 at zero latency and loss.
 */
export function mos(rttMs: number | null, jitterMs: number | null, lossPct: number | null): number | null {
  for (const x of [rttMs, jitterMs, lossPct]) if (x === null || !Number.isFinite(x) || x < 0) return null;
  const el = (rttMs ?? 0) + 2 * (jitterMs ?? 0) + 10;
  let r = 0;
  if (el < 160) r = 94.768 - el / 40;
  else if (el < 1000) r = 94.768 - (el - 120) / 10;
  const loss = lossPct ?? 0;
  r = loss <= r / 2.5 ? Math.max(r - 2.5 * loss, 6.52) : 0;
  return 1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r);
}
