import type { FastifyRequest } from 'fastify';
import { VoiceError, isSid, type AccountSid, type SidKind, type SidTypes } from '@denwa/protocol';
import type { CallEngine } from '../calls/index.ts';
import type { Clock, IdGenerator } from '../core/index.ts';
import type { RecordingService } from '../recording/index.ts';
import type { Store } from '../store/ports.ts';
import { authenticate, requireAccount, type Principal } from './auth.ts';
import { paramsOf, stripJson, type Params } from './form.ts';

/** An impairment of what one leg receives (see media's `MediaImpairment`). */
export interface LegImpairment {
  readonly lossPercent: number;
  readonly delayMs: number;
  readonly stopped: boolean;
  readonly blackhole: boolean;
}

export interface TestHooks {
  /** Impairs every leg of the call (null lifts it); how many legs there were. */
  impair(callSid: string, impairment: LegImpairment | null): number;
}

/** What the REST API needs from the rest of the server. */
export interface ApiDeps {
  readonly store: Store;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  /** Absolute base URL of this server, without a trailing slash (for resource `url` fields). */
  readonly publicUrl: string;
  /** The server's account: API keys on URLs without an account are looked up there. */
  readonly defaultAccountSid: AccountSid;
  /** The call engine, for `Calls.create` and live-call updates; absent in REST-only tests. */
  readonly calls?: CallEngine;
  /** The recorder: live recordings (pause, resume, stop) and stored media; absent in REST-only tests. */
  readonly recordings?: RecordingService | null;
  /** Test-only endpoints (`--test-hooks on`); absent otherwise. */
  readonly testHooks?: TestHooks | null;
}

export const API_VERSION = '2010-04-01';

/** Authenticates the request and checks it may act on the account in the URL. */
export async function principalFor(
  deps: ApiDeps,
  request: FastifyRequest,
  urlAccountSid: string | null,
): Promise<Principal> {
  const keyAccount = urlAccountSid !== null && isSid('account', urlAccountSid) ? urlAccountSid : deps.defaultAccountSid;
  const principal = await authenticate(request.headers.authorization, deps.store, keyAccount);
  if (urlAccountSid !== null) requireAccount(principal, stripJson(urlAccountSid));
  return principal;
}

/** The request's form body merged over its query string (body wins). */
export function requestParams(request: FastifyRequest): Params {
  return { ...paramsOf(request.query), ...paramsOf(request.body) };
}

export function queryParams(request: FastifyRequest): Params {
  return paramsOf(request.query);
}

/** Parses a Sid path segment (with or without `.json`); a malformed one is simply "not found". */
export function sidParam<K extends SidKind>(kind: K, segment: string): SidTypes[K] {
  const sid = stripJson(segment);
  if (!isSid(kind, sid)) throw new VoiceError(20404, `no such resource ${sid.slice(0, 64)}`);
  return sid;
}

export function notFound(what: string, sid: string): VoiceError {
  return new VoiceError(20404, `${what} ${sid} was not found`);
}

export function accountPath(accountSid: AccountSid): string {
  return `/${API_VERSION}/Accounts/${accountSid}`;
}
