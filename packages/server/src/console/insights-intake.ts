/**
 * Where the browser SDKs post Insights (twilio-signaling.md §7): 2.x posts to
 * `https://eventgw.<home>.twilio.com/v4/Endpoint{Events,Metrics}` with the `home` Denwa announces in
 * `connected` (so `home = localhost:<port>/insights` lands on `/insights.twilio.com/v4/…` here), and
 * 1.x posts to `https://<eventgw option>/v4/Endpoint{Events,Metrics}`. The bodies are accepted and
 * counted; storing and graphing them is the Insights milestone's job. Posts are cross-origin, so
 * the CORS preflight is answered too.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The path segment Denwa puts into `home`; see `insightsHome`. */
export const INSIGHTS_HOME_SEGMENT = 'insights';

/** Insights bodies above this size are refused (a metrics batch of 10 samples is ~5 KiB). */
const INSIGHTS_BODY_LIMIT = 256 * 1024;

const PATHS = [
  `/${INSIGHTS_HOME_SEGMENT}.twilio.com/v4/EndpointEvents`,
  `/${INSIGHTS_HOME_SEGMENT}.twilio.com/v4/EndpointMetrics`,
  '/v4/EndpointEvents',
  '/v4/EndpointMetrics',
] as const;

export interface InsightsIntakeStats {
  events: number;
  metrics: number;
}

/**
 * The `home` value for `connected` so that 2.x Insights posts reach this server: Chrome resolves
 * every `*.localhost` name to the loopback address, so a loopback host becomes `localhost`.
 */
export function insightsHome(host: string, httpsPort: number): string {
  const loopback = host === '127.0.0.1' || host === '::1' || host === 'localhost' || host === '0.0.0.0' || host === '::';
  const name = loopback ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `${name}:${String(httpsPort)}/${INSIGHTS_HOME_SEGMENT}`;
}

function cors(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const origin = req.headers.origin;
  return reply
    .header('Access-Control-Allow-Origin', typeof origin === 'string' ? origin : '*')
    .header('Vary', 'Origin')
    .header('Access-Control-Allow-Methods', 'POST, OPTIONS')
    .header('Access-Control-Allow-Headers', 'Content-Type, X-Twilio-Token')
    .header('Access-Control-Max-Age', '600');
}

export function registerInsightsIntake(app: FastifyInstance, stats: InsightsIntakeStats): void {
  for (const path of PATHS) {
    const metrics = path.endsWith('Metrics');
    app.options(path, async (req, reply) => cors(req, reply).code(204).send());
    app.post(path, { bodyLimit: INSIGHTS_BODY_LIMIT }, async (req, reply) => {
      if (metrics) stats.metrics += 1;
      else stats.events += 1;
      return cors(req, reply).code(204).send();
    });
  }
}
