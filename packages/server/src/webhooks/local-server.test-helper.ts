/**
 * Fixtures for the webhook client tests (not a test file itself): a 127.0.0.1 HTTP server on an
 * ephemeral port that records what it receives, a dead port, a recording notification store and a
 * logger whose lines can be inspected.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AccountSid, NotificationSid } from '@denwa/protocol';
import { createLogger, type Logger } from '../core/index.ts';
import type { NotificationRecord, NotificationStore, Page } from '../store/ports.ts';

/** One request as the server saw it. */
export interface SeenRequest {
  readonly method: string;
  /** The request target: path and query. */
  readonly target: string;
  /** The full URL the server reconstructs from its own origin and the target. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export type Handler = (req: SeenRequest, res: ServerResponse) => void;

export interface LocalServer {
  readonly origin: string;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new TypeError('no TCP address');
  return address.port;
}

/** Starts a server that reads each request body, records the request, then runs `handler`. */
export async function startServer(handler: Handler): Promise<LocalServer> {
  const requests: SeenRequest[] = [];
  let origin = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = req.url ?? '/';
      const seen: SeenRequest = {
        method: req.method ?? '',
        target,
        url: `${origin}${target}`,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(seen);
      handler(seen, res);
    });
  });
  const port = await listen(server);
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    },
  };
}

/** A port nothing listens on: bound, then released. */
export async function deadPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  return port;
}

/** A notification store that keeps what it is given, or fails every insert when `failing`. */
export class RecordingNotifications implements NotificationStore {
  readonly records: NotificationRecord[] = [];
  failing = false;

  insert(n: NotificationRecord): Promise<void> {
    if (this.failing) return Promise.reject(new Error('disk full'));
    this.records.push(n);
    return Promise.resolve();
  }

  get(accountSid: AccountSid, sid: NotificationSid): Promise<NotificationRecord | null> {
    return Promise.resolve(this.records.find((r) => r.accountSid === accountSid && r.sid === sid) ?? null);
  }

  list(accountSid: AccountSid): Promise<Page<NotificationRecord>> {
    return Promise.resolve({ items: this.records.filter((r) => r.accountSid === accountSid).reverse(), hasMore: false });
  }
}

/** A debug-level logger writing JSON lines into memory. */
export function memoryLogger(): { readonly log: Logger; readonly lines: () => readonly string[] } {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { log, lines: () => lines };
}
