/** `media/relay/`: the WebRTC media relay (`MediaPort`). @packageDocumentation */
export { MediaRelay, type MediaRelayAddress, type MediaRelayOptions } from './media-relay.ts';
