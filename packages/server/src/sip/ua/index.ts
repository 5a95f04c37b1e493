/** The SIP user agent: digest auth, INVITE sessions both ways (100rel/PRACK, session timers), CANCEL, BYE, re-INVITE, OPTIONS, REGISTER. */
export { answerDigestChallenge, digestResponse, parseDigest, DigestServer, type DigestAlgorithm, type DigestCredentials, type DigestParams, type DigestServerOptions, type DigestVerdict } from './digest.ts';
export { uriTarget, type ReliableProvisionalMode } from './core.ts';
export { IncomingInvite, type IncomingInviteState } from './incoming-invite.ts';
export { OutgoingInvite, type OutgoingInviteEvents, type OutgoingInviteOptions } from './outgoing-invite.ts';
export { Registration, type RegistrationEvents, type RegistrationInfo, type RegistrationOptions, type RegistrationState } from './registration.ts';
export { SipSession, sdpBody, type OfferAnswer, type SessionEnd, type SessionEvents } from './session.ts';
export { DEFAULT_SESSION_TIMER, parseSessionExpires, type SessionExpires, type SessionTimerConfig, type SessionTimerTerms } from './session-timer.ts';
export { SipUserAgent, type ScreenVerdict, type SipUaHandler, type SipUaStats, type SipUserAgentOptions } from './user-agent.ts';
