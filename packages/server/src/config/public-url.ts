/**
 * The base URL of resource URLs (TwiML Bin `url`, webhook signatures): `--public-url` if given, else
 * derived from the public IP or bind host and the HTTP port.
 */
import type { DenwaConfig } from './load-config.ts';
import { isWildcardHost } from './values.ts';

/** `host` as it appears in a URL: a wildcard becomes 127.0.0.1, IPv6 gets brackets. */
function urlHost(host: string): string {
  const h = isWildcardHost(host) ? '127.0.0.1' : host;
  return h.includes(':') ? `[${h}]` : h;
}

/**
 * `config.publicUrl` when set, else `http://<public IP, else the host (127.0.0.1 for 0.0.0.0 and ::)>:<port>`.
 * Pass the bound port when `config.httpPort` is 0. No trailing slash.
 *
 * @example
 * ```ts
 * resolvePublicUrl(config, boundPort); // 'http://127.0.0.1:3000'
 * ```
 * @public
 */
export function resolvePublicUrl(
  config: Pick<DenwaConfig, 'publicUrl' | 'publicIp' | 'host' | 'httpPort'>,
  httpPort: number = config.httpPort,
): string {
  if (config.publicUrl !== null) return config.publicUrl;
  return `http://${urlHost(config.publicIp ?? config.host)}:${httpPort}`;
}
