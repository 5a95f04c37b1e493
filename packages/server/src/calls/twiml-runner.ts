/**
 * Runs a call's TwiML: fetches the document (voice URL, `<Redirect>`, `<Dial action>`), parses it
 * and executes its verbs in order until the call ends or the document runs out (then it hangs up).
 * Bounded: at most {@link MAX_DOCUMENTS} documents and {@link MAX_VERBS} verbs per call.
 */
import { VoiceError } from '@denwa/protocol';
import type { HttpMethod } from '../store/ports.ts';
import { parseTwiml, type Verb } from '../twiml/index.ts';
import { runDial } from './dial.ts';
import { resolveUrl } from './twiml-urls.ts';
import type { EngineContext } from './engine-context.ts';
import type { LiveCall } from './live-call.ts';
import { callParams } from './status-callbacks.ts';

export const MAX_DOCUMENTS = 100;
export const MAX_VERBS = 1000;

export type TwimlSource =
  | { readonly kind: 'url'; readonly url: string; readonly method: HttpMethod; readonly fallbackUrl?: string | null; readonly fallbackMethod?: HttpMethod; readonly extra?: Readonly<Record<string, string>> }
  | { readonly kind: 'inline'; readonly twiml: string };

interface Document {
  readonly verbs: readonly Verb[];
  readonly baseUrl: string | null;
}

async function load(ctx: EngineContext, call: LiveCall, source: TwimlSource, custom: Readonly<Record<string, string>>): Promise<Document | VoiceError> {
  let body: string;
  let baseUrl: string | null = null;
  if (source.kind === 'inline') {
    body = source.twiml;
  } else {
    const params = { ...custom, ...callParams(call.state.record), ...(source.extra ?? {}) };
    const fetched = await ctx.webhooks.fetchTwiml({
      url: source.url,
      method: source.method,
      params,
      accountSid: call.state.accountSid,
      callSid: call.sid,
      fallbackUrl: source.fallbackUrl ?? null,
      fallbackMethod: source.fallbackMethod ?? 'POST',
    });
    if (!fetched.ok) return fetched.error;
    body = fetched.body;
    baseUrl = fetched.url;
  }
  const parsed = parseTwiml(body);
  if (!parsed.ok) return parsed.error;
  return { verbs: parsed.response.verbs, baseUrl };
}

function sleep(ctx: EngineContext, call: LiveCall, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = ctx.clock.setTimeout(resolve, ms);
    void call.whenEnded().then(() => {
      ctx.clock.clearTimeout(timer);
      resolve();
    });
  });
}

/** Executes TwiML for `call` starting at `first`; resolves when the call has ended. */
export async function runTwiml(ctx: EngineContext, call: LiveCall, first: TwimlSource, custom: Readonly<Record<string, string>> = {}): Promise<void> {
  let source: TwimlSource | null = first;
  let documents = 0;
  let verbs = 0;
  while (source !== null && !call.hasEnded()) {
    if (++documents > MAX_DOCUMENTS) {
      call.end('failed', 'system', { error: new VoiceError(31000, `more than ${String(MAX_DOCUMENTS)} TwiML documents in one call`) });
      return;
    }
    const doc = await load(ctx, call, source, custom);
    if (call.hasEnded()) return;
    if (doc instanceof VoiceError) {
      ctx.log.info({ callSid: call.sid, code: doc.code, err: doc.message }, 'TwiML could not be loaded');
      call.end('failed', 'system', { error: doc });
      return;
    }
    source = null;
    for (const verb of doc.verbs) {
      if (call.hasEnded()) return;
      if (++verbs > MAX_VERBS) {
        call.end('failed', 'system', { error: new VoiceError(31000, `more than ${String(MAX_VERBS)} TwiML verbs in one call`) });
        return;
      }
      const next = await runVerb(ctx, call, verb, doc.baseUrl);
      if (next === 'stop') return;
      if (next !== null) {
        source = next;
        break;
      }
    }
    if (source === null && !call.hasEnded()) call.end('completed', 'twiml');
  }
}

/** Runs one verb: `null` to go on with the next verb, a source to continue there, `stop` when done. */
async function runVerb(ctx: EngineContext, call: LiveCall, verb: Verb, baseUrl: string | null): Promise<TwimlSource | null | 'stop'> {
  switch (verb.verb) {
    case 'Dial': {
      const outcome = await runDial(ctx, call, verb, baseUrl);
      if (verb.action === undefined) return null;
      const url = resolveUrl(verb.action, baseUrl);
      if (url === null) return null;
      const extra: Record<string, string> = {
        DialCallStatus: outcome.dialCallStatus,
        DialCallDuration: String(outcome.dialCallDuration),
        DialBridged: String(outcome.bridged),
      };
      if (outcome.dialCallSid !== null) extra['DialCallSid'] = outcome.dialCallSid;
      if (outcome.recording !== null) {
        extra['RecordingSid'] = outcome.recording.sid;
        extra['RecordingUrl'] = outcome.recording.url;
        extra['RecordingDuration'] = String(outcome.recording.durationS);
      }
      const next: TwimlSource = { kind: 'url', url, method: verb.method ?? 'POST', extra };
      if (call.hasEnded()) {
        // Twilio still requests the action URL after the caller hung up; its TwiML is ignored.
        void load(ctx, call, next, {});
        return 'stop';
      }
      return next;
    }
    case 'Hangup':
      call.end('completed', 'twiml');
      return 'stop';
    case 'Reject': {
      if (call.answered) {
        call.end('completed', 'twiml');
      } else if (verb.reason === 'busy') {
        call.end('busy', 'twiml', { error: new VoiceError(31486, 'rejected by TwiML: busy') });
      } else {
        call.end('failed', 'twiml', { error: new VoiceError(31603, 'rejected by TwiML') });
      }
      return 'stop';
    }
    case 'Pause':
      ctx.answer(call);
      await sleep(ctx, call, Math.min(3600, Math.max(0, verb.length ?? 1)) * 1000);
      return null;
    case 'Redirect': {
      const url = resolveUrl(verb.url, baseUrl);
      if (url === null) {
        call.end('failed', 'system', { error: new VoiceError(31000, `<Redirect> URL "${verb.url.slice(0, 100)}" is not absolute`) });
        return 'stop';
      }
      return { kind: 'url', url, method: verb.method ?? 'POST' };
    }
    case 'Say':
    case 'Play':
    case 'Gather':
    case 'Record':
    case 'Enqueue':
    case 'Leave':
      ctx.log.info({ callSid: call.sid, verb: verb.verb, line: verb.line }, 'TwiML verb not supported yet; skipped');
      call.state.event(ctx.clock.now(), { event: 'unsupported', verb: verb.verb, line: verb.line });
      return null;
  }
}
