/**
 * The `denwa` command as a user runs it: a real process, real sockets on 127.0.0.1, a temp data dir.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { fileURLToPath } from 'node:url';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '@denwa/testkit';
import { verifyToken } from '../src/signaling/auth/index.ts';
import { openSqliteStore } from '../src/store/index.ts';
import { basic, form } from './harness.ts';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const SID = `AC${'1234abcd'.repeat(4)}`;
const TOKEN = 'T0kenT0kenT0kenT0kenT0kenT0ken12';

interface Running {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly out: string[];
  readonly err: string[];
  readonly api: string;
  readonly https: string;
}

const temp: { remove(): void }[] = [];
const procs: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
  for (const t of temp.splice(0)) t.remove();
});

function dataDir(): string {
  const t = makeTempDir('denwa-cli-');
  temp.push(t);
  return `${t.path}/data`;
}

function start(dir: string, env: Record<string, string> = {}, extra: string[] = []): Promise<Running> {
  const proc = spawn(process.execPath, [CLI, 'start', '--data-dir', dir, '--http-port', '0', '--https-port', '0', '--media-port', '0', ...extra], {
    env: { ...process.env, DENWA_ACCOUNT_SID: SID, DENWA_AUTH_TOKEN: TOKEN, ...env },
  });
  procs.push(proc);
  const out: string[] = [];
  const err: string[] = [];
  proc.stderr.on('data', (d: Buffer) => err.push(d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`no ready line in 30 s:\n${out.join('')}\n${err.join('')}`)); }, 30_000);
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${String(code)}: ${err.join('')}`)); });
    proc.stdout.on('data', (d: Buffer) => {
      out.push(d.toString());
      const ready = /^Denwa ready: console (\S+)\/ · API \S+ · HTTPS (\S+)$/m.exec(out.join(''));
      if (ready?.[1] !== undefined && ready[2] !== undefined) {
        clearTimeout(timer);
        proc.removeAllListeners('exit');
        resolve({ proc, out, err, api: ready[1], https: ready[2] });
      }
    });
  });
}

function stop(r: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    r.proc.on('exit', (code) => { resolve(code); });
    r.proc.kill(signal);
  });
}

const auth = { authorization: basic(SID, TOKEN), 'content-type': 'application/x-www-form-urlencoded' };

describe('denwa start', () => {
  it('serves the REST API, TwiML Bins and HTTPS from an empty data dir, then stops cleanly', async () => {
    const dir = dataDir();
    const r = await start(dir, {}, ['--log-level', 'trace']);
    expect(r.out.join('')).toContain('(created)');
    expect(r.out.join('')).toContain(`${dir}/tls/ca.crt`);

    const created = await fetch(`${r.api}/2010-04-01/Accounts/${SID}/Applications.json`, {
      method: 'POST', headers: auth, body: form({ FriendlyName: 'x', VoiceUrl: 'http://127.0.0.1:9/voice' }),
    });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { sid: string }).sid).toMatch(/^AP[0-9a-f]{32}$/);

    const bin = await (await fetch(`${r.api}/v1/TwimlBins`, {
      method: 'POST', headers: auth, body: form({ Twiml: '<Response><Dial><Client>twilio_user</Client></Dial></Response>' }),
    })).json() as { url: string };
    const served = await fetch(bin.url, { headers: { authorization: basic(SID, TOKEN) } });
    expect(served.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await served.text()).toBe('<Response><Dial><Client>twilio_user</Client></Dial></Response>');

    // The console's links carry the public URL, known only once the port is bound.
    const status = await (await fetch(`${r.api}/`)).text();
    expect(status).toContain(`${r.api}/2010-04-01/Accounts/${SID}.json`);
    expect(status).toContain(`${r.api}/phone/`);

    const ca = readFileSync(`${dir}/tls/ca.crt`);
    const health = await new Promise<string>((resolve, reject) => {
      httpsGet(`${r.https}/healthz`, { ca }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => { resolve(body); });
      }).on('error', reject);
    });
    expect(JSON.parse(health)).toMatchObject({ status: 'ok' });

    expect(await stop(r)).toBe(0);
    const logs = r.err.join('');
    expect(logs).toContain('"msg":"stopped"');
    expect(logs + r.out.join('')).not.toContain(TOKEN);
  });

  it('finishes in-flight writes on SIGTERM and keeps them across a restart', async () => {
    const dir = dataDir();
    const r = await start(dir);
    const url = `${r.api}/2010-04-01/Accounts/${SID}/Applications.json`;
    const requests = Array.from({ length: 40 }, (_, i) =>
      fetch(url, { method: 'POST', headers: auth, body: form({ FriendlyName: `app-${String(i)}` }) })
        .then(async (res) => (res.status === 201 ? ((await res.json()) as { sid: string }).sid : null))
        .catch(() => null),
    );
    await new Promise((res) => setTimeout(res, 20));
    const exit = stop(r);
    const acknowledged = (await Promise.all(requests)).filter((s): s is string => s !== null);
    expect(await exit).toBe(0);

    const again = await start(dir);
    expect(again.out.join('')).not.toContain('(created)');
    const listed = await (await fetch(`${again.api}/2010-04-01/Accounts/${SID}/Applications.json?PageSize=1000`, { headers: auth })).json() as { applications: { sid: string }[] };
    const stored = new Set(listed.applications.map((a) => a.sid));
    for (const sid of acknowledged) expect(stored.has(sid)).toBe(true);
    expect(await stop(again)).toBe(0);
  });

  it('makes the guide\'s TwiML Bin and the virtual number on the first start only, and points it at the new port after a restart', async () => {
    const dir = dataDir();
    const list = async (r: Running): Promise<{ numbers: { sid: string; phone_number: string; virtual: boolean; voice_url: string; friendly_name: string }[]; bins: { sid: string; friendly_name: string }[] }> => {
      const numbers = await (await fetch(`${r.api}/2010-04-01/Accounts/${SID}/IncomingPhoneNumbers.json`, { headers: auth })).json() as { incoming_phone_numbers: { sid: string; phone_number: string; virtual: boolean; voice_url: string; friendly_name: string }[] };
      const bins = await (await fetch(`${r.api}/v1/TwimlBins`, { headers: auth })).json() as { twiml_bins: { sid: string; friendly_name: string }[] };
      return { numbers: numbers.incoming_phone_numbers, bins: bins.twiml_bins };
    };
    const first = await start(dir);
    expect(first.out.join('')).toContain(`  number     +815000000000 (virtual, created; call it from ${first.api}/simulator/)`);
    const made = await list(first);
    expect(made.numbers).toHaveLength(1);
    expect(made.bins.map((b) => b.friendly_name)).toEqual(['Hands-on guide: ring twilio_user']);
    expect(made.numbers[0]).toMatchObject({ phone_number: '+815000000000', virtual: true, friendly_name: 'Denwa virtual number', voice_url: `${first.api}/twiml/${made.bins[0]?.sid ?? ''}` });
    expect(await stop(first)).toBe(0);

    const second = await start(dir);
    expect(second.out.join('')).toContain(`  number     +815000000000 (virtual; call it from ${second.api}/simulator/)`);
    const kept = await list(second);
    expect(kept.numbers.map((n) => n.sid)).toEqual(made.numbers.map((n) => n.sid));
    expect(kept.bins.map((b) => b.sid)).toEqual(made.bins.map((b) => b.sid));
    expect(kept.numbers[0]?.voice_url).toBe(`${second.api}/twiml/${made.bins[0]?.sid ?? ''}`);
    // Deleted while another number exists: not made again.
    const other = await fetch(`${second.api}/2010-04-01/Accounts/${SID}/IncomingPhoneNumbers.json`, { method: 'POST', headers: auth, body: form({ PhoneNumber: '+815012345678' }) });
    expect(other.status).toBe(201);
    const deleted = await fetch(`${second.api}/2010-04-01/Accounts/${SID}/IncomingPhoneNumbers/${made.numbers[0]?.sid ?? ''}.json`, { method: 'DELETE', headers: { authorization: auth.authorization } });
    expect(deleted.status).toBe(204);
    expect(await stop(second)).toBe(0);

    const third = await start(dir);
    expect(third.out.join('')).not.toContain('  number ');
    expect((await list(third)).numbers.map((n) => n.phone_number)).toEqual(['+815012345678']);
    expect(await stop(third)).toBe(0);
  });
});

describe('denwa token, help and bad flags', () => {
  it('prints an Access Token signed with a data-dir key that the verifier accepts', async () => {
    const dir = dataDir();
    const env = { ...process.env, DENWA_ACCOUNT_SID: SID, DENWA_AUTH_TOKEN: TOKEN };
    const res = spawnSync(process.execPath, [CLI, 'token', '--data-dir', dir, '--identity', 'alice', '--ttl', '600'], { env, encoding: 'utf8' });
    expect(res.status).toBe(0);
    const jwt = res.stdout.trim();
    expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: 'HS256', cty: 'twilio-fpa;v=1' });
    expect(decodeJwt(jwt)).toMatchObject({ sub: SID, grants: { identity: 'alice', voice: { incoming: { allow: true } } } });
    const store = await openSqliteStore({ path: `${dir}/denwa.db` });
    try {
      const verified = await verifyToken(jwt, {
        now: () => Date.now(),
        findAccount: (sid) => store.accounts.get(sid),
        findApiKey: (acc, key) => store.apiKeys.get(acc, key),
      });
      expect(verified).toMatchObject({ identity: 'alice', incoming: true, accountSid: SID });
    } finally {
      await store.close();
    }
    const second = spawnSync(process.execPath, [CLI, 'token', '--data-dir', dir, '--identity', 'bob'], { env, encoding: 'utf8' });
    expect(decodeJwt(second.stdout.trim()).iss).toBe(decodeJwt(jwt).iss);
    const badApp = spawnSync(process.execPath, [CLI, 'token', '--data-dir', dir, '--identity', 'bob', '--app', `AP${'0'.repeat(32)}`], { env, encoding: 'utf8' });
    expect(badApp.status).toBe(1);
    expect(badApp.stderr).toContain('21218');
  });

  it('documents every command and flag in --help', () => {
    const res = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    expect(res.status).toBe(0);
    for (const word of ['start', 'token', '--data-dir', '--host', '--http-port', '--https-port', '--public-ip', '--rtp-port-range', '--sip-port', '--identity', '--ttl', '--app', 'DENWA_DATA_DIR', 'DENWA_ACCOUNT_SID', 'DENWA_AUTH_TOKEN']) {
      expect(res.stdout).toContain(word);
    }
  });

  it.each([
    [['start', '--http-port', 'abc'], /--http-port/],
    [['start', '--bogus'], /--bogus/],
    [['launch'], /launch/],
    [['token'], /--identity/],
    [['token', '--identity', 'bad name'], /identity/],
  ])('exits 2 with a clear message for %j', (args, message) => {
    const res = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, DENWA_DATA_DIR: '/nonexistent/never-created' } });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(message);
  });
});
