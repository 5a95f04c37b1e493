/**
 * `signaling/`: the browser SDKs' signaling — token verification (`auth/`), the per-socket PStream
 * session and presence (`session/`), and the `/signal` WebSocket endpoint (`server.ts`).
 * @packageDocumentation
 */
export * from './auth/index.ts';
export { PresenceRegistry, type SessionDeps } from './session/index.ts';
export { SignalingServer, type SignalingServerOptions } from './server.ts';
