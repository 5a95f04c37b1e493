/**
 * The REST API at the HTTP edge: Twilio 2010-04-01 resources under `/2010-04-01/Accounts/{Sid}/…` and
 * Denwa's `/v1/TwimlBins` and `/v1/SipTrunks`, with Basic auth and Twilio's error JSON.
 */
import type { FastifyInstance } from 'fastify';
import { accountRoutes } from './accounts.ts';
import { applicationRoutes } from './applications.ts';
import { callEventRoutes } from './call-events.ts';
import { callRecordingRoutes } from './call-recordings.ts';
import { callRoutes } from './calls.ts';
import { callWriteRoutes } from './calls-write.ts';
import type { ApiDeps } from './context.ts';
import { keyRoutes } from './keys.ts';
import { notificationRoutes } from './notifications.ts';
import { phoneNumberRoutes } from './phone-numbers.ts';
import { recordingRoutes } from './recordings.ts';
import { sipTrunkRoutes } from './sip-trunks.ts';
import { testHookRoutes } from './test-hooks.ts';
import { twimlBinRoutes } from './twiml-bins.ts';

export type { ApiDeps, LegImpairment, TestHooks } from './context.ts';
export { installErrorHandlers, errorResponse } from './error-handler.ts';
export { authenticate, parseBasicAuth, type Principal } from './auth.ts';

export function registerApi(app: FastifyInstance, deps: ApiDeps): void {
  accountRoutes(app, deps);
  keyRoutes(app, deps);
  applicationRoutes(app, deps);
  callRoutes(app, deps);
  callEventRoutes(app, deps);
  callWriteRoutes(app, deps);
  notificationRoutes(app, deps);
  recordingRoutes(app, deps);
  callRecordingRoutes(app, deps);
  twimlBinRoutes(app, deps);
  phoneNumberRoutes(app, deps);
  sipTrunkRoutes(app, deps);
  if (deps.testHooks !== undefined && deps.testHooks !== null) testHookRoutes(app, deps, deps.testHooks);
}
