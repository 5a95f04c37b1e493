/** SIP transports behind one port: UDP and TCP (TLS next). */
export type { SipAddress, SipTransport, SipTransportProtocol } from './sip-transport.ts';
export { bindSipUdp } from './node-udp.ts';
export { listenSipTcp, type SipTcpOptions } from './node-tcp.ts';
export { resolveSipHost } from './node-resolve.ts';
