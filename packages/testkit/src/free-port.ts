import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/**
 * A port on 127.0.0.1 that was free a moment ago (bound and released), for a peer process the test
 * starts. Another process may take it in between; tests retry or accept that rare failure.
 */
export function freePort(kind: 'udp' | 'tcp' = 'udp'): Promise<number> {
  return new Promise((resolve, reject) => {
    if (kind === 'udp') {
      const s = createSocket('udp4');
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => { resolve(port); }); });
      return;
    }
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0); });
    });
  });
}
