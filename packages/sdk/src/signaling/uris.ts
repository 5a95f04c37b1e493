/**
 * Signaling URLs from the Device options (twilio-signaling.md §2.1): `chunderw: 'host:port'` (or a
 * list, tried in order) → `wss://host:port/signal`; a full `ws://` or `wss://` URL is used as given;
 * Twilio `edge` names → `wss://voice-js.<edge>.twilio.com/signal`. With neither, the page's own host,
 * which is Denwa when Denwa serves the page.
 */
export interface UriOptions {
  readonly chunderw?: string | readonly string[];
  readonly edge?: string | readonly string[];
}

function list(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

export function signalingUris(options: UriOptions): string[] {
  const chunderw = list(options.chunderw).filter((c) => c !== '');
  if (chunderw.length > 0) return chunderw.map((c) => (/^wss?:\/\//i.test(c) ? c : `wss://${c}/signal`));
  const edges = list(options.edge).filter((e) => e !== '');
  if (edges.length > 0) return edges.map((e) => `wss://voice-js.${e}.twilio.com/signal`);
  if (typeof location !== 'undefined' && location.host !== '') {
    return [`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/signal`];
  }
  return ['wss://voice-js.roaming.twilio.com/signal'];
}
