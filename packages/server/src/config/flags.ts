/**
 * The one table of command-line flags and `DENWA_*` variables. The parser, the loader and the help text
 * all read it, so they cannot disagree.
 */
import type { ValueType } from './values.ts';

/** The `denwa` commands. @public */
export type Command = 'start' | 'token' | 'help' | 'version';

/** The commands that take options. @public */
export type OptionCommand = Extract<Command, 'start' | 'token'>;

/**
 * One setting: a flag, a `DENWA_*` variable, or both.
 *
 * @public
 */
export interface OptionSpec {
  /** The flag without its dashes (`http-port` for `--http-port`), or null for a variable-only setting. */
  readonly flag: string | null;
  /** The environment variable, or null for a flag-only setting. */
  readonly env: string | null;
  /** The kind of value; `switch` flags take none. */
  readonly type: ValueType | 'switch';
  /** The placeholder shown in help and errors (`PORT`); empty for switches. */
  readonly metavar: string;
  /** The default as it would be typed, or null when there is none. */
  readonly default: string | null;
  /** The command fails without it. */
  readonly required: boolean;
  /** Never echo the value (in errors or anywhere else). */
  readonly secret: boolean;
  /** The commands that accept it. */
  readonly commands: readonly OptionCommand[];
  /** One or two sentences for `denwa help`. */
  readonly help: string;
}

const BOTH: readonly OptionCommand[] = ['start', 'token'];
const TOKEN: readonly OptionCommand[] = ['token'];

/**
 * Every flag and variable, keyed by the name of the setting it fills. Order is help order.
 *
 * @public
 */
export const OPTIONS = {
  dataDir: {
    flag: 'data-dir', env: 'DENWA_DATA_DIR', type: 'path', metavar: 'DIR', default: './.denwa',
    required: false, secret: false, commands: BOTH,
    help: 'Where the database, credentials, recordings and TLS files live; relative to the current folder.',
  },
  host: {
    flag: 'host', env: 'DENWA_HOST', type: 'host', metavar: 'ADDR', default: '127.0.0.1',
    required: false, secret: false, commands: BOTH,
    help: 'Address the HTTP, HTTPS and SIP listeners bind. Use 0.0.0.0 (or ::) on a server reached from other machines.',
  },
  httpPort: {
    flag: 'http-port', env: 'DENWA_HTTP_PORT', type: 'port', metavar: 'PORT', default: '3000',
    required: false, secret: false, commands: BOTH,
    help: 'HTTP port: REST API, TwiML Bin URLs, console. 0 picks a free port.',
  },
  httpsPort: {
    flag: 'https-port', env: 'DENWA_HTTPS_PORT', type: 'port', metavar: 'PORT', default: '3443',
    required: false, secret: false, commands: BOTH,
    help: 'HTTPS and WSS port (browser SDK signaling). 0 picks a free port.',
  },
  publicIp: {
    flag: 'public-ip', env: 'DENWA_PUBLIC_IP', type: 'public-ip', metavar: 'IP', default: null,
    required: false, secret: false, commands: BOTH,
    help: 'IPv4 or IPv6 address browsers and SIP carriers reach; goes into SDP and the local certificate.',
  },
  publicUrl: {
    flag: 'public-url', env: 'DENWA_PUBLIC_URL', type: 'http-url', metavar: 'URL', default: null,
    required: false, secret: false, commands: BOTH,
    help: 'Base URL of resource URLs (TwiML Bins, webhook signatures), e.g. behind a reverse proxy. '
      + 'Unset: http://<public IP, else host (127.0.0.1 for 0.0.0.0 or ::)>:<http port>.',
  },
  mediaPort: {
    flag: 'media-port', env: 'DENWA_MEDIA_PORT', type: 'port', metavar: 'PORT', default: '3480',
    required: false, secret: false, commands: BOTH,
    help: 'UDP port of the WebRTC media relay: every browser call leg shares it (demultiplexed by ICE). '
      + '0 picks a free port.',
  },
  mediaIo: {
    flag: 'media-io', env: 'DENWA_MEDIA_IO', type: 'media-io', metavar: 'MODE', default: 'auto',
    required: false, secret: false, commands: BOTH,
    help: 'How the media relay does UDP: native (batched recvmmsg/sendmmsg, Linux, built by npm ci), '
      + 'dgram (node:dgram, portable, more CPU per call) or auto (native where it is built).',
  },
  testHooks: {
    flag: 'test-hooks', env: 'DENWA_TEST_HOOKS', type: 'on-off', metavar: 'on|off', default: 'off',
    required: false, secret: false, commands: BOTH,
    help: 'Test-only endpoints under /test/ (media impairment of a call leg, Basic auth). Never on in production.',
  },
  rtpPortRange: {
    flag: 'rtp-port-range', env: 'DENWA_RTP_PORT_RANGE', type: 'port-range', metavar: 'MIN-MAX',
    default: '10000-20000', required: false, secret: false, commands: BOTH,
    help: 'UDP ports for RTP/SRTP media; MIN even, within 1024–65535.',
  },
  trunks: {
    flag: 'trunks', env: 'DENWA_TRUNKS', type: 'path', metavar: 'FILE', default: null,
    required: false, secret: false, commands: BOTH,
    help: 'JSON file of SIP trunks and their numbers (see docs/DEPLOY.md), applied at every start; '
      + 'the same trunks can also be managed with /v1/SipTrunks.',
  },
  recordingStorage: {
    // secret: a mistyped URL may carry keys (s3://KEY:SECRET@bucket), so errors never echo it.
    flag: 'recording-storage', env: 'DENWA_RECORDING_STORAGE', type: 'recording-storage', metavar: 'URL', default: 'file',
    required: false, secret: true, commands: BOTH,
    help: 'Where finished recordings live: file (<data dir>/recordings) or s3://BUCKET[/PREFIX]?region=R&endpoint=URL '
      + '(any S3-compatible service; keys from DENWA_S3_ACCESS_KEY_ID and DENWA_S3_SECRET_ACCESS_KEY).',
  },
  s3AccessKeyId: {
    flag: null, env: 'DENWA_S3_ACCESS_KEY_ID', type: 'key-text', metavar: 'KEY', default: null,
    required: false, secret: false, commands: BOTH,
    help: 'Access key id for --recording-storage s3://…; set together with DENWA_S3_SECRET_ACCESS_KEY.',
  },
  s3SecretAccessKey: {
    flag: null, env: 'DENWA_S3_SECRET_ACCESS_KEY', type: 'key-text', metavar: 'SECRET', default: null,
    required: false, secret: true, commands: BOTH,
    help: 'Secret access key for --recording-storage s3://…; never logged or written to disk.',
  },
  sipPort: {
    flag: 'sip-port', env: 'DENWA_SIP_PORT', type: 'port', metavar: 'PORT', default: '5060',
    required: false, secret: false, commands: BOTH,
    help: 'SIP port (UDP and TCP) for carriers. 0 picks a free port.',
  },
  tlsCert: {
    flag: 'tls-cert', env: 'DENWA_TLS_CERT', type: 'path', metavar: 'FILE', default: null,
    required: false, secret: false, commands: BOTH,
    help: 'PEM certificate (chain) of a real certificate for production, with --tls-key. '
      + 'Without both, Denwa issues one from its local CA.',
  },
  tlsKey: {
    flag: 'tls-key', env: 'DENWA_TLS_KEY', type: 'path', metavar: 'FILE', default: null,
    required: false, secret: false, commands: BOTH,
    help: 'PEM private key (unencrypted) of --tls-cert.',
  },
  logLevel: {
    flag: 'log-level', env: 'DENWA_LOG_LEVEL', type: 'log-level', metavar: 'LEVEL', default: 'info',
    required: false, secret: false, commands: BOTH,
    help: 'fatal, error, warn, info, debug, trace or silent. Logs are JSON lines on stderr.',
  },
  accountSid: {
    flag: null, env: 'DENWA_ACCOUNT_SID', type: 'account-sid', metavar: 'AC…', default: null,
    required: false, secret: false, commands: BOTH,
    help: 'Account SID to use instead of the one in credentials.json (AC + 32 lowercase hex digits); '
      + 'set together with DENWA_AUTH_TOKEN.',
  },
  authToken: {
    flag: null, env: 'DENWA_AUTH_TOKEN', type: 'auth-token', metavar: 'TOKEN', default: null,
    required: false, secret: true, commands: BOTH,
    help: 'Auth token to use instead of the one in credentials.json (16–256 letters and digits); '
      + 'never written to disk.',
  },
  identity: {
    flag: 'identity', env: null, type: 'identity', metavar: 'NAME', default: null,
    required: true, secret: false, commands: TOKEN,
    help: 'Client identity the token is for (letters, digits, underscores); calls to client:NAME reach it.',
  },
  ttl: {
    flag: 'ttl', env: null, type: 'ttl', metavar: 'SECONDS', default: '3600',
    required: false, secret: false, commands: TOKEN,
    help: 'Token lifetime in seconds, at most 86400 (24 hours).',
  },
  app: {
    flag: 'app', env: null, type: 'application-sid', metavar: 'AP…', default: null,
    required: false, secret: false, commands: TOKEN,
    help: 'TwiML Application SID for outgoing calls (Device.connect()); without it the token allows no outgoing calls.',
  },
  noIncoming: {
    flag: 'no-incoming', env: null, type: 'switch', metavar: '', default: null,
    required: false, secret: false, commands: TOKEN,
    help: 'Do not allow incoming calls (needs --app).',
  },
} as const satisfies Readonly<Record<string, OptionSpec>>;

/** The name of a setting in {@link OPTIONS}. @public */
export type OptionName = keyof typeof OPTIONS;

/** All settings, in help order. @public */
export const OPTION_LIST: readonly (OptionSpec & { readonly name: OptionName })[] = (
  Object.keys(OPTIONS) as OptionName[]
).map((name) => ({ name, ...OPTIONS[name] }));

/** The setting a flag (without dashes) belongs to, if any. @internal */
export function optionByFlag(flag: string): (OptionSpec & { readonly name: OptionName }) | undefined {
  return OPTION_LIST.find((o) => o.flag === flag);
}

/**
 * How a setting is named in messages: `--http-port (DENWA_HTTP_PORT)`, `--identity` or
 * `DENWA_AUTH_TOKEN`.
 *
 * @public
 */
export function optionLabel(spec: OptionSpec): string {
  if (spec.flag !== null && spec.env !== null) return `--${spec.flag} (${spec.env})`;
  if (spec.flag !== null) return `--${spec.flag}`;
  return spec.env ?? '';
}
