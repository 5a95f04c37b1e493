/** The SIP user-agent core: digest authentication now; dialogs, CANCEL, re-INVITE, timers next. */
export { DigestServer, answerDigestChallenge, digestResponse, parseDigest, type DigestAlgorithm, type DigestCredentials, type DigestServerOptions, type DigestVerdict } from './digest.ts';
