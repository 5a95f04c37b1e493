/**
 * Where the quickstart gets its settings. With the five `TWILIO_*` variables it runs against Twilio;
 * without them, against a local Denwa with zero configuration: the account comes from Denwa's
 * `credentials.json`, and an API key and a TwiML App are created through Denwa's REST API at start.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface TwilioSettings {
  readonly mode: 'twilio';
  readonly accountSid: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly twimlAppSid: string;
  readonly callerId: string;
  /** Validates webhook signatures when set. */
  readonly authToken: string | null;
}

export interface DenwaSettings {
  readonly mode: 'denwa';
  readonly accountSid: string;
  readonly authToken: string;
  /** Denwa's HTTP base URL (REST API, TwiML). */
  readonly denwaUrl: string;
  /** What the page passes as `chunderw`: Denwa's HTTPS host and port. */
  readonly chunderw: string;
  readonly callerId: string;
}

export interface QuickstartConfig {
  readonly port: number;
  readonly host: string;
  /** The identity `/token` mints by default (the guide's `twilio_user`). */
  readonly identity: string;
  readonly backend: TwilioSettings | DenwaSettings;
}

type Env = Readonly<Record<string, string | undefined>>;

const TWILIO_VARS = ['TWILIO_ACCOUNT_SID', 'TWILIO_API_KEY', 'TWILIO_API_SECRET', 'TWILIO_TWIML_APP_SID', 'TWILIO_CALLER_ID'] as const;

export function loadConfig(env: Env, cwd: string = process.cwd()): QuickstartConfig {
  const port = Number(env['PORT'] ?? '3100');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0–65535, got ${String(env['PORT'])}`);
  const common = { port, host: env['HOST'] ?? '127.0.0.1', identity: env['IDENTITY'] ?? 'twilio_user' };
  const given = TWILIO_VARS.filter((k) => (env[k] ?? '') !== '');
  if (given.length === TWILIO_VARS.length) {
    return {
      ...common,
      backend: {
        mode: 'twilio',
        accountSid: env['TWILIO_ACCOUNT_SID'] ?? '',
        apiKey: env['TWILIO_API_KEY'] ?? '',
        apiSecret: env['TWILIO_API_SECRET'] ?? '',
        twimlAppSid: env['TWILIO_TWIML_APP_SID'] ?? '',
        callerId: env['TWILIO_CALLER_ID'] ?? '',
        authToken: env['TWILIO_AUTH_TOKEN'] ?? null,
      },
    };
  }
  if (given.length > 0) throw new Error(`set all of ${TWILIO_VARS.join(', ')} to use Twilio, or none to use a local Denwa (missing: ${TWILIO_VARS.filter((k) => !given.includes(k)).join(', ')})`);
  const dataDir = resolve(cwd, env['DENWA_DATA_DIR'] ?? '.denwa');
  let accountSid = env['DENWA_ACCOUNT_SID'] ?? '';
  let authToken = env['DENWA_AUTH_TOKEN'] ?? '';
  if (accountSid === '' || authToken === '') {
    const file = join(dataDir, 'credentials.json');
    let parsed: { accountSid?: unknown; authToken?: unknown };
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
    } catch (err) {
      throw new Error(`cannot read Denwa's credentials at ${file} (start Denwa first with npm start, or set DENWA_ACCOUNT_SID and DENWA_AUTH_TOKEN): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    accountSid = typeof parsed.accountSid === 'string' ? parsed.accountSid : '';
    authToken = typeof parsed.authToken === 'string' ? parsed.authToken : '';
  }
  return {
    ...common,
    backend: {
      mode: 'denwa',
      accountSid,
      authToken,
      denwaUrl: (env['DENWA_URL'] ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''),
      chunderw: env['DENWA_CHUNDERW'] ?? '127.0.0.1:3443',
      callerId: env['CALLER_ID'] ?? '+15005550006',
    },
  };
}
