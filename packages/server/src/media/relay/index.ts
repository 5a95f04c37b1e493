/** `media/relay/`: the media relay (`MediaPort`): WebRTC and SIP legs and their bridges (passthrough or transcoding). @packageDocumentation */
export { MediaRelay, type MediaRelayAddress, type MediaRelayOptions } from './media-relay.ts';
export { RelayBridge, type BridgeOptions } from './bridge.ts';
