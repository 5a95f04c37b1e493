/**
 * Denwa's own ICE candidate for the SDP it sends (RFC 8445 §5.1, RFC 8839 §5.1). Denwa is ICE-lite
 * (RFC 8445 §2.5): one UDP host candidate per component, gathered up front, no trickle.
 */
import { HOST_TYPE_PREFERENCE, MAX_LOCAL_PREFERENCE } from './constants.ts';
import { crc32 } from './crc32.ts';
import { formatIp, parseIpv4, parseIpv6 } from './ip-address.ts';

/** Where Denwa's media port listens. */
export interface HostCandidateInput {
  /** The address the browser can reach (public IP, or the configured announced address). */
  readonly address: string;
  readonly port: number;
  /** 1 = RTP (with rtcp-mux, the only one). Default 1. */
  readonly component?: number;
}

/** The fields of an `a=candidate` line. */
export interface IceCandidate {
  readonly foundation: string;
  readonly component: number;
  readonly transport: 'udp';
  readonly priority: number;
  readonly address: string;
  readonly port: number;
  readonly type: 'host';
  readonly generation: 0;
  /** The attribute value, `candidate:… typ host generation 0` (what sdp-transform and `RTCIceCandidate` take). */
  readonly attribute: string;
  /** The whole SDP line, `a=candidate:…`. */
  readonly line: string;
}

/**
 * RFC 8445 §5.1.2.1: `priority = 2^24 × type preference + 2^8 × local preference + (256 − component ID)`.
 * @throws TypeError when an input is out of range (type 0–126, local 0–65535, component 1–256).
 */
export function candidatePriority(typePreference: number, localPreference: number, component: number): number {
  if (!Number.isInteger(typePreference) || typePreference < 0 || typePreference > 126) {
    throw new TypeError('type preference is 0–126');
  }
  if (!Number.isInteger(localPreference) || localPreference < 0 || localPreference > MAX_LOCAL_PREFERENCE) {
    throw new TypeError('local preference is 0–65535');
  }
  if (!Number.isInteger(component) || component < 1 || component > 256) throw new TypeError('component ID is 1–256');
  return typePreference * 2 ** 24 + localPreference * 2 ** 8 + (256 - component);
}

/**
 * The UDP host candidate for `address:port`. The priority uses the host type preference 126 and
 * local preference 65535 (RFC 8445 §5.1.2.2: one address per agent). The foundation is the decimal
 * CRC-32 of type, transport and base address, so it is stable across calls and process restarts and
 * equal exactly for candidates that RFC 8445 §5.1.1.3 says must share one.
 * @throws TypeError for an address that is not IPv4/IPv6 text, or a port or component out of range.
 */
export function hostCandidate(input: HostCandidateInput): IceCandidate {
  const component = input.component ?? 1;
  const bytes = parseIpv4(input.address) ?? parseIpv6(input.address);
  if (bytes === undefined || input.address.includes('%')) throw new TypeError(`not an IP address: ${input.address}`);
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 0xffff) throw new TypeError(`bad port ${input.port}`);
  const address = formatIp(bytes);
  const priority = candidatePriority(HOST_TYPE_PREFERENCE, MAX_LOCAL_PREFERENCE, component);
  const foundation = String(crc32(Buffer.from(`host udp ${address}`, 'utf8')));
  const fields = {
    foundation,
    component,
    transport: 'udp',
    priority,
    address,
    port: input.port,
    type: 'host',
    generation: 0,
  } as const;
  const attribute = formatCandidate(fields);
  return { ...fields, attribute, line: `a=${attribute}` };
}

/**
 * RFC 8839 §5.1 `candidate-attribute` value: `candidate:<foundation> <component> <transport>
 * <priority> <address> <port> typ <type>`, plus Chrome's `generation` extension.
 */
export function formatCandidate(c: Omit<IceCandidate, 'attribute' | 'line'>): string {
  const { foundation, component, transport, priority, address, port, type, generation } = c;
  return `candidate:${foundation} ${component} ${transport} ${priority} ${address} ${port} typ ${type} generation ${generation}`;
}
