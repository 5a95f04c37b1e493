/** A real `denwa start` process on ports 0 with a temp data dir, as a user runs it. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../packages/server/bin/denwa.js', import.meta.url));

export const ACCOUNT_SID = `AC${'e2e0'.repeat(8)}`;
export const AUTH_TOKEN = 'E2eAuthTokenE2eAuthTokenE2eAuth0';

export interface DenwaProcess {
  readonly api: string;
  /** `host:port` of HTTPS/WSS, the SDKs' `chunderw`. */
  readonly chunderw: string;
  /** The SIP port (UDP and TCP) on 127.0.0.1. */
  readonly sipPort: number;
  /** Its `--data-dir`. */
  readonly dataDir: string;
  readonly stdout: string[];
  readonly stderr: string[];
  rest(path: string, init?: { method?: string; form?: Record<string, string> }): Promise<Record<string, unknown>>;
  /** Kills the process with `signal` (a crash: no shutdown), keeping its data dir. Resolves once it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export interface StartDenwaOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly args?: readonly string[];
  /**
   * A folder of the caller's to keep the data dir in (`<dir>/data`), so that another process can start
   * on it after this one; the caller removes it. Default: a temp folder that `stop` removes.
   */
  readonly dir?: string;
}

export async function startDenwa(options: StartDenwaOptions = {}): Promise<DenwaProcess> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'denwa-e2e-'));
  const proc: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [BIN, 'start', '--data-dir', join(dir, 'data'), '--host', '127.0.0.1', '--http-port', '0', '--https-port', '0', '--media-port', '0', '--sip-port', '0', '--log-level', 'debug', ...(options.args ?? [])],
    { env: { ...process.env, DENWA_ACCOUNT_SID: ACCOUNT_SID, DENWA_AUTH_TOKEN: AUTH_TOKEN, ...options.env } },
  );
  const stdout: string[] = [];
  const stderr: string[] = [];
  proc.stderr.on('data', (d: Buffer) => stderr.push(d.toString()));
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`denwa did not start in 30 s:\n${stdout.join('')}\n${stderr.join('')}`)); }, 30_000);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`denwa exited ${String(code)}:\n${stderr.join('')}`)); });
    proc.stdout.on('data', (d: Buffer) => {
      stdout.push(d.toString());
      const m = /^Denwa ready: console (\S+)\/ · API \S+ · HTTPS https:\/\/(\S+)$/m.exec(stdout.join(''));
      if (m !== null) {
        clearTimeout(timer);
        proc.removeAllListeners('exit');
        resolve(m);
      }
    });
  });
  const api = ready[1] ?? '';
  const sipPort = Number(/^ {2}sip {8}udp\+tcp \S+:(\d+)/m.exec(stdout.join(''))?.[1] ?? '0');
  const auth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
  return {
    api,
    chunderw: ready[2] ?? '',
    sipPort,
    dataDir: join(dir, 'data'),
    stdout,
    stderr,
    async rest(path, init = {}) {
      const res = await fetch(`${api}/2010-04-01/Accounts/${ACCOUNT_SID}${path}`, {
        method: init.method ?? (init.form === undefined ? 'GET' : 'POST'),
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        ...(init.form === undefined ? {} : { body: new URLSearchParams(init.form).toString() }),
      });
      return (await res.json()) as Record<string, unknown>;
    },
    async kill(signal = 'SIGKILL') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.on('exit', () => { resolve(); });
        proc.kill(signal);
      });
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => { proc.kill('SIGKILL'); }, 10_000);
          proc.on('exit', () => { clearTimeout(timer); resolve(); });
          proc.kill('SIGTERM');
        });
      }
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
