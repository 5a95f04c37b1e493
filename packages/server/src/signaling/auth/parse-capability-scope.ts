import { VoiceError, parseSid, type ApplicationSid } from '@denwa/protocol';

/** What the client scopes of a Capability Token allow, names not yet checked against the identity rules. */
export interface CapabilityScopes {
  /** The `clientName` of `scope:client:incoming`, or `null` without that scope. */
  readonly incomingClientName: string | null;
  /** `scope:client:outgoing`, or `null` without that scope. */
  readonly outgoing: {
    readonly applicationSid: ApplicationSid;
    readonly clientName: string | null;
    readonly params: Readonly<Record<string, string>>;
  } | null;
}

const SCOPE_PREFIX = 'scope:';

function invalid(detail: string): VoiceError {
  return new VoiceError(31204, detail);
}

/** The one value of `name` in `query`, `null` when absent; a repeated parameter is ambiguous. */
function single(query: URLSearchParams, name: string): string | null {
  const values = query.getAll(name);
  if (values.length > 1) throw invalid(`scope parameter ${name} is repeated`);
  return values[0] ?? null;
}

/**
 * Parses the `scope` claim of a legacy Capability Token (twilio-signaling.md §9.3): space-separated
 * URIs `scope:<service>:<privilege>?<query>`.
 *
 * - `scope:client:incoming?clientName=<name>` → `incomingClientName`.
 * - `scope:client:outgoing?appSid=AP…[&clientName=…][&appParams=…]` → `outgoing`; `appParams` is a
 *   query string escaped once more, decoded into `params` (a repeated key keeps its last value).
 * - Any other well-formed scope (`scope:stream:subscribe?…` among them) is accepted and ignored.
 *
 * Throws `VoiceError(31204)` for a URI not of that form, a client scope given twice, a repeated
 * parameter, an incoming scope without `clientName`, or an outgoing scope without a valid `appSid`.
 */
export function parseCapabilityScope(scope: string): CapabilityScopes {
  let incomingClientName: string | null = null;
  let outgoing: CapabilityScopes['outgoing'] = null;
  let seenIncoming = false;

  for (const uri of scope.split(' ')) {
    if (uri === '') continue;
    if (!uri.startsWith(SCOPE_PREFIX)) throw invalid('scope entry does not start with scope:');
    const rest = uri.slice(SCOPE_PREFIX.length);
    const q = rest.indexOf('?');
    const path = q < 0 ? rest : rest.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : rest.slice(q + 1));
    const segments = path.split(':');
    if (segments.length !== 2 || segments.some((s) => s === '')) {
      throw invalid('scope entry is not scope:<service>:<privilege>');
    }

    if (path === 'client:incoming') {
      if (seenIncoming) throw invalid('scope:client:incoming is given twice');
      seenIncoming = true;
      incomingClientName = single(query, 'clientName');
      if (incomingClientName === null) throw invalid('scope:client:incoming has no clientName');
    } else if (path === 'client:outgoing') {
      if (outgoing !== null) throw invalid('scope:client:outgoing is given twice');
      const applicationSid = parseSid('application', single(query, 'appSid'));
      if (applicationSid === undefined) throw invalid('scope:client:outgoing has no valid appSid');
      const appParams = single(query, 'appParams');
      const params = appParams === null ? {} : Object.fromEntries(new URLSearchParams(appParams));
      outgoing = { applicationSid, clientName: single(query, 'clientName'), params: Object.freeze(params) };
    }
  }
  return { incomingClientName, outgoing };
}
