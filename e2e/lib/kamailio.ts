/**
 * kamailio (Debian) as a fake carrier between Denwa and a phone: requests from Denwa's SIP port must
 * answer a digest challenge (407) and are relayed to the phone with the Request-URI rewritten to its
 * account; requests from anywhere else are relayed to Denwa. It record-routes, so in-dialog requests
 * cross it too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@denwa/testkit';
import { stopChild } from './process.ts';

export const KAMAILIO = process.env['DENWA_KAMAILIO'] ?? '/usr/sbin/kamailio';
const MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';

export interface Kamailio {
  readonly port: number;
  readonly log: string[];
  stop(): Promise<void>;
}

export interface KamailioOptions {
  /** Denwa's SIP port on 127.0.0.1: what comes from it is outbound and must authenticate. */
  readonly denwaPort: number;
  /** Where outbound calls go by dialed Request-URI user (the first one also takes any other user). */
  readonly phones: readonly { readonly dialed: string; readonly user: string; readonly port: number }[];
  readonly realm: string;
  readonly username: string;
  readonly password: string;
}

function config(o: KamailioOptions, port: number): string {
  const denwa = String(o.denwaPort);
  return `#!KAMAILIO
debug=2
log_stderror=yes
fork=yes
children=2
auto_aliases=no
listen=udp:127.0.0.1:${String(port)}
mpath="${MODULES}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "auth.so"
modparam("rr", "enable_full_lr", 1)
request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (!sanity_check()) { exit; }
  if (has_totag()) {
    if (loose_route()) { t_relay(); exit; }
    if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
    sl_send_reply("404", "Not here"); exit;
  }
  if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
  t_check_trans();
  if ($si == "127.0.0.1" && $sp == ${denwa}) {
    if (is_method("INVITE|BYE|OPTIONS")) {
      if (!pv_proxy_authenticate("${o.realm}", "${o.password}", "0") || $au != "${o.username}") {
        proxy_challenge("${o.realm}", "0");
        exit;
      }
      consume_credentials();
    }
    record_route();
${o.phones.slice(1).map((p) => `    if ($rU == "${p.dialed}") { $ru = "sip:${p.user}@127.0.0.1:${String(p.port)}"; t_relay(); exit; }`).join('\n')}
    $ru = "sip:${o.phones[0]?.user ?? ''}@127.0.0.1:${String(o.phones[0]?.port ?? 0)}";
    t_relay();
    exit;
  }
  record_route();
  $du = "sip:127.0.0.1:${denwa}";
  t_relay();
}
`;
}

export async function startKamailio(options: KamailioOptions): Promise<Kamailio> {
  const dir = mkdtempSync(join(tmpdir(), 'denwa-kamailio-'));
  const port = await freePort();
  writeFileSync(join(dir, 'kamailio.cfg'), config(options, port));
  const log: string[] = [];
  const proc: ChildProcess = spawn(KAMAILIO, ['-f', join(dir, 'kamailio.cfg'), '-P', join(dir, 'kamailio.pid'), '-Y', dir, '-m', '64', '-M', '8', '-E', '-DD'], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.on('data', (d: Buffer) => { if (log.length < 5000) log.push(d.toString()); });
  proc.stderr?.on('data', (d: Buffer) => { if (log.length < 5000) log.push(d.toString()); });
  const deadline = Date.now() + 10_000;
  while (!log.join('').includes('INFO: <core> [core/udp_server.c') && !/listening on/i.test(log.join('')) && Date.now() < deadline && proc.exitCode === null) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (proc.exitCode !== null) throw new Error(`kamailio exited ${String(proc.exitCode)}:\n${log.join('')}`);
  await new Promise((r) => setTimeout(r, 300));
  return {
    port,
    log,
    async stop() {
      await stopChild(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
