/**
 * The phone simulator at `/simulator/`: a mobile phone on Denwa's virtual carrier, in the browser.
 * Its number (`?number=`, `+819000000001` by default) is the client identity `sim_<digits>`: its
 * calls come from the phone network to the account's numbers, and `<Dial><Number>` or REST
 * `Calls.create` to its number ring it (see `calls/virtual-carrier.ts`). The page and its token need
 * the account's HTTP Basic credentials, like `/phone/`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { VoiceError } from '@denwa/protocol';
import { authenticate } from '../api/index.ts';
import { compactNumber, isE164, simulatorIdentity } from '../calls/index.ts';
import { mintConsoleToken, type PhoneDeps } from './phone.ts';
import { lazyBundle, sendScript } from './web-assets.ts';

export const SIMULATOR_DEFAULT_NUMBER = '+819000000001';

/** The simulator's number from `?number=` (separators allowed); 20001 when it is not E.164. */
export function simulatorNumberParam(raw: string | undefined): string {
  const number = compactNumber(raw ?? SIMULATOR_DEFAULT_NUMBER);
  if (!isE164(number)) throw new VoiceError(20001, 'number must be an E.164 phone number: + and 8–15 digits, e.g. +819000000001');
  return number;
}

export function registerSimulator(app: FastifyInstance, deps: PhoneDeps): void {
  const script = lazyBundle(join(deps.sources.phoneDir, 'simulator.ts'));
  const guard = async (req: FastifyRequest): Promise<void> => {
    await authenticate(req.headers.authorization, deps.store, deps.accountSid);
  };

  app.get('/simulator', async (_req, reply) => reply.redirect('/simulator/'));
  app.get('/simulator/', async (req, reply) => {
    await guard(req);
    const page = await readFile(join(deps.sources.phoneDir, 'simulator.html')).catch(() => null);
    if (page === null) return reply.code(503).type('text/plain').send('the simulator page is not installed with this server\n');
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(page);
  });
  app.get('/simulator/simulator.js', async (_req, reply) => sendScript(reply, script));

  app.get<{ Querystring: { number?: string } }>('/simulator/token', async (req, reply) => {
    await guard(req);
    const number = simulatorNumberParam(req.query.number);
    const identity = simulatorIdentity(number);
    const token = await mintConsoleToken(deps, identity);
    return reply.header('Cache-Control', 'no-store').send({ number, identity, token, device: {} });
  });
}
