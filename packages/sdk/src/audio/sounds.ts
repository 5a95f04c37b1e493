/**
 * The Device's sounds: `incoming` (looped on the ringtone devices while a call rings), `outgoing`
 * (once, when an outgoing call is answered), `disconnect` (once, when a call ends) and one per DTMF
 * key. Defaults come from the Denwa server that serves signaling (`/sdk/sounds/<name>.wav`); the
 * `sounds` option overrides any of them by URL. Against Twilio's own edges there are no defaults (no
 * third-party CDN), only overrides.
 */

/** @public */
export type SoundName =
  | 'incoming' | 'outgoing' | 'disconnect'
  | 'dtmf0' | 'dtmf1' | 'dtmf2' | 'dtmf3' | 'dtmf4' | 'dtmf5' | 'dtmf6' | 'dtmf7' | 'dtmf8' | 'dtmf9'
  | 'dtmfs' | 'dtmfh';

/** The `sounds` Device option: a URL per sound to replace. @public */
export type SoundOverrides = Partial<Readonly<Record<SoundName, string>>>;

export const SOUND_NAMES: readonly SoundName[] = [
  'incoming', 'outgoing', 'disconnect',
  'dtmf0', 'dtmf1', 'dtmf2', 'dtmf3', 'dtmf4', 'dtmf5', 'dtmf6', 'dtmf7', 'dtmf8', 'dtmf9', 'dtmfs', 'dtmfh',
];

/** The sound of a DTMF key (`*` → `dtmfs`, `#` → `dtmfh`), or null for a pause or anything else. */
export function dtmfSound(key: string): SoundName | null {
  if (key === '*') return 'dtmfs';
  if (key === '#') return 'dtmfh';
  return /^[0-9]$/.test(key) ? (`dtmf${key}` as SoundName) : null;
}

/** `https://host:port[/prefix]/sdk/sounds/` for a Denwa signaling URL; null for Twilio's edges. */
export function defaultSoundsBase(signalingUri: string | undefined): string | null {
  if (signalingUri === undefined) return null;
  let url: URL;
  try {
    url = new URL(signalingUri);
  } catch {
    return null;
  }
  if (/(^|\.)twilio\.com$/i.test(url.hostname)) return null;
  const scheme = url.protocol === 'ws:' ? 'http:' : 'https:';
  const prefix = url.pathname.replace(/\/signal\/?$/, '').replace(/\/$/, '');
  return `${scheme}//${url.host}${prefix}/sdk/sounds/`;
}

/** The URL each sound plays from (null: this sound has none). */
export function soundUrls(base: string | null, overrides: SoundOverrides | undefined): ReadonlyMap<SoundName, string | null> {
  const urls = new Map<SoundName, string | null>();
  for (const name of SOUND_NAMES) {
    const custom = overrides?.[name];
    urls.set(name, typeof custom === 'string' && custom !== '' ? custom : base === null ? null : `${base}${name}.wav`);
  }
  return urls;
}
