import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino blanks out in every log line. Secrets are never logged: auth tokens, API key secrets,
 * access tokens, passwords and Authorization headers (`docs/LOGGING.md`).
 */
export const REDACT_PATHS: readonly string[] = [
  'authorization',
  'authToken',
  'auth_token',
  'secret',
  'token',
  'password',
  'signature',
  '*.authorization',
  '*.authToken',
  '*.auth_token',
  '*.secret',
  '*.token',
  '*.password',
  '*.signature',
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
  'headers.authorization',
  'headers["x-twilio-signature"]',
];

export interface LoggerConfig {
  readonly level: string;
}

/** The root logger. Components take a `log.child({ mod: '…' })` of it; there is no global logger. */
export function createLogger(config: LoggerConfig, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: config.level,
    base: { svc: 'denwa' },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
