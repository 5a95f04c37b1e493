/** SIP trunks: the SIP edge that carries the phone network's calls both ways (the call engine's LegDriver). */
export { SipEdge, type SipEdgeOptions, type SipEdgeStats } from './sip-edge.ts';
export { countryOf, formatForTrunk, isE164, toE164 } from './numbers.ts';
