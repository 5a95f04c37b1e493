/**
 * A heartbeat file: the running server writes the time into it every second, so the next start knows
 * when a run that died without shutting down (`kill -9`, power loss) was last alive. Calls that run
 * cut end at that moment rather than at their last status change.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Clock } from './clock.ts';

const INTERVAL_MS = 1000;

/** The time in the heartbeat file at `path` (ms since epoch), or null when there is none. */
export async function lastHeartbeat(path: string): Promise<number | null> {
  const text = await readFile(path, 'utf8').catch(() => null);
  const ms = text === null ? NaN : Number(text.trim());
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null;
}

/** Writes the time to `path` now and every second until the returned function is called. */
export function startHeartbeat(path: string, clock: Clock): () => void {
  const beat = (): void => { void writeFile(path, `${String(clock.now())}\n`, { mode: 0o600 }).catch(() => undefined); };
  beat();
  const timer = setInterval(beat, INTERVAL_MS);
  timer.unref();
  return () => { clearInterval(timer); };
}
