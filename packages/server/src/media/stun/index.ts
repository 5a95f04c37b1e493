/**
 * `media/stun/`: the STUN codec (RFC 5389, RFC 8489) and the ICE-lite responder (RFC 8445 §2.5,
 * RFC 7675 consent) of the WebRTC media relay. Pure: no sockets, no timers; time comes in as `now`.
 * @packageDocumentation
 */
export * from './constants.ts';
export { crc32 } from './crc32.ts';
export { formatIp, parseIp, parseIpv4, parseIpv6 } from './ip-address.ts';
export {
  findAttribute,
  isStunDecodeError,
  type ErrorCodeAttribute,
  type FingerprintAttribute,
  type IceControlledAttribute,
  type IceControllingAttribute,
  type MappedAddressAttribute,
  type MessageIntegrityAttribute,
  type PriorityAttribute,
  type RawAttribute,
  type SoftwareAttribute,
  type StunAddress,
  type StunAttribute,
  type StunAttributeName,
  type StunClass,
  type StunDecodeError,
  type StunDecodeFailure,
  type StunMessage,
  type UnknownAttributesAttribute,
  type UseCandidateAttribute,
  type UsernameAttribute,
  type XorMappedAddressAttribute,
} from './stun-types.ts';
export { decodeStun, isStunPacket } from './stun-decode.ts';
export { encodeStun, type EncodeStunOptions } from './stun-encode.ts';
export { shortTermKey, verifyFingerprint, verifyMessageIntegrity } from './stun-integrity.ts';
export { iceUsername, ufragFromBindingRequest } from './ice-username.ts';
export { generateIcePwd, generateIceUfrag, isIceChars, type RandomBytes } from './ice-credentials.ts';
export {
  candidatePriority,
  formatCandidate,
  hostCandidate,
  type HostCandidateInput,
  type IceCandidate,
} from './ice-candidate.ts';
export { ICE_LITE_TRANSITIONS, assertIceLiteTransition, type IceLiteState } from './ice-lite-state.ts';
export {
  IceLiteAgent,
  type BindingIgnoreReason,
  type BindingRequestResult,
  type IceLiteAgentConfig,
  type IceLiteAgentOptions,
  type IceTransportAddress,
} from './ice-lite-agent.ts';
