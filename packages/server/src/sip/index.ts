/** `sip/`: Denwa's SIP stack (message → transaction → dialog → ua) and the trunk edge built on it. */
export { SipEdge, type SipEdgeOptions, type SipEdgeStats } from './trunk/index.ts';
