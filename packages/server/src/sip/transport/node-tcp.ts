/**
 * {@link SipTransport} over TCP (RFC 3261 §18.3): a listener plus outgoing connections reused both
 * ways, framed and bounded as `node-stream.ts` describes.
 */
import { createConnection, createServer } from 'node:net';
import { NodeSipStream, type SipStreamOptions } from './node-stream.ts';
import type { SipAddress, SipTransport } from './sip-transport.ts';

/** Limits of the TCP transport. */
export type SipTcpOptions = SipStreamOptions;

/** Listens for SIP over TCP (port 0 picks a free one). */
export function listenSipTcp(local: SipAddress, options: SipTcpOptions = {}): Promise<SipTransport & { readonly connections: number }> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(local.port, local.address, () => {
      server.off('error', reject);
      resolve(new NodeSipStream('TCP', server, 'connection', (to) => createConnection({ host: to.address, port: to.port }), options));
    });
  });
}
