import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { loadConfig, loadTokenOptions, parseArgs, parseCommandLine, type Env } from './load-config.ts';

const SID = 'AC0123456789abcdef0123456789abcdef';
const APP = 'AP0123456789abcdef0123456789abcdef';
const TOKEN = 'abcdefABCDEF0123456789';
const CWD = '/srv/denwa';

/** Runs `denwa start <args>` with `env` and returns the config. */
function start(args: readonly string[], env: Env = {}) {
  return loadConfig(parseArgs(['start', ...args]).flags, env, CWD);
}

/** The ConfigError message `fn` throws (fails the test if it throws anything else or nothing). */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig: defaults and precedence', () => {
  it('uses the defaults when nothing is given', () => {
    expect(start([])).toEqual({
      dataDir: '/srv/denwa/.denwa',
      host: '127.0.0.1',
      httpPort: 3000,
      httpsPort: 3443,
      publicIp: null,
      publicUrl: null,
      mediaPort: 3480,
      mediaIo: 'auto',
      testHooks: false,
      rtpPortRange: { min: 10000, max: 20000 },
      sipPort: 5060,
      trunksFile: null,
      tls: null,
      logLevel: 'info',
      credentialsOverride: null,
      recordingStorage: { kind: 'filesystem' },
    });
  });

  it('flag beats env beats default, setting by setting', () => {
    const env = { DENWA_HTTP_PORT: '4000', DENWA_HTTPS_PORT: '4443', DENWA_LOG_LEVEL: 'debug', DENWA_DATA_DIR: '/var/lib/denwa' };
    const config = start(['--http-port', '5000', '--log-level=warn'], env);
    expect(config.httpPort).toBe(5000); // flag over env
    expect(config.logLevel).toBe('warn'); // flag (= form) over env
    expect(config.httpsPort).toBe(4443); // env over default
    expect(config.dataDir).toBe('/var/lib/denwa');
    expect(config.sipPort).toBe(5060); // default
  });

  it('reads every setting from its DENWA_* variable', () => {
    const config = start([], {
      DENWA_DATA_DIR: 'data',
      DENWA_HOST: '0.0.0.0',
      DENWA_HTTP_PORT: '0',
      DENWA_HTTPS_PORT: '0',
      DENWA_PUBLIC_IP: '203.0.113.10',
      DENWA_PUBLIC_URL: 'https://voice.example.com/denwa/',
      DENWA_MEDIA_PORT: '0',
      DENWA_MEDIA_IO: 'dgram',
      DENWA_TEST_HOOKS: 'on',
      DENWA_RTP_PORT_RANGE: '30000-30100',
      DENWA_SIP_PORT: '5080',
      DENWA_TRUNKS: 'trunks.json',
      DENWA_TLS_CERT: 'certs/fullchain.pem',
      DENWA_TLS_KEY: '/etc/denwa/privkey.pem',
      DENWA_LOG_LEVEL: 'silent',
      DENWA_ACCOUNT_SID: SID,
      DENWA_AUTH_TOKEN: TOKEN,
      DENWA_RECORDING_STORAGE: 's3://denwa-recordings/calls/2026?region=ap-northeast-1&endpoint=http://127.0.0.1:9000/&path-style=true',
      DENWA_S3_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      DENWA_S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    });
    expect(config).toEqual({
      dataDir: '/srv/denwa/data',
      host: '0.0.0.0',
      httpPort: 0,
      httpsPort: 0,
      publicIp: '203.0.113.10',
      publicUrl: 'https://voice.example.com/denwa',
      mediaPort: 0,
      mediaIo: 'dgram',
      testHooks: true,
      rtpPortRange: { min: 30000, max: 30100 },
      sipPort: 5080,
      trunksFile: '/srv/denwa/trunks.json',
      tls: { certFile: '/srv/denwa/certs/fullchain.pem', keyFile: '/etc/denwa/privkey.pem' },
      logLevel: 'silent',
      credentialsOverride: { accountSid: SID, authToken: TOKEN },
      recordingStorage: {
        kind: 's3', bucket: 'denwa-recordings', prefix: 'calls/2026', region: 'ap-northeast-1', endpoint: 'http://127.0.0.1:9000', pathStyle: true,
        accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      },
    });
  });

  it('--recording-storage: file, or an S3 bucket that needs both keys from the environment; bad URLs are refused without echoing secrets', () => {
    expect(start(['--recording-storage', 'file']).recordingStorage).toEqual({ kind: 'filesystem' });
    const keys = { DENWA_S3_ACCESS_KEY_ID: 'AKID', DENWA_S3_SECRET_ACCESS_KEY: 'topsecretvalue' };
    expect(start(['--recording-storage', 's3://bucket-1'], keys).recordingStorage).toEqual({
      kind: 's3', bucket: 'bucket-1', prefix: '', region: 'us-east-1', endpoint: null, pathStyle: null, accessKeyId: 'AKID', secretAccessKey: 'topsecretvalue',
    });
    expect(() => start(['--recording-storage', 's3://bucket-1'], { DENWA_S3_ACCESS_KEY_ID: 'AKID' })).toThrow(/DENWA_S3_SECRET_ACCESS_KEY/);
    for (const bad of ['ftp://x', 's3://UPPER', 's3://b/../x', 's3://bucket-1?foo=1', 's3://bucket-1?endpoint=file:///etc', 's3://bucket-1?path-style=yes', 's3://AKID:topsecretvalue@bucket-1']) {
      let message = '';
      try {
        start(['--recording-storage', bad], keys);
      } catch (err) {
        message = err instanceof Error ? err.message : String(err);
      }
      expect(message, bad).toMatch(/--recording-storage/);
      expect(message).not.toContain('topsecretvalue');
    }
  });

  it('treats an empty variable as unset', () => {
    expect(start([], { DENWA_HTTP_PORT: '', DENWA_PUBLIC_IP: '' })).toMatchObject({ httpPort: 3000, publicIp: null });
  });

  it('canonicalises IPv6 and lowercases host names', () => {
    expect(start(['--public-ip', '2001:DB8:0:0::1', '--host', 'Voice.Example.COM'])).toMatchObject({
      publicIp: '2001:db8::1',
      host: 'voice.example.com',
    });
    expect(start(['--host', '::'])).toMatchObject({ host: '::' });
  });

  it('ignores variables that are not DENWA_* settings', () => {
    expect(start([], { PORT: '1', HOST: 'x y' }).httpPort).toBe(3000);
  });
});

describe('loadConfig: bad values name the flag and the variable', () => {
  const cases: readonly [string, readonly string[], Env, RegExp][] = [
    ['port above 65535', ['--http-port', '70000'], {}, /^--http-port \(DENWA_HTTP_PORT\) must be an integer 0–65535, got "70000"$/],
    ['port not a number', [], { DENWA_HTTP_PORT: 'abc' }, /^--http-port \(DENWA_HTTP_PORT\) must be an integer 0–65535, got "abc"$/],
    ['negative-looking port', ['--https-port=-1'], {}, /^--https-port \(DENWA_HTTPS_PORT\) must be an integer/],
    ['fractional port', ['--sip-port', '50.5'], {}, /^--sip-port \(DENWA_SIP_PORT\) must be an integer/],
    ['reversed rtp range', ['--rtp-port-range', '20000-10000'], {}, /^--rtp-port-range \(DENWA_RTP_PORT_RANGE\) must have MIN below MAX, got "20000-10000"$/],
    ['odd rtp min', ['--rtp-port-range', '10001-20000'], {}, /^--rtp-port-range \(DENWA_RTP_PORT_RANGE\) must start at an even port/],
    ['rtp range below 1024', ['--rtp-port-range', '1-2'], {}, /^--rtp-port-range \(DENWA_RTP_PORT_RANGE\) must lie within 1024–65535, got "1-2"$/],
    ['rtp range not MIN-MAX', [], { DENWA_RTP_PORT_RANGE: '10000' }, /^--rtp-port-range \(DENWA_RTP_PORT_RANGE\) must be MIN-MAX/],
    ['public IP out of range', ['--public-ip', '999.1.1.1'], {}, /^--public-ip \(DENWA_PUBLIC_IP\) must be an IPv4 or IPv6 address, got "999.1.1.1"$/],
    ['public IP a name', ['--public-ip', 'example.com'], {}, /^--public-ip \(DENWA_PUBLIC_IP\) must be an IPv4 or IPv6 address/],
    ['public IP wildcard', ['--public-ip', '0.0.0.0'], {}, /^--public-ip \(DENWA_PUBLIC_IP\) must be the address clients reach/],
    ['public URL ftp', ['--public-url', 'ftp://x'], {}, /^--public-url \(DENWA_PUBLIC_URL\) must be an absolute http:\/\/ or https:\/\/ URL, got "ftp:\/\/x"$/],
    ['public URL relative', ['--public-url', '/voice'], {}, /^--public-url \(DENWA_PUBLIC_URL\) must be an absolute/],
    ['public URL with query', ['--public-url', 'https://x.example/?a=1'], {}, /^--public-url \(DENWA_PUBLIC_URL\) must be a base URL/],
    ['host with a space', ['--host', 'my host'], {}, /^--host \(DENWA_HOST\) must be an IP address \(IPv6 without brackets\) or a host name/],
    ['bracketed IPv6 host', ['--host', '[::1]'], {}, /^--host \(DENWA_HOST\) must be an IP address/],
    ['log level', ['--log-level', 'verbose'], {}, /^--log-level \(DENWA_LOG_LEVEL\) must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"$/],
    ['test hooks', ['--test-hooks', 'yes'], {}, /^--test-hooks \(DENWA_TEST_HOOKS\) must be on or off, got "yes"$/],
    ['only --tls-cert', ['--tls-cert', 'c.pem'], {}, /^--tls-cert \(DENWA_TLS_CERT\) and --tls-key \(DENWA_TLS_KEY\) go together, but only --tls-cert \(DENWA_TLS_CERT\) is set$/],
    ['only DENWA_TLS_KEY', [], { DENWA_TLS_KEY: 'k.pem' }, /only --tls-key \(DENWA_TLS_KEY\) is set$/],
    ['only the account SID', [], { DENWA_ACCOUNT_SID: SID }, /^DENWA_ACCOUNT_SID and DENWA_AUTH_TOKEN go together, but only DENWA_ACCOUNT_SID is set$/],
    ['only the auth token', [], { DENWA_AUTH_TOKEN: TOKEN }, /but only DENWA_AUTH_TOKEN is set$/],
    ['uppercase SID', [], { DENWA_ACCOUNT_SID: SID.toUpperCase(), DENWA_AUTH_TOKEN: TOKEN }, /^DENWA_ACCOUNT_SID must be AC followed by 32 lowercase hex digits, got "AC0123/],
    ['SID of the wrong kind', [], { DENWA_ACCOUNT_SID: APP, DENWA_AUTH_TOKEN: TOKEN }, /^DENWA_ACCOUNT_SID must be AC followed by/],
    ['http and https on one port', ['--http-port', '4000', '--https-port', '4000'], {}, /^--https-port \(DENWA_HTTPS_PORT\) must differ from --http-port \(DENWA_HTTP_PORT\), both are 4000$/],
    ['SIP port inside the RTP range', ['--sip-port', '10000'], {}, /^--sip-port \(DENWA_SIP_PORT\) 10000 lies within --rtp-port-range/],
    ['media port inside the RTP range', ['--media-port', '10002'], {}, /^--media-port \(DENWA_MEDIA_PORT\) 10002 lies within --rtp-port-range/],
  ];

  it.each(cases)('%s', (_name, args, env, expected) => {
    expect(errorOf(() => start(args, env))).toMatch(expected);
  });

  it('a short auth token is refused without showing it', () => {
    const message = errorOf(() => start([], { DENWA_ACCOUNT_SID: SID, DENWA_AUTH_TOKEN: 'short1' }));
    expect(message).toBe('DENWA_AUTH_TOKEN must be 16–256 letters or digits (value not shown)');
  });

  it('an auth token with other characters is refused without showing it', () => {
    const secret = 'abcdefghijklmnop-secret';
    const message = errorOf(() => start([], { DENWA_ACCOUNT_SID: SID, DENWA_AUTH_TOKEN: secret }));
    expect(message).not.toContain(secret);
  });

  it('ports may be 0 (any free port) for all listeners at once', () => {
    expect(start(['--http-port', '0', '--https-port', '0', '--sip-port', '0'])).toMatchObject({
      httpPort: 0,
      httpsPort: 0,
      sipPort: 0,
    });
  });

  it('a flag unknown to the table is refused even when handed over directly', () => {
    expect(errorOf(() => loadConfig({ httpPort: '1' }, {}, CWD))).toBe('unknown flag "--httpPort" (see denwa help)');
  });
});

describe('parseArgs', () => {
  it('reads the command and both flag forms', () => {
    expect(parseArgs(['start', '--http-port', '4000', '--host=0.0.0.0'])).toEqual({
      command: 'start',
      flags: { 'http-port': '4000', host: '0.0.0.0' },
    });
  });

  it('accepts flags before the command', () => {
    expect(parseArgs(['--data-dir', '/d', 'start']).command).toBe('start');
  });

  it('help: no arguments, -h, --help anywhere, or the help command', () => {
    for (const argv of [[], ['-h'], ['start', '--help'], ['help'], ['token', '--bogus', '-h']]) {
      expect(parseArgs(argv)).toEqual({ command: 'help', flags: {} });
    }
  });

  it('--version', () => {
    expect(parseArgs(['--version'])).toEqual({ command: 'version', flags: {} });
    expect(parseArgs(['version'])).toEqual({ command: 'version', flags: {} });
  });

  it('a value may contain "=" in the = form', () => {
    expect(parseArgs(['start', '--public-url=https://x.example/a=b']).flags['public-url']).toBe('https://x.example/a=b');
  });

  const refused: readonly [string, readonly string[], RegExp][] = [
    ['unknown flag', ['start', '--bogus', '1'], /^unknown flag "--bogus" \(see denwa help\)$/],
    ['unknown flag in = form', ['start', '--bogus=1'], /^unknown flag "--bogus"/],
    ['unknown short flag', ['start', '-p', '1'], /^unknown flag "-p"/],
    ['missing value at the end', ['start', '--http-port'], /^--http-port \(DENWA_HTTP_PORT\) needs a value: --http-port PORT$/],
    ['missing value before a flag', ['start', '--data-dir', '--host', 'x'], /^--data-dir \(DENWA_DATA_DIR\) needs a value/],
    ['empty value', ['start', '--host='], /^--host \(DENWA_HOST\) needs a value/],
    ['unknown command', ['serve'], /^unknown command "serve": expected start, token or help/],
    ['missing command', ['--http-port', '1'], /^missing command: expected start, token or help/],
    ['stray argument', ['start', 'now'], /^unexpected argument "now" after "start"/],
    ['repeated flag', ['start', '--sip-port', '1', '--sip-port=2'], /^--sip-port \(DENWA_SIP_PORT\) is given more than once$/],
    ['switch with a value', ['token', '--no-incoming=yes'], /^--no-incoming takes no value$/],
    ['token flag on start', ['start', '--identity', 'alice'], /^--identity is a flag of denwa token, not of denwa start$/],
  ];

  it.each(refused)('%s', (_name, argv, expected) => {
    expect(errorOf(() => parseArgs(argv))).toMatch(expected);
  });
});

describe('loadTokenOptions', () => {
  const token = (...args: string[]) => loadTokenOptions(parseArgs(['token', ...args]).flags);

  it('defaults: one hour, incoming allowed, no application', () => {
    expect(token('--identity', 'alice')).toEqual({ identity: 'alice', ttlSec: 3600, applicationSid: null, incoming: true });
  });

  it('reads --ttl, --app and --no-incoming', () => {
    expect(token('--identity=bob_2', '--ttl', '86400', '--app', APP, '--no-incoming')).toEqual({
      identity: 'bob_2',
      ttlSec: 86400,
      applicationSid: APP,
      incoming: false,
    });
  });

  it.each([
    ['no identity', [], /^--identity is required: --identity NAME$/],
    ['identity with a space', ['--identity', 'a b'], /^--identity must be 1–121 letters, digits or underscores, got "a b"$/],
    ['identity too long', ['--identity', 'a'.repeat(122)], /^--identity must be 1–121/],
    ['ttl above a day', ['--identity', 'a', '--ttl', '86401'], /^--ttl must be a whole number of seconds 1–86400, got "86401"$/],
    ['ttl zero', ['--identity', 'a', '--ttl', '0'], /^--ttl must be a whole number/],
    ['app of the wrong kind', ['--identity', 'a', '--app', SID], /^--app must be AP followed by 32 lowercase hex digits/],
    ['no grant at all', ['--identity', 'a', '--no-incoming'], /^--no-incoming needs --app/],
  ] as const)('%s', (_name, args, expected) => {
    expect(errorOf(() => token(...args))).toMatch(expected);
  });
});

describe('parseCommandLine', () => {
  it('start → config', () => {
    const cli = parseCommandLine(['start', '--http-port', '0'], { DENWA_LOG_LEVEL: 'warn' }, CWD);
    expect(cli.command).toBe('start');
    if (cli.command === 'start') expect(cli.config).toMatchObject({ httpPort: 0, logLevel: 'warn' });
  });

  it('token → config and token options, sharing the data dir flag', () => {
    const cli = parseCommandLine(['token', '--identity', 'alice', '--data-dir', 'd'], {}, CWD);
    expect(cli).toMatchObject({ command: 'token', config: { dataDir: '/srv/denwa/d' }, token: { identity: 'alice' } });
  });

  it('help and version carry nothing else', () => {
    expect(parseCommandLine(['help'], {}, CWD)).toEqual({ command: 'help' });
    expect(parseCommandLine(['--version'], {}, CWD)).toEqual({ command: 'version' });
  });

  it('a bad value in the environment fails start', () => {
    expect(errorOf(() => parseCommandLine(['start'], { DENWA_SIP_PORT: 'sip' }, CWD))).toMatch(/^--sip-port \(DENWA_SIP_PORT\)/);
  });
});
