/**
 * Builds the HTTP application (no listening): REST API, TwiML Bin URLs, console. Tests drive it with
 * `app.inject()`; `main.ts` serves it on HTTP and HTTPS.
 */
import formbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { installErrorHandlers, registerApi, type ApiDeps } from './api/index.ts';
import { registerConsole, type ConsoleDeps } from './console/index.ts';
import type { Logger } from './core/index.ts';

export interface AppDeps extends ApiDeps {
  readonly log: Logger;
  readonly console: Omit<ConsoleDeps, 'publicUrl' | 'accountSid'>;
}

/** Request bodies above this size are refused (Twilio's own limit for TwiML is 64 KiB). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const logger: FastifyBaseLogger = deps.log.child({ mod: 'http' });
  const app = Fastify({
    loggerInstance: logger,
    // One debug line per request comes from the onResponse hook below (docs/LOGGING.md).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
  });
  await app.register(formbody, { bodyLimit: BODY_LIMIT_BYTES });
  installErrorHandlers(app);
  app.addHook('onResponse', (req, reply, done) => {
    req.log.debug(
      { method: req.method, path: req.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'http request',
    );
    done();
  });
  registerApi(app, deps);
  registerConsole(app, { ...deps.console, publicUrl: deps.publicUrl, accountSid: deps.defaultAccountSid }, {
    store: deps.store,
    ids: deps.ids,
    clock: deps.clock,
    publicUrl: () => deps.publicUrl,
  });
  await app.ready();
  return app;
}
