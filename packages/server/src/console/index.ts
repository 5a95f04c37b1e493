/**
 * The web console's entry routes: `/` (a status page linking the API and the local CA), `/healthz`,
 * `/ca.crt` (the local CA certificate, so a browser or OS can be told to trust it), the softphone at
 * `/phone/`, the phone simulator of the virtual carrier at `/simulator/`, the recordings at
 * `/recordings/`, and the SDK's bundle and
 * default sounds under `/sdk/`.
 */
import type { FastifyInstance } from 'fastify';
import type { AccountSid } from '@denwa/protocol';
import type { Clock, IdGenerator } from '../core/index.ts';
import type { Store } from '../store/ports.ts';
import { escapeHtml } from './escape-html.ts';
import { registerInsightsIntake, type InsightsIntakeStats } from './insights-intake.ts';
import { registerPhone } from './phone.ts';
import { registerRecordingsPage } from './recordings.ts';
import { registerSimulator } from './simulator.ts';
import { lazyBundle, registerSdkAssets, type WebAssetSources } from './web-assets.ts';

export { INSIGHTS_HOME_SEGMENT, insightsHome } from './insights-intake.ts';
export { ensureApiKey, ensureApplication } from './provision.ts';
export { syncTrunksFile, type TrunkSyncReport } from './provision-trunks.ts';
export { PHONE_APP_NAME, PHONE_DEFAULT_IDENTITY, PHONE_KEY_NAME, phoneTwiml } from './phone.ts';
export { SOUND_NAMES, soundWav } from './sounds.ts';
export { SIMULATOR_DEFAULT_NUMBER } from './simulator.ts';
export { ensureVirtualNumber, GUIDE_BIN_NAME, GUIDE_BIN_TWIML, VIRTUAL_NUMBER, VIRTUAL_NUMBER_NAME, type VirtualNumberOutcome } from './virtual-number.ts';
export type { WebAssetSources } from './web-assets.ts';

export interface ConsoleDeps {
  readonly version: string;
  readonly accountSid: AccountSid;
  readonly publicUrl: string;
  /** The https base URL (for `wss://…/signal`), or null when HTTPS is off. */
  readonly httpsUrl: string | null;
  /** PEM of the local CA, or null when the certificate was provided by the operator. */
  readonly caCertPem: string | null;
  /** Where the SDK and softphone sources are; null serves neither (503). */
  readonly webSources: WebAssetSources | null;
}

/** What the softphone needs besides the console's own settings. */
export interface ConsoleServices {
  readonly store: Store;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly publicUrl: () => string;
}

export function registerConsole(app: FastifyInstance, deps: ConsoleDeps, services: ConsoleServices): void {
  const insights: InsightsIntakeStats = { events: 0, metrics: 0 };
  app.get('/healthz', () => ({ status: 'ok', version: deps.version, insights }));
  registerInsightsIntake(app, insights);
  const sources = deps.webSources ?? { sdkEntry: '/nonexistent/denwa-sdk.ts', phoneDir: '/nonexistent/denwa-phone' };
  const sdk = lazyBundle(sources.sdkEntry, 'Denwa');
  registerSdkAssets(app, sdk);
  registerPhone(app, { ...services, accountSid: deps.accountSid, sources, sdk });
  registerSimulator(app, { ...services, accountSid: deps.accountSid, sources, sdk });
  registerRecordingsPage(app, { store: services.store, accountSid: deps.accountSid });

  app.get('/ca.crt', async (_req, reply) => {
    if (deps.caCertPem === null) return reply.code(404).type('text/plain').send('no local CA: this server uses a provided certificate\n');
    return reply.type('application/x-pem-file').header('Content-Disposition', 'attachment; filename="denwa-local-ca.crt"').send(deps.caCertPem);
  });

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(statusPage({ ...deps, publicUrl: services.publicUrl() })));
}

function statusPage(d: ConsoleDeps): string {
  const api = `${d.publicUrl}/2010-04-01/Accounts/${d.accountSid}`;
  const rows: [string, string][] = [
    ['Version', d.version],
    ['Account', d.accountSid],
    ['REST API', `${api}.json`],
    ['TwiML Bins', `${d.publicUrl}/v1/TwimlBins`],
    ['HTTPS', d.httpsUrl ?? 'off'],
    ['Softphone', `${d.publicUrl}/phone/`],
    ['Phone simulator', `${d.publicUrl}/simulator/`],
    ['Recordings', `${d.publicUrl}/recordings/`],
  ];
  const list = rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td><code>${escapeHtml(v)}</code></td></tr>`).join('');
  const ca = d.caCertPem === null ? '' : '<p>Browsers need to trust the local CA for <code>wss://</code>: <a href="/ca.crt">download denwa-local-ca.crt</a>.</p>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Denwa</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem auto;max-width:52rem;padding:0 1rem}th{text-align:left;padding-right:1rem}td code{word-break:break-all}</style>
</head><body><h1>Denwa</h1><p>Self-hosted, Twilio-compatible programmable voice.</p><table>${list}</table>${ca}
<p>Authenticate REST requests with HTTP Basic: the account SID and the auth token from the data directory's <code>credentials.json</code>.</p></body></html>`;
}
