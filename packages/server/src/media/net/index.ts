/** `media/net/`: the UDP port of the media relay. @packageDocumentation */
export type { BindOptions, DatagramHandler, DatagramSocket } from './datagram-socket.ts';
export { bindUdp } from './node-udp.ts';
