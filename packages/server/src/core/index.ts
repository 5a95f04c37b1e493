export { SystemClock, type Clock, type TimerHandle } from './clock.ts';
export { RandomIdGenerator, type IdGenerator } from './ids.ts';
export { assertNever } from './assert-never.ts';
export { createLogger, REDACT_PATHS, type Logger, type LoggerConfig } from './logger.ts';
