/**
 * {@link SipTransport} over TLS (RFC 3261 §26.2.1, RFC 5630): the TCP transport's framing,
 * connection reuse and limits (`node-stream.ts`) with `node:tls` underneath. Outgoing connections
 * verify the server's certificate by default (against `ca`, else the system's roots), for the name
 * `servername` gives (also sent as SNI), else for the IP address connected to. Via and Contact say
 * `TLS`; the default port is 5061.
 */
import { connect, createServer, type ConnectionOptions } from 'node:tls';
import { NodeSipStream, type SipStreamOptions } from './node-stream.ts';
import type { SipAddress, SipTransport } from './sip-transport.ts';

/** The certificate, key and trust of the TLS transport, and its limits. */
export interface SipTlsOptions extends SipStreamOptions {
  /** PEM certificate chain presented to peers (as server, and as client when asked). */
  readonly cert: string | Buffer;
  /** PEM private key of `cert`. */
  readonly key: string | Buffer;
  /** PEM CA certificates trusted for outgoing connections (default: Node's root store). */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Verify the server's certificate on outgoing connections (default true; turn off only in tests). */
  readonly rejectUnauthorized?: boolean;
  /** The host name a destination's certificate must carry, sent as SNI (default: none; the certificate must carry the IP address). */
  readonly servername?: (to: SipAddress) => string | undefined;
}

/** Listens for SIP over TLS (port 0 picks a free one). */
export function listenSipTls(local: SipAddress, options: SipTlsOptions): Promise<SipTransport & { readonly connections: number }> {
  const server = createServer({ cert: options.cert, key: options.key, minVersion: 'TLSv1.2' });
  const dial = (to: SipAddress): ReturnType<typeof connect> => {
    const servername = options.servername?.(to);
    const o: ConnectionOptions = {
      host: to.address,
      port: to.port,
      cert: options.cert,
      key: options.key,
      minVersion: 'TLSv1.2',
      rejectUnauthorized: options.rejectUnauthorized ?? true,
      ...(options.ca === undefined ? {} : { ca: [options.ca].flat() }),
      ...(servername === undefined ? {} : { servername }),
    };
    return connect(o);
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(local.port, local.address, () => {
      server.off('error', reject);
      resolve(new NodeSipStream('TLS', server, 'secureConnection', dial, options));
    });
  });
}
