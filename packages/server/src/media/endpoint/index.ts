/** `media/endpoint/`: one WebRTC call leg (ICE-lite, DTLS-SRTP, RTCP, DTMF). @packageDocumentation */
export { WebRtcEndpoint } from './webrtc-endpoint.ts';
export { zeroCounters, type EndpointContext, type EndpointRegistry, type MediaCounters } from './endpoint-context.ts';
export type { LegStats } from './rtcp-reporter.ts';
export type { MediaImpairment } from './impairment.ts';
