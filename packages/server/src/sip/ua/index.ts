/** The SIP user agent: digest auth, INVITE sessions both ways, CANCEL, BYE, re-INVITE, OPTIONS. */
export { answerDigestChallenge, digestResponse, parseDigest, DigestServer, type DigestAlgorithm, type DigestCredentials, type DigestParams, type DigestServerOptions, type DigestVerdict } from './digest.ts';
export { uriTarget } from './core.ts';
export { IncomingInvite, type IncomingInviteState } from './incoming-invite.ts';
export { OutgoingInvite, type OutgoingInviteEvents, type OutgoingInviteOptions } from './outgoing-invite.ts';
export { SipSession, sdpBody, type OfferAnswer, type SessionEnd, type SessionEvents } from './session.ts';
export { SipUserAgent, type ScreenVerdict, type SipUaHandler, type SipUaStats, type SipUserAgentOptions } from './user-agent.ts';
