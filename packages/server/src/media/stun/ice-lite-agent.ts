/**
 * The ICE-lite responder for one media session (RFC 8445 §2.5, §7.3; RFC 7675). Denwa never sends
 * checks: it authenticates the browser's Binding requests, answers them, follows USE-CANDIDATE to
 * pick where media goes, and tracks consent. Pure: no sockets, no timers; time comes in as `now`.
 */
import type { Logger } from '../../core/index.ts';
import {
  ATTR_COMPREHENSION_OPTIONAL_MIN,
  CONSENT_TIMEOUT_MS,
  ERROR_BAD_REQUEST,
  ERROR_ROLE_CONFLICT,
  ERROR_UNAUTHORIZED,
  ERROR_UNKNOWN_ATTRIBUTE,
  STUN_METHOD_BINDING,
} from './constants.ts';
import { assertIceLiteTransition, type IceLiteState } from './ice-lite-state.ts';
import { iceUsername } from './ice-username.ts';
import { formatIp, parseIp } from './ip-address.ts';
import { decodeStun } from './stun-decode.ts';
import { encodeStun } from './stun-encode.ts';
import { shortTermKey, verifyFingerprint, verifyMessageIntegrity } from './stun-integrity.ts';
import { findAttribute, isStunDecodeError, type StunAttribute, type StunMessage } from './stun-types.ts';

/** A UDP source or destination, as the socket reports it. */
export interface IceTransportAddress {
  readonly address: string;
  readonly port: number;
  readonly family: 4 | 6;
}

/** Both sides' ICE credentials: ours (we put them in our SDP) and the browser's (from its SDP). */
export interface IceLiteAgentConfig {
  readonly localUfrag: string;
  readonly localPwd: string;
  readonly remoteUfrag: string;
  /** Unused by a lite agent (it never sends checks); kept so a restart swaps a full set. */
  readonly remotePwd: string;
}

/** Optional collaborators. */
export interface IceLiteAgentOptions {
  /** Logs one info line per state change and selected-pair change. */
  readonly log?: Logger;
  /** Called after every state change; a throwing listener is logged, never propagated. */
  readonly onStateChange?: (to: IceLiteState, from: IceLiteState) => void;
  /** SOFTWARE attribute for responses (RFC 8489 §14.14); none by default. */
  readonly software?: string;
}

/** Why a packet got no answer. */
export type BindingIgnoreReason =
  | 'closed'
  | 'malformed'
  | 'not-binding-request'
  | 'bad-fingerprint'
  | 'unknown-username'
  | 'bad-source-address';

/** What to do with a packet handed to {@link IceLiteAgent.handleBindingRequest}. */
export type BindingRequestResult =
  | {
      readonly kind: 'response';
      /** The success response to send back to the source. */
      readonly bytes: Buffer;
      /** The request carried USE-CANDIDATE. */
      readonly nominated: boolean;
      /** The selected pair moved to this source (first nomination or a switch): send media there. */
      readonly selectedChanged: boolean;
    }
  | { readonly kind: 'error-response'; readonly bytes: Buffer; readonly code: number }
  | { readonly kind: 'ignore'; readonly reason: BindingIgnoreReason };

const REASONS: Readonly<Record<number, string>> = {
  [ERROR_BAD_REQUEST]: 'Bad Request',
  [ERROR_UNAUTHORIZED]: 'Unauthorized',
  [ERROR_UNKNOWN_ATTRIBUTE]: 'Unknown Attribute',
  [ERROR_ROLE_CONFLICT]: 'Role Conflict',
};

/**
 * ICE-lite agent of one media session. Denwa is always the controlled agent: RFC 8445 §6.1.1, "If
 * one agent is a lite implementation and the other a full, the full agent MUST take the controlling
 * role". Checks are processed in RFC 8489 §6.3 order (fingerprint, authentication, unknown
 * attributes) and then RFC 8445 §7.3.1.1 (role conflict):
 *
 * 1. not a well-formed Binding request → ignore;
 * 2. FINGERPRINT present and wrong → ignore (RFC 8445 §7.3: it may not be STUN at all);
 * 3. USERNAME absent or not `<localUfrag>:<remoteUfrag>` → ignore (nothing to authenticate against);
 * 4. MESSAGE-INTEGRITY absent → 400, wrong for the local ice-pwd → 401 (both without
 *    MESSAGE-INTEGRITY, RFC 8489 §9.1.3);
 * 5. an unknown comprehension-required attribute → 420 with UNKNOWN-ATTRIBUTES;
 * 6. ICE-CONTROLLED (the browser also claims the controlled role) → 487 Role Conflict. A controlled
 *    agent whose tie-breaker is ≥ the peer's answers 487 and keeps its role; a lite agent cannot take
 *    the controlling role, so it behaves as if its tie-breaker were the maximum and always answers
 *    487. The full agent then switches to controlling (RFC 8445 §7.2.5.1) and checks again;
 * 7. otherwise → success with XOR-MAPPED-ADDRESS of the source.
 *
 * Every response echoes the transaction ID and ends with FINGERPRINT; all except 400/401 carry
 * MESSAGE-INTEGRITY keyed with the local ice-pwd. PRIORITY is not required (a lite agent has no
 * use for it).
 */
export class IceLiteAgent {
  #state: IceLiteState = 'new';
  #localUfrag: string;
  #username: string;
  #key: Buffer;
  #selected: IceTransportAddress | undefined;
  #lastConsent: number | undefined;
  readonly #log: Logger | undefined;
  readonly #onStateChange: ((to: IceLiteState, from: IceLiteState) => void) | undefined;
  readonly #software: string | undefined;

  constructor(config: IceLiteAgentConfig, options: IceLiteAgentOptions = {}) {
    this.#localUfrag = config.localUfrag;
    this.#username = iceUsername(config.localUfrag, config.remoteUfrag);
    this.#key = shortTermKey(config.localPwd);
    this.#log = options.log;
    this.#onStateChange = options.onStateChange;
    this.#software = options.software;
  }

  /** The current state. */
  get state(): IceLiteState {
    return this.#state;
  }

  /** Our ice-ufrag (the key the media port routes first packets by). */
  get localUfrag(): string {
    return this.#localUfrag;
  }

  /** Where media goes: the source of the last nomination, as the socket reported it. */
  get selected(): IceTransportAddress | undefined {
    return this.#selected;
  }

  /** `now` of the last valid Binding request from the selected address (RFC 7675 consent). */
  get lastConsent(): number | undefined {
    return this.#lastConsent;
  }

  /**
   * Processes one packet that `isStunPacket` accepted, received from `from` at `now` (ms). Returns
   * the bytes to send back to `from`, or why nothing is sent. Never throws for any packet content.
   */
  handleBindingRequest(packet: Buffer, from: IceTransportAddress, now: number): BindingRequestResult {
    if (this.#state === 'closed') return { kind: 'ignore', reason: 'closed' };
    const request = decodeStun(packet);
    if (isStunDecodeError(request)) return { kind: 'ignore', reason: 'malformed' };
    if (request.method !== STUN_METHOD_BINDING || request.class !== 'request') {
      return { kind: 'ignore', reason: 'not-binding-request' };
    }
    if (findAttribute(request, 'fingerprint') !== undefined && !verifyFingerprint(packet)) {
      return { kind: 'ignore', reason: 'bad-fingerprint' };
    }
    if (findAttribute(request, 'username')?.value !== this.#username) {
      return { kind: 'ignore', reason: 'unknown-username' };
    }
    const source = normalize(from);
    if (source === undefined) return { kind: 'ignore', reason: 'bad-source-address' };

    // RFC 8489 §9.1.3: no MESSAGE-INTEGRITY → 400; a wrong one → 401; neither response is signed.
    if (findAttribute(request, 'message-integrity') === undefined) return this.#error(request, ERROR_BAD_REQUEST, false);
    if (!verifyMessageIntegrity(packet, this.#key)) return this.#error(request, ERROR_UNAUTHORIZED, false);

    // RFC 8489 §6.3.1: unknown comprehension-required attributes → 420 listing them.
    const unknown = unknownRequired(request.attributes);
    if (unknown.length > 0) return this.#error(request, ERROR_UNKNOWN_ATTRIBUTE, true, unknown);

    // RFC 8445 §7.3.1.1: we are controlled; a peer that is controlled too gets 487 (see class TSDoc).
    if (findAttribute(request, 'ice-controlled') !== undefined) return this.#error(request, ERROR_ROLE_CONFLICT, true);

    const nominated = findAttribute(request, 'use-candidate') !== undefined;
    let selectedChanged = false;
    if (nominated && !sameAddress(this.#selected, source)) {
      // RFC 8445 §7.3.1.5: USE-CANDIDATE nominates the pair. A later nomination from another address
      // (ICE restart, §9, or Chrome renominating after a network change) moves media there.
      this.#log?.info({ from: this.#selected, to: source }, 'ICE-lite selected pair changed');
      this.#selected = source;
      selectedChanged = true;
    }
    if (sameAddress(this.#selected, source)) {
      // RFC 7675 §5.1: each authenticated check on the selected pair renews consent.
      this.#lastConsent = now;
      if (this.#state !== 'connected') this.#transition('connected');
    }
    const response: StunMessage = {
      method: STUN_METHOD_BINDING,
      class: 'success-response',
      transactionId: request.transactionId,
      attributes: [{ type: 'xor-mapped-address', value: reflexive(source) }, ...this.#softwareAttribute()],
    };
    const bytes = encodeStun(response, { integrityKey: this.#key, fingerprint: true });
    return { kind: 'response', bytes, nominated, selectedChanged };
  }

  /**
   * True once a pair has been selected and no valid check came from it for 30 s (RFC 7675 §5.1:
   * "Consent expires after 30 seconds"), i.e. `now − lastConsent ≥ 30 000`. A pure query: it does
   * not change `state` (see {@link checkConsent}).
   */
  consentExpired(now: number): boolean {
    return this.#lastConsent !== undefined && now - this.#lastConsent >= CONSENT_TIMEOUT_MS;
  }

  /** Moves `connected` to `disconnected` when consent has expired at `now`; returns the state. */
  checkConsent(now: number): IceLiteState {
    if (this.#state === 'connected' && this.consentExpired(now)) this.#transition('disconnected');
    return this.#state;
  }

  /**
   * ICE restart (RFC 8445 §9): new credentials from a renegotiation. The selected pair, its consent
   * and the state stay until the browser nominates a pair with the new credentials; checks with the
   * old username are ignored from now on. No-op when closed.
   */
  restart(config: IceLiteAgentConfig): void {
    if (this.#state === 'closed') return;
    this.#localUfrag = config.localUfrag;
    this.#username = iceUsername(config.localUfrag, config.remoteUfrag);
    this.#key = shortTermKey(config.localPwd);
    this.#log?.warn({ localUfrag: config.localUfrag }, 'ICE restart');
  }

  /** Stops the agent: every later packet is ignored. Idempotent. */
  close(): void {
    if (this.#state === 'closed') return;
    this.#transition('closed');
    this.#selected = undefined;
    this.#lastConsent = undefined;
  }

  #transition(to: IceLiteState): void {
    const from = this.#state;
    assertIceLiteTransition(from, to);
    this.#state = to;
    this.#log?.info({ from, to }, 'ICE-lite state');
    try {
      this.#onStateChange?.(to, from);
    } catch (err) {
      this.#log?.warn({ err }, 'ICE-lite statechange listener threw');
    }
  }

  #error(request: StunMessage, code: number, signed: boolean, unknown?: readonly number[]): BindingRequestResult {
    const attributes: StunAttribute[] = [{ type: 'error-code', code, reason: REASONS[code] ?? '' }];
    if (unknown !== undefined) attributes.push({ type: 'unknown-attributes', value: unknown });
    attributes.push(...this.#softwareAttribute());
    const response: StunMessage = {
      method: STUN_METHOD_BINDING,
      class: 'error-response',
      transactionId: request.transactionId,
      attributes,
    };
    const bytes = encodeStun(response, signed ? { integrityKey: this.#key, fingerprint: true } : { fingerprint: true });
    return { kind: 'error-response', bytes, code };
  }

  #softwareAttribute(): StunAttribute[] {
    return this.#software === undefined ? [] : [{ type: 'software', value: this.#software }];
  }
}

/** Comprehension-required attribute types the codec kept raw (RFC 8489 §14: type < 0x8000). */
function unknownRequired(attributes: readonly StunAttribute[]): number[] {
  const types: number[] = [];
  for (const a of attributes) {
    if (a.type === 'raw' && a.attributeType < ATTR_COMPREHENSION_OPTIONAL_MIN && !types.includes(a.attributeType)) {
      types.push(a.attributeType);
    }
  }
  return types;
}

/** `from` with its address in canonical text, or `undefined` when it is not valid. */
function normalize(from: IceTransportAddress): IceTransportAddress | undefined {
  if (!Number.isInteger(from.port) || from.port < 0 || from.port > 0xffff) return undefined;
  const bytes = parseIp(from.address, from.family);
  return bytes === undefined ? undefined : { address: formatIp(bytes), port: from.port, family: from.family };
}

/**
 * The address to report in XOR-MAPPED-ADDRESS: the source, except that an IPv4-mapped IPv6 address
 * (a dual-stack socket receiving IPv4) is reported as the IPv4 address the browser actually sent from.
 */
function reflexive(source: IceTransportAddress): { family: 4 | 6; address: string; port: number } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(source.address);
  return mapped?.[1] === undefined
    ? { family: source.family, address: source.address, port: source.port }
    : { family: 4, address: mapped[1], port: source.port };
}

function sameAddress(a: IceTransportAddress | undefined, b: IceTransportAddress): boolean {
  return a !== undefined && a.family === b.family && a.address === b.address && a.port === b.port;
}
