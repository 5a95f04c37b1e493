/** SIP transports behind one port: UDP now; TCP and TLS with the stream framer next. */
export type { SipAddress, SipTransport, SipTransportProtocol } from './sip-transport.ts';
export { bindSipUdp } from './node-udp.ts';
