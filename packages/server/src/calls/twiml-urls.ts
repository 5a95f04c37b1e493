/** URLs in TwiML (`action`, callbacks) resolve against the URL of the document they came from. */

/** `url` resolved against `base` (the TwiML document's URL), or null when it is not a URL. */
export function resolveUrl(url: string, base: string | null): string | null {
  try {
    return base === null ? new URL(url).href : new URL(url, base).href;
  } catch {
    return null;
  }
}
