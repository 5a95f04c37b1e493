/**
 * A refused command line, environment or data dir: a bad flag or variable value, an unknown flag, a
 * corrupt `credentials.json`, an unreadable certificate. The message is one line that names the flag,
 * variable or file and says what to do; it never contains a secret (auth token, private key). The
 * `denwa` command prints the message and exits with status 2.
 *
 * @example
 * ```ts
 * throw new ConfigError('--http-port (DENWA_HTTP_PORT) must be an integer 0–65535, got "abc"');
 * ```
 * @public
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(message: string, options?: ErrorOptions) {
    super(message.replace(/\s*\n\s*/g, ' '), options);
  }
}
