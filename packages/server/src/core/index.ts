export { SystemClock, type Clock, type TimerHandle } from './clock.ts';
export { RandomIdGenerator, type IdGenerator } from './ids.ts';
export { assertNever } from './assert-never.ts';
export { InvalidStateError, assertTransition, type TransitionTable } from './fsm.ts';
export { createLogger, REDACT_PATHS, type Logger, type LoggerConfig } from './logger.ts';
export { callingCode, compactNumber, countryOf, countryOfCode, geoParams, isE164 } from './phone-numbers.ts';
export { lastHeartbeat, startHeartbeat } from './heartbeat.ts';
export { rfc2822Date } from './rfc2822.ts';
