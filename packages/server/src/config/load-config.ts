/**
 * Command line and `DENWA_*` environment → {@link DenwaConfig}. Flags override variables, variables
 * override defaults. The environment comes in as a parameter: this folder is the only reader of
 * `process.env`, and only through its caller.
 */
import { isAbsolute, resolve } from 'node:path';
import { isSid, type AccountSid } from '@denwa/protocol';
import { z } from 'zod';
import type { RecordingStorageSetting } from './recording-storage.ts';
import { ConfigError } from './config-error.ts';
import { OPTIONS, optionByFlag, optionLabel, type Command, type OptionName, type OptionSpec } from './flags.ts';
import { LOG_LEVELS, MAX_PORT, MEDIA_IO_MODES, MIN_RTP_PORT, parseValue, type LogLevel, type MediaIo, type PortRange, type ValueOf, type ValueType } from './values.ts';

/** The PEM files of a real certificate, given with `--tls-cert`/`--tls-key`. @public */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** Credentials from `DENWA_ACCOUNT_SID`/`DENWA_AUTH_TOKEN`, used instead of `credentials.json`. @public */
export interface CredentialsOverride {
  readonly accountSid: AccountSid;
  readonly authToken: string;
}

/**
 * The server's settings, validated. Paths are absolute.
 *
 * @public
 */
export interface DenwaConfig {
  /** Absolute path of the data dir (`--data-dir`). */
  readonly dataDir: string;
  /** Bind address: an IP literal (IPv6 canonical, no brackets) or a lowercase host name. */
  readonly host: string;
  /** 0 means "any free port". */
  readonly httpPort: number;
  readonly httpsPort: number;
  /** Canonical IP literal, or null when not given. */
  readonly publicIp: string | null;
  /** The base URL given with `--public-url`, without trailing slash; null when it is to be derived (see `resolvePublicUrl`). */
  readonly publicUrl: string | null;
  /** UDP port of the WebRTC media relay (0: any free port). */
  readonly mediaPort: number;
  /** The media relay's UDP implementation. */
  readonly mediaIo: MediaIo;
  /** Test-only HTTP endpoints (`/test/…`), off unless asked for. */
  readonly testHooks: boolean;
  readonly rtpPortRange: PortRange;
  readonly sipPort: number;
  /** Absolute path of the trunks file (`--trunks`), or null. */
  readonly trunksFile: string | null;
  /** A real certificate to serve instead of the local CA's; null to use the local CA. */
  readonly tls: TlsFiles | null;
  readonly logLevel: LogLevel;
  /** Credentials from the environment; null to use (or create) `credentials.json`. */
  readonly credentialsOverride: CredentialsOverride | null;
  /** Where finished recordings live (`--recording-storage`), with the S3 keys when it is a bucket. */
  readonly recordingStorage: RecordingStorageConfig;
}

/** `--recording-storage` with its keys. @public */
export type RecordingStorageConfig =
  | { readonly kind: 'filesystem' }
  | (Extract<RecordingStorageSetting, { kind: 's3' }> & { readonly accessKeyId: string; readonly secretAccessKey: string });

/** Environment variables, as `process.env`. An empty value counts as unset. @public */
export type Env = Readonly<Record<string, string | undefined>>;

/** Flag values by flag name without dashes (`{ 'http-port': '4000' }`); switches hold `'true'`. @public */
export type Flags = Readonly<Record<string, string>>;

/** The command and its flags, syntax-checked but not yet validated. @public */
export interface ParsedArgs {
  readonly command: Command;
  readonly flags: Flags;
}

const COMMANDS: readonly Command[] = ['start', 'token', 'help', 'version'];
const EXPECTED_COMMAND = 'expected start, token or help (see denwa help)';

function isCommand(value: string): value is Command {
  return (COMMANDS as readonly string[]).includes(value);
}

/** A user-given value, quoted on one line and shortened. */
function quote(raw: string): string {
  const short = raw.length > 80 ? `${raw.slice(0, 77)}...` : raw;
  return JSON.stringify(short);
}

function valueError(spec: OptionSpec, problem: string, raw: string): ConfigError {
  const shown = spec.secret ? ' (value not shown)' : `, got ${quote(raw)}`;
  return new ConfigError(`${optionLabel(spec)} ${problem}${shown}`);
}

/**
 * Splits `argv` (`process.argv.slice(2)`) into the command and its flags. Accepts `--flag value` and
 * `--flag=value` in any order around the command; `-h`/`--help` anywhere means `help`, `--version`
 * means `version`; no arguments at all mean `help`. Values are checked later, by {@link loadConfig}
 * and {@link loadTokenOptions}.
 *
 * @throws ConfigError for an unknown command or flag, a flag without its value, a value given to a
 *   switch, a repeated flag, a flag the command does not take, or a stray argument.
 * @example
 * ```ts
 * parseArgs(['start', '--http-port=4000']); // { command: 'start', flags: { 'http-port': '4000' } }
 * ```
 * @public
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.length === 0 || argv.some((a) => a === '-h' || a === '--help')) return { command: 'help', flags: {} };
  if (argv.includes('--version')) return { command: 'version', flags: {} };
  let command: Command | null = null;
  const flags: Record<string, string> = {};
  const queue = [...argv];
  for (let arg = queue.shift(); arg !== undefined; arg = queue.shift()) {
    if (!arg.startsWith('-')) {
      if (command !== null) throw new ConfigError(`unexpected argument ${quote(arg)} after "${command}" (see denwa help)`);
      if (!isCommand(arg)) throw new ConfigError(`unknown command ${quote(arg)}: ${EXPECTED_COMMAND}`);
      command = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq === -1 ? undefined : eq) : '';
    const spec = optionByFlag(name);
    if (spec === undefined) {
      const shown = eq === -1 ? arg : arg.slice(0, eq);
      throw new ConfigError(`unknown flag ${quote(shown)} (see denwa help)`);
    }
    if (flags[name] !== undefined) throw new ConfigError(`${optionLabel(spec)} is given more than once`);
    if (spec.type === 'switch') {
      if (eq !== -1) throw new ConfigError(`--${name} takes no value`);
      flags[name] = 'true';
      continue;
    }
    const next = queue[0];
    const value = eq !== -1 ? arg.slice(eq + 1) : next !== undefined && !next.startsWith('-') ? queue.shift() : undefined;
    if (value === undefined || value === '') {
      throw new ConfigError(`${optionLabel(spec)} needs a value: --${name} ${spec.metavar}`);
    }
    flags[name] = value;
  }
  if (command === null) throw new ConfigError(`missing command: ${EXPECTED_COMMAND}`);
  if (command === 'help' || command === 'version') return { command, flags: {} };
  for (const name of Object.keys(flags)) {
    const spec = optionByFlag(name);
    if (spec !== undefined && !spec.commands.includes(command)) {
      throw new ConfigError(`--${name} is a flag of denwa ${spec.commands.join('/')}, not of denwa ${command}`);
    }
  }
  return { command, flags };
}

/** Settings whose value is parsed (all but switches). */
type ValuedOption = { [K in OptionName]: (typeof OPTIONS)[K]['type'] extends ValueType ? K : never }[OptionName];

/** Reads settings from flags, then the environment, then the table's defaults. */
class SettingReader {
  readonly #flags: Flags;
  readonly #env: Env;

  constructor(flags: Flags, env: Env) {
    this.#flags = flags;
    this.#env = env;
  }

  raw(spec: OptionSpec): string | null {
    const fromFlag = spec.flag === null ? undefined : this.#flags[spec.flag];
    if (fromFlag !== undefined) return fromFlag;
    const fromEnv = spec.env === null ? undefined : this.#env[spec.env];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    return spec.default;
  }

  /** The parsed value, or null when neither given nor defaulted. */
  optional<N extends ValuedOption>(name: N): ValueOf<(typeof OPTIONS)[N]['type']> | null {
    const spec: OptionSpec = OPTIONS[name];
    const raw = this.raw(spec);
    if (raw === null) return null;
    const parsed = parseValue<(typeof OPTIONS)[N]['type']>(OPTIONS[name].type, raw);
    if (!parsed.ok) throw valueError(spec, parsed.problem, raw);
    return parsed.value;
  }

  /** The parsed value of a setting that has a default (or is required). */
  required<N extends ValuedOption>(name: N): ValueOf<(typeof OPTIONS)[N]['type']> {
    const value = this.optional(name);
    if (value !== null) return value;
    const spec: OptionSpec = OPTIONS[name];
    throw new ConfigError(`${optionLabel(spec)} is required: --${spec.flag ?? ''} ${spec.metavar}`);
  }
}

function checkKnownFlags(flags: Flags): void {
  for (const name of Object.keys(flags)) {
    if (optionByFlag(name) === undefined) throw new ConfigError(`unknown flag ${quote(`--${name}`)} (see denwa help)`);
  }
}

function pairError(a: OptionSpec, b: OptionSpec, given: OptionSpec): ConfigError {
  return new ConfigError(`${optionLabel(a)} and ${optionLabel(b)} go together, but only ${optionLabel(given)} is set`);
}

function checkPorts(httpPort: number, httpsPort: number, sipPort: number, mediaPort: number, rtp: PortRange): void {
  const tcp = [
    [OPTIONS.httpPort, httpPort],
    [OPTIONS.httpsPort, httpsPort],
    [OPTIONS.sipPort, sipPort],
  ] as const;
  for (const [i, [spec, port]] of tcp.entries()) {
    const clash = tcp.slice(0, i).find(([, other]) => other === port && port !== 0);
    if (clash !== undefined) {
      throw new ConfigError(`${optionLabel(spec)} must differ from ${optionLabel(clash[0])}, both are ${port}`);
    }
  }
  if (mediaPort !== 0 && mediaPort >= rtp.min && mediaPort <= rtp.max) {
    throw new ConfigError(
      `${optionLabel(OPTIONS.mediaPort)} ${mediaPort} lies within ${optionLabel(OPTIONS.rtpPortRange)} ${rtp.min}-${rtp.max}`,
    );
  }
  if (sipPort >= rtp.min && sipPort <= rtp.max) {
    throw new ConfigError(
      `${optionLabel(OPTIONS.sipPort)} ${sipPort} lies within ${optionLabel(OPTIONS.rtpPortRange)} ${rtp.min}-${rtp.max}`,
    );
  }
}

const port = z.int().min(0).max(MAX_PORT);
const configSchema = z
  .object({
    dataDir: z.string().refine(isAbsolute, 'must be absolute'),
    host: z.string().min(1),
    httpPort: port,
    httpsPort: port,
    publicIp: z.string().min(1).nullable(),
    publicUrl: z.url({ protocol: /^https?$/ }).nullable(),
    mediaPort: port,
    mediaIo: z.enum(MEDIA_IO_MODES),
    testHooks: z.boolean(),
    rtpPortRange: z
      .object({ min: z.int().min(MIN_RTP_PORT).max(MAX_PORT), max: z.int().min(MIN_RTP_PORT).max(MAX_PORT) })
      .readonly()
      .refine((r) => r.min % 2 === 0 && r.min < r.max, 'must have an even MIN below MAX'),
    sipPort: port,
    trunksFile: z.string().refine(isAbsolute, 'must be absolute').nullable(),
    tls: z.object({ certFile: z.string().min(1), keyFile: z.string().min(1) }).readonly().nullable(),
    logLevel: z.enum(LOG_LEVELS),
    recordingStorage: z.custom<RecordingStorageConfig>((v) => typeof v === 'object' && v !== null),
    credentialsOverride: z
      .object({
        accountSid: z.custom<AccountSid>((v) => isSid('account', v)),
        authToken: z.string().regex(/^[A-Za-z0-9]{16,256}$/),
      })
      .readonly()
      .nullable(),
  })
  .readonly();

/** `--recording-storage` and, for a bucket, both S3 keys (a ConfigError names what is missing). */
function recordingStorageConfig(read: SettingReader): RecordingStorageConfig {
  const setting = read.required('recordingStorage');
  const accessKeyId = read.optional('s3AccessKeyId');
  const secretAccessKey = read.optional('s3SecretAccessKey');
  if (setting.kind === 'filesystem') return setting;
  if (accessKeyId === null || secretAccessKey === null) {
    const missing = accessKeyId === null ? OPTIONS.s3AccessKeyId : OPTIONS.s3SecretAccessKey;
    throw new ConfigError(`${optionLabel(OPTIONS.recordingStorage)} names an S3 bucket: set ${optionLabel(missing)} too`);
  }
  return { ...setting, accessKeyId, secretAccessKey };
}

/**
 * Builds the server's settings from flags (as {@link parseArgs} returns them), the environment and the
 * defaults of the {@link OPTIONS} table, in that order of precedence, and validates the result.
 * Relative paths resolve against `cwd`.
 *
 * @throws ConfigError naming the flag and variable of the first bad value, e.g.
 *   `--http-port (DENWA_HTTP_PORT) must be an integer 0–65535, got "abc"`.
 * @example
 * ```ts
 * const config = loadConfig(parseArgs(process.argv.slice(2)).flags, process.env);
 * ```
 * @public
 */
export function loadConfig(flags: Flags, env: Env, cwd: string = process.cwd()): DenwaConfig {
  checkKnownFlags(flags);
  const read = new SettingReader(flags, env);
  const certFile = read.optional('tlsCert');
  const keyFile = read.optional('tlsKey');
  if ((certFile === null) !== (keyFile === null)) {
    throw pairError(OPTIONS.tlsCert, OPTIONS.tlsKey, certFile === null ? OPTIONS.tlsKey : OPTIONS.tlsCert);
  }
  const accountSid = read.optional('accountSid');
  const authToken = read.optional('authToken');
  if ((accountSid === null) !== (authToken === null)) {
    throw pairError(OPTIONS.accountSid, OPTIONS.authToken, accountSid === null ? OPTIONS.authToken : OPTIONS.accountSid);
  }
  const candidate: DenwaConfig = {
    dataDir: resolve(cwd, read.required('dataDir')),
    host: read.required('host'),
    httpPort: read.required('httpPort'),
    httpsPort: read.required('httpsPort'),
    publicIp: read.optional('publicIp'),
    publicUrl: read.optional('publicUrl'),
    mediaPort: read.required('mediaPort'),
    mediaIo: read.required('mediaIo'),
    testHooks: read.required('testHooks'),
    rtpPortRange: read.required('rtpPortRange'),
    sipPort: read.required('sipPort'),
    trunksFile: ((file) => (file === null ? null : resolve(cwd, file)))(read.optional('trunks')),
    tls: certFile !== null && keyFile !== null ? { certFile: resolve(cwd, certFile), keyFile: resolve(cwd, keyFile) } : null,
    logLevel: read.required('logLevel'),
    credentialsOverride: accountSid !== null && authToken !== null ? { accountSid, authToken } : null,
    recordingStorage: recordingStorageConfig(read),
  };
  checkPorts(candidate.httpPort, candidate.httpsPort, candidate.sipPort, candidate.mediaPort, candidate.rtpPortRange);
  const result = configSchema.safeParse(candidate);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`invalid configuration: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  return result.data;
}

/** What `denwa token` mints. @public */
export interface TokenOptions {
  /** `grants.identity`; incoming calls to `client:<identity>` reach the device. */
  readonly identity: string;
  /** Lifetime in seconds, 1–86400. */
  readonly ttlSec: number;
  /** The TwiML Application for outgoing calls, or null for none. */
  readonly applicationSid: ValueOf<'application-sid'> | null;
  /** Whether the token allows incoming calls (`--no-incoming` turns it off). */
  readonly incoming: boolean;
}

/**
 * Reads the flags of `denwa token`: `--identity` (required), `--ttl`, `--app`, `--no-incoming`.
 *
 * @throws ConfigError for a missing identity, a bad value, or `--no-incoming` without `--app` (the
 *   token would allow no calls at all).
 * @public
 */
export function loadTokenOptions(flags: Flags): TokenOptions {
  checkKnownFlags(flags);
  const read = new SettingReader(flags, {});
  const identity = read.required('identity');
  const ttlSec = read.required('ttl');
  const applicationSid = read.optional('app');
  const incoming = flags['no-incoming'] === undefined;
  if (!incoming && applicationSid === null) {
    throw new ConfigError('--no-incoming needs --app: without either grant the token would allow no calls');
  }
  return { identity, ttlSec, applicationSid, incoming };
}

/** A fully read command line. @public */
export type CommandLine =
  | { readonly command: 'start'; readonly config: DenwaConfig }
  | { readonly command: 'token'; readonly config: DenwaConfig; readonly token: TokenOptions }
  | { readonly command: 'help' }
  | { readonly command: 'version' };

/**
 * {@link parseArgs}, then {@link loadConfig} (and {@link loadTokenOptions} for `token`): what the
 * `denwa` command needs in one call.
 *
 * @throws ConfigError as those do.
 * @example
 * ```ts
 * const cli = parseCommandLine(process.argv.slice(2), process.env);
 * if (cli.command === 'start') await startDenwa(cli.config, { out: console.log });
 * ```
 * @public
 */
export function parseCommandLine(argv: readonly string[], env: Env, cwd: string = process.cwd()): CommandLine {
  const { command, flags } = parseArgs(argv);
  switch (command) {
    case 'help':
    case 'version':
      return { command };
    case 'start':
      return { command, config: loadConfig(flags, env, cwd) };
    case 'token': {
      const token = loadTokenOptions(flags);
      return { command, config: loadConfig(flags, env, cwd), token };
    }
  }
}
