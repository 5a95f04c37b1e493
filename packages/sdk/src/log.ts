/** The SDK's console output, filtered by the `logLevel` Device option (default `warn`). */

/** @public */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';

const RANK: Readonly<Record<LogLevel, number>> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, silent: 5 };

export interface SdkLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createSdkLogger(level: LogLevel = 'warn', sink: Pick<Console, 'debug' | 'info' | 'warn' | 'error'> = console): SdkLogger {
  const threshold = RANK[level];
  const at = (l: Exclude<LogLevel, 'trace' | 'silent'>) => (message: string): void => {
    if (RANK[l] >= threshold) sink[l](`[denwa] ${message}`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
