/** `media/relay/`: the media relay (`MediaPort`): WebRTC and SIP legs and their bridges. @packageDocumentation */
export { MediaRelay, type MediaRelayAddress, type MediaRelayOptions } from './media-relay.ts';
