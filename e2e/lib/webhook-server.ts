/** The application's web server in the tests: serves TwiML per path and records every request. */
import { createServer, type Server } from 'node:http';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Record<string, string>;
  /** The request's path and query, as it arrived. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** `Date.now()` when the request ended. */
  readonly at: number;
}

export interface WebhookServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** TwiML to answer on `path` (a function of the request parameters, or a string). */
  route(path: string, twiml: string | ((params: Record<string, string>) => string)): void;
  close(): Promise<void>;
}

export async function startWebhookServer(): Promise<WebhookServer> {
  const routes = new Map<string, string | ((params: Record<string, string>) => string)>();
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
      for (const [k, v] of url.searchParams) params[k] = v;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      requests.push({ method: req.method ?? '', path: url.pathname, params, url: req.url ?? '/', headers, at: Date.now() });
      const route = routes.get(url.pathname);
      const body = route === undefined ? '<Response/>' : typeof route === 'string' ? route : route(params);
      res.writeHead(200, { 'content-type': 'text/xml' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    requests,
    route(path, twiml) { routes.set(path, twiml); },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => { resolve(); }); }),
  };
}
