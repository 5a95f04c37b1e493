/**
 * The user agent against a real sipp (Debian `sip-tester`) running the scenarios in `./sipp/` as a
 * UAC over loopback UDP: the CANCEL/200 race, CANCEL before the answer, 100rel/PRACK, a session-timer
 * refresh by re-INVITE, and malformed requests. Each scenario runs a bounded number of calls with a
 * global timeout; the assertions are on outcomes (sipp's exit code, the handler's view, transactions
 * and sessions drained), never on timing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@denwa/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../core/index.ts';
import { bindSipUdp, type SipAddress, type SipTransport } from '../transport/index.ts';
import type { IncomingInvite } from './incoming-invite.ts';
import type { SessionEnd } from './session.ts';
import { SipUserAgent, type SipUaHandler, type SipUserAgentOptions } from './user-agent.ts';

const SIPP = process.env['DENWA_SIPP'] ?? '/usr/bin/sipp';
const SCENARIOS = fileURLToPath(new URL('./sipp/', import.meta.url));
const TIMERS = { t1: 50, t2: 400, t4: 500 };
const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

const transports: SipTransport[] = [];
const agents: SipUserAgent[] = [];
afterEach(async () => {
  for (const a of agents.splice(0)) a.close();
  await Promise.all(transports.splice(0).map((t) => t.close()));
});

async function agent(handler: SipUaHandler, options: Partial<SipUserAgentOptions> = {}): Promise<{ ua: SipUserAgent; udp: SipTransport }> {
  const udp = await bindSipUdp({ address: '127.0.0.1', port: 0 });
  transports.push(udp);
  const ua = new SipUserAgent({ clock: new SystemClock(), transports: [udp], timers: TIMERS, handler, ...options });
  agents.push(ua);
  return { ua, udp };
}

/** Runs a scenario of `./sipp/` against `target`; resolves with sipp's exit code and its error log, if any. */
async function sipp(scenario: string, target: SipAddress, calls: number, extra: readonly string[] = []): Promise<{ code: number | null; errors: string }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'denwa-sipp-'));
  const args = ['-sf', join(SCENARIOS, scenario), `${target.address}:${String(target.port)}`, '-s', 'denwa', '-i', '127.0.0.1', '-p', String(port),
    '-m', String(calls), '-l', '4', '-r', '20', '-nostdin', '-timeout', '30', '-timeout_error', '-trace_err', '-error_file', join(dir, 'errors.log'), ...extra];
  try {
    const code = await new Promise<number | null>((resolve) => {
      const p = spawn(SIPP, args, { stdio: 'ignore', cwd: dir });
      p.on('exit', (c) => { resolve(c); });
      p.on('error', () => { resolve(-1); });
    });
    const errors = readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    return { code, errors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Polls `check` every 20 ms, at most `ms`. */
async function settle(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

describe('SipUserAgent against sipp scenarios', () => {
  it('CANCEL/200 race: whichever wins, the call completes cleanly and every transaction drains', async () => {
    const invites: IncomingInvite[] = [];
    const ends: SessionEnd[] = [];
    let n = 0;
    const { ua, udp } = await agent({
      invite: (inv) => {
        invites.push(inv);
        inv.progress(180);
        const accept = (): void => {
          const s = inv.accept(SDP);
          if (s !== null) s.events = { ended: (c) => { ends.push(c); } };
        };
        // Answer at once, at the next turn of the event loop, or a little later: the CANCEL lands before or after.
        const mode = n++ % 3;
        if (mode === 0) accept();
        else if (mode === 1) setImmediate(accept);
        else setTimeout(accept, 1 + (n % 4));
      },
    });
    const { code, errors } = await sipp('cancel-race.xml', udp.local, 12);
    expect(errors).toBe('');
    expect(code).toBe(0);
    expect(invites).toHaveLength(12);
    const canceled = invites.filter((i) => i.state === 'canceled').length;
    const answered = invites.filter((i) => i.state === 'accepted').length;
    expect(canceled + answered).toBe(12);
    await settle(() => ends.length === answered && ua.transactions.server === 0 && ua.transactions.client === 0);
    expect(ends).toEqual(Array.from({ length: answered }, () => 'bye-received'));
    expect(ua.sessionCount).toBe(0);
    expect(ua.transactions).toMatchObject({ server: 0, client: 0 });
  }, 60_000);

  it('CANCEL before the answer: 200 to the CANCEL, 487 to the INVITE, the ACK absorbed', async () => {
    const invites: IncomingInvite[] = [];
    let canceled = 0;
    const { ua, udp } = await agent({ invite: (inv) => { invites.push(inv); inv.onCancel = () => { canceled++; }; inv.progress(180); } });
    const { code, errors } = await sipp('cancel.xml', udp.local, 3);
    expect(errors).toBe('');
    expect(code).toBe(0);
    expect(canceled).toBe(3);
    expect(invites.map((i) => i.state)).toEqual(['canceled', 'canceled', 'canceled']);
    await settle(() => ua.transactions.server === 0);
    expect(ua.transactions.server).toBe(0);
  }, 60_000);

  it('100rel: a reliable 180, PRACK, then the 200 held back for it, ACK and BYE', async () => {
    const ends: SessionEnd[] = [];
    const reliable: boolean[] = [];
    const { ua, udp } = await agent({
      invite: (inv) => {
        reliable.push(inv.reliableProvisionals);
        inv.progress(180);
        const s = inv.accept(SDP);
        if (s !== null) s.events = { ended: (c) => { ends.push(c); } };
      },
    });
    const { code, errors } = await sipp('prack.xml', udp.local, 3);
    expect(errors).toBe('');
    expect(code).toBe(0);
    expect(reliable).toEqual([true, true, true]);
    await settle(() => ends.length === 3);
    expect(ends).toEqual(['bye-received', 'bye-received', 'bye-received']);
    expect(ua.sessionCount).toBe(0);
  }, 60_000);

  it('session timer: Denwa, the refresher, re-INVITEs with the same SDP until sipp hangs up', async () => {
    const ends: SessionEnd[] = [];
    const { ua, udp } = await agent({
      invite: (inv) => {
        const s = inv.accept(SDP);
        if (s !== null) s.events = { ended: (c) => { ends.push(c); } };
      },
    }, { minSessionExpires: 2 });
    const { code, errors } = await sipp('session-timer.xml', udp.local, 1);
    expect(errors).toBe('');
    expect(code).toBe(0);
    await settle(() => ends.length === 1);
    expect(ends).toEqual(['bye-received']);
    expect(ua.sessionCount).toBe(0);
  }, 60_000);

  it('malformed requests are dropped and the user agent goes on answering', async () => {
    const { ua, udp } = await agent({ invite: (inv) => { inv.reject(486, 'Busy Here'); } });
    const { code, errors } = await sipp('malformed.xml', udp.local, 1);
    expect(errors).toBe('');
    expect(code).toBe(0);
    expect(ua.transactions.malformed).toBe(4);
  }, 60_000);
});
