/** `media/endpoint/`: call legs: WebRTC (ICE-lite, DTLS-SRTP, RTCP, DTMF) and SIP (plain RTP). @packageDocumentation */
export { WebRtcEndpoint } from './webrtc-endpoint.ts';
export { RtpEndpoint } from './rtp-endpoint.ts';
export type { RtpContext } from './rtp-context.ts';
export { SdesSrtp, type SdesOffer } from './sdes-srtp.ts';
export { DEFAULT_RTP_PORTS, RtpPortPool, type RtpPortRange, type RtpSockets } from './rtp-ports.ts';
export { RELATCH_PACKETS } from './rtp-latch.ts';
export type { RelayCodecs, RelayLeg } from './relay-leg.ts';
export { zeroCounters, type EndpointContext, type EndpointRegistry, type MediaCounters } from './endpoint-context.ts';
export type { LegStats } from './rtcp-reporter.ts';
export type { MediaImpairment } from './impairment.ts';
