/** `media/net/`: the UDP port of the media relay. @packageDocumentation */
export type { BindOptions, DatagramHandler, DatagramIo, DatagramSocket } from './datagram-socket.ts';
export { bindUdp, nativeUdpFallbackReason } from './bind-udp.ts';
export { parseIpv4 } from './native-udp.ts';
