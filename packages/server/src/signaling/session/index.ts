/** `signaling/session/`: the per-socket PStream session and presence, pure of sockets. @packageDocumentation */
export { PresenceRegistry, REGISTRATION_TTL_MS } from './presence.ts';
export {
  HEARTBEAT_INTERVAL_MS,
  LIVENESS_TIMEOUT_MS,
  MAX_QUEUED_FRAMES,
  SignalingSession,
  type SessionDeps,
  type SessionTransport,
} from './signaling-session.ts';
