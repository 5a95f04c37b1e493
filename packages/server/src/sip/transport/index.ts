/** SIP transports behind one port: UDP, TCP and TLS over Node sockets, and an in-process network for tests. */
export type { SipAddress, SipTransport, SipTransportProtocol } from './sip-transport.ts';
export { bindSipUdp } from './node-udp.ts';
export { listenSipTcp, type SipTcpOptions } from './node-tcp.ts';
export { listenSipTls, type SipTlsOptions } from './node-tls.ts';
export type { SipStreamOptions } from './node-stream.ts';
export { MemorySipNetwork, type MemoryPacket } from './memory.ts';
export { resolveSipHost } from './node-resolve.ts';
