/**
 * baresip (Debian) as "the mobile phone": a headless instance with its own config dir, an account
 * that answers automatically or stays ringing, a tone WAV as its microphone, every call recorded to
 * WAV by the sndfile module, and control over ctrl_tcp (netstring-framed JSON commands and events).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@denwa/testkit';
import { stopChild } from './process.ts';
import { writeToneWav } from './tones.ts';

export const BARESIP = process.env['DENWA_BARESIP'] ?? '/usr/bin/baresip';

export interface BaresipEvent {
  readonly type: string;
  readonly peeruri?: string;
  readonly param?: string;
}

export interface Baresip {
  /** The SIP port it listens on (UDP and TCP) at 127.0.0.1. */
  readonly port: number;
  /** The account's user part: the Request-URI user it answers. */
  readonly user: string;
  readonly events: BaresipEvent[];
  readonly log: string[];
  /** Sends a ctrl_tcp command (`dial`, `hangup`, `accept`, `sndcode`, …). */
  command(command: string, params?: string): void;
  /** Resolves with the first event of `type` after `since` events (throws after `ms`). */
  waitEvent(type: string, ms: number, since?: number): Promise<BaresipEvent>;
  /** The WAV files of what it received (`*-dec.wav`). */
  receivedWavs(): string[];
  stop(): Promise<void>;
}

/** A port whose UDP and TCP and the next TCP port (baresip's TLS) look free. */
async function sipPort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const p = await freePort('udp');
    if (p % 2 === 0 && p < 65_000) return p;
  }
  return freePort('udp');
}

export async function startBaresip(options: { readonly hz: number; readonly user: string; readonly answer: 'auto' | 'manual'; readonly rtpBase: number; readonly auth?: { readonly user: string; readonly pass: string } }): Promise<Baresip> {
  const dir = mkdtempSync(join(tmpdir(), 'denwa-baresip-'));
  const rec = join(dir, 'rec');
  mkdirSync(rec);
  const port = await sipPort();
  const ctrl = await freePort('tcp');
  writeToneWav(join(dir, 'tone.wav'), options.hz, 120, 8000);
  writeFileSync(join(dir, 'config'), [
    'poll_method epoll', 'call_local_timeout 120', 'call_max_calls 4', `sip_listen 127.0.0.1:${String(port)}`, 'net_interface 127.0.0.1',
    'audio_player aubridge,nowhere', `audio_source aufile,${join(dir, 'tone.wav')}`, 'audio_alert aubridge,nowhere',
    'ausrc_format s16', 'auplay_format s16', 'auenc_format s16', 'audec_format s16', 'audio_buffer 20-160',
    `rtp_ports ${String(options.rtpBase)}-${String(options.rtpBase + 40)}`, 'rtcp_mux no', 'jitter_buffer_delay 5-10', 'rtp_stats no',
    'module_path /usr/lib/baresip/modules', 'module g711.so', 'module aufile.so', 'module aubridge.so', 'module sndfile.so',
    'module_tmp account.so', 'module_app menu.so', 'module_app ctrl_tcp.so', `ctrl_tcp_listen 127.0.0.1:${String(ctrl)}`, `snd_path ${rec}`, '',
  ].join('\n'));
  const auth = options.auth === undefined ? '' : `;auth_user=${options.auth.user};auth_pass=${options.auth.pass}`;
  writeFileSync(join(dir, 'accounts'), `<sip:${options.user}@127.0.0.1:${String(port)}>;regint=0;answermode=${options.answer};audio_codecs=PCMU,PCMA${auth}\n`);
  writeFileSync(join(dir, 'contacts'), '');
  const log: string[] = [];
  const proc: ChildProcess = spawn(BARESIP, ['-4', '-f', dir, '-v'], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.on('data', (d: Buffer) => { if (log.length < 5000) log.push(d.toString()); });
  proc.stderr?.on('data', (d: Buffer) => { if (log.length < 5000) log.push(d.toString()); });
  const events: BaresipEvent[] = [];
  let socket: Socket | null = null;
  const deadline = Date.now() + 10_000;
  while (socket === null && Date.now() < deadline) {
    socket = await new Promise<Socket | null>((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port: ctrl }, () => { resolve(s); });
      s.once('error', () => { resolve(null); });
    });
    if (socket === null) await new Promise((r) => setTimeout(r, 100));
  }
  if (socket === null) {
    proc.kill('SIGKILL');
    throw new Error(`baresip did not start:\n${log.join('')}`);
  }
  const ctl = socket;
  let buffer = '';
  ctl.on('data', (d: Buffer) => {
    buffer += d.toString();
    for (;;) {
      const colon = buffer.indexOf(':');
      if (colon < 0) return;
      const len = Number(buffer.slice(0, colon));
      if (!Number.isFinite(len) || buffer.length < colon + 1 + len + 1) return;
      const body = buffer.slice(colon + 1, colon + 1 + len);
      buffer = buffer.slice(colon + 2 + len);
      try {
        const msg = JSON.parse(body) as { event?: boolean; type?: string; peeruri?: string; param?: string };
        if (msg.event === true && msg.type !== undefined) events.push({ type: msg.type, ...(msg.peeruri === undefined ? {} : { peeruri: msg.peeruri }), ...(msg.param === undefined ? {} : { param: msg.param }) });
      } catch { /* not JSON: ignore */ }
    }
  });
  let token = 0;
  return {
    port,
    user: options.user,
    events,
    log,
    command(command, params = '') {
      const body = JSON.stringify({ command, params, token: `t${String(++token)}` });
      ctl.write(`${String(Buffer.byteLength(body))}:${body},`);
    },
    async waitEvent(type, ms, since = 0) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const found = events.slice(since).find((e) => e.type === type);
        if (found !== undefined) return found;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`baresip: no ${type} within ${String(ms)} ms; events: ${events.map((e) => e.type).join(', ')}\n${log.join('').slice(-3000)}`);
    },
    receivedWavs: () => readdirSync(rec).filter((f) => f.endsWith('-dec.wav')).map((f) => join(rec, f)),
    async stop() {
      ctl.destroy();
      await stopChild(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
