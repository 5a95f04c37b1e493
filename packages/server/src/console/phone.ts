/**
 * The console's softphone at `/phone/`: the quickstart's page, served by Denwa itself. The page and
 * its token need the account's HTTP Basic credentials; the token is signed with the console's own
 * API key and lets the identity (`?identity=`, `twilio_user` by default) receive calls and place
 * them through the "Denwa phone" TwiML Application, whose voice URL is `/phone/voice` here:
 * a phone number is dialed with `<Number>`, anything else with `<Client>`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { VoiceError, isClientIdentity, type AccountSid } from '@denwa/protocol';
import { authenticate } from '../api/index.ts';
import type { Clock, IdGenerator } from '../core/index.ts';
import { mintAccessToken } from '../signaling/auth/index.ts';
import type { Store } from '../store/ports.ts';
import { validateTwilioSignature } from '../webhooks/index.ts';
import { escapeHtml } from './escape-html.ts';
import { ensureApiKey, ensureApplication } from './provision.ts';
import { lazyBundle, sendScript, type WebAssetSources } from './web-assets.ts';

export const PHONE_KEY_NAME = 'Denwa console phone';
export const PHONE_APP_NAME = 'Denwa phone';
export const PHONE_DEFAULT_IDENTITY = 'twilio_user';
const PHONE_NUMBER = /^\+?[\d\-() ]{3,32}$/;

export interface PhoneDeps {
  readonly store: Store;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly accountSid: AccountSid;
  readonly publicUrl: () => string;
  readonly sources: WebAssetSources;
  readonly sdk: ReturnType<typeof lazyBundle>;
}

/** The TwiML the softphone's application answers with. */
export function phoneTwiml(to: string | undefined, callerId: string | null = null): string {
  const target = (to ?? '').trim();
  if (target === '') return '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Enter a client name or a phone number to call.</Say></Response>';
  const noun = PHONE_NUMBER.test(target) ? 'Number' : 'Client';
  // Like the guide's TwiML App: a phone number is called with one of the account's numbers as caller ID.
  const attrs = noun === 'Number' && callerId !== null ? ` callerId="${escapeHtml(callerId)}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Dial${attrs}><${noun}>${escapeHtml(target)}</${noun}></Dial></Response>`;
}

/**
 * An Access Token for a console page's identity: signed with the console's API key, incoming allowed,
 * outgoing through the "Denwa phone" application (both made on first use).
 */
export async function mintConsoleToken(deps: Pick<PhoneDeps, 'store' | 'ids' | 'clock' | 'accountSid' | 'publicUrl'>, identity: string): Promise<string> {
  const key = await ensureApiKey(deps.store, deps.accountSid, PHONE_KEY_NAME, deps.ids, deps.clock);
  const application = await ensureApplication(deps.store, deps.accountSid, PHONE_APP_NAME, `${deps.publicUrl()}/phone/voice`, deps.ids, deps.clock);
  return mintAccessToken({
    accountSid: deps.accountSid,
    apiKeySid: key.sid,
    apiKeySecret: key.secret,
    identity,
    nowSec: Math.floor(deps.clock.now() / 1000),
    incomingAllow: true,
    outgoingApplicationSid: application.sid,
  });
}

export function registerPhone(app: FastifyInstance, deps: PhoneDeps): void {
  const script = lazyBundle(join(deps.sources.phoneDir, 'quickstart.ts'));
  const guard = async (req: FastifyRequest): Promise<void> => {
    await authenticate(req.headers.authorization, deps.store, deps.accountSid);
  };

  app.get('/phone', async (_req, reply) => reply.redirect('/phone/'));
  app.get('/phone/', async (req, reply) => {
    await guard(req);
    const page = await readFile(join(deps.sources.phoneDir, 'index.html')).catch(() => null);
    if (page === null) return reply.code(503).type('text/plain').send('the softphone page is not installed with this server\n');
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(page);
  });
  app.get('/phone/quickstart.js', async (_req, reply) => sendScript(reply, script));
  app.get('/phone/denwa.min.js', async (_req, reply) => sendScript(reply, deps.sdk));

  app.get<{ Querystring: { identity?: string } }>('/phone/token', async (req, reply) => {
    await guard(req);
    const identity = req.query.identity ?? PHONE_DEFAULT_IDENTITY;
    if (!isClientIdentity(identity)) throw new VoiceError(20001, 'identity must be 1–121 letters, digits or underscores');
    const token = await mintConsoleToken(deps, identity);
    return reply.header('Cache-Control', 'no-store').send({ identity, token, device: {} });
  });

  app.post<{ Body: Record<string, string> | undefined }>('/phone/voice', async (req, reply) => {
    const account = await deps.store.accounts.get(deps.accountSid);
    const signature = req.headers['x-twilio-signature'];
    const params = req.body ?? {};
    const url = `${deps.publicUrl()}${req.url}`;
    if (account === null || typeof signature !== 'string' || !validateTwilioSignature(account.authToken, signature, url, params)) {
      return reply.code(403).type('text/plain').send('invalid X-Twilio-Signature\n');
    }
    const first = (await deps.store.phoneNumbers.list(deps.accountSid, {}, { offset: 0, limit: 1 })).items[0];
    return reply.type('text/xml; charset=utf-8').send(phoneTwiml(params['To'], first?.phoneNumber ?? null));
  });
}
