/**
 * `/recordings/`: the console's list of the account's recent recordings, each with a player. The
 * page is behind the same Basic auth as the REST API; its `<audio>` elements load the media from the
 * REST API's own URLs (`…/Recordings/RE….mp3`, or `.wav` while there is no MP3) on the same origin,
 * so the browser sends the credentials it already holds.
 */
import type { FastifyInstance } from 'fastify';
import type { AccountSid } from '@denwa/protocol';
import { authenticate } from '../api/index.ts';
import type { RecordingRecord, Store } from '../store/ports.ts';
import { escapeHtml } from './escape-html.ts';

/** Rows on the page (newest first). */
const PAGE_SIZE = 50;

export interface RecordingsPageDeps {
  readonly store: Store;
  readonly accountSid: AccountSid;
}

function row(r: RecordingRecord): string {
  const media = `/2010-04-01/Accounts/${r.accountSid}/Recordings/${r.sid}`;
  const format = r.mp3Key !== null ? 'mp3' : r.wavKey !== null ? 'wav' : null;
  const player = format === null
    ? escapeHtml(r.status)
    : `<audio controls preload="none" src="${escapeHtml(`${media}.${format}`)}"></audio> <a href="${escapeHtml(`${media}.wav`)}">WAV</a>`;
  const duration = r.durationMs === null ? '—' : `${String(Math.round(r.durationMs / 1000))} s`;
  const cells = [new Date(r.startTime).toISOString().replace('T', ' ').slice(0, 19), r.sid, r.callSid, r.channels === 2 ? 'dual' : 'mono', duration];
  return `<tr>${cells.map((c) => `<td><code>${escapeHtml(c)}</code></td>`).join('')}<td>${player}</td></tr>`;
}

export function recordingsPage(records: readonly RecordingRecord[]): string {
  const rows = records.length === 0 ? '<tr><td colspan="6">No recordings yet: a <code>&lt;Dial record="…"&gt;</code> makes one.</td></tr>' : records.map(row).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Denwa recordings</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem}th,td{text-align:left;padding:.25rem .75rem .25rem 0}audio{height:2rem;vertical-align:middle}</style>
</head><body><h1>Recordings</h1><p>Dual recordings: channel 1 (left) is the caller, channel 2 (right) the dialed party.</p>
<table><thead><tr><th>Started (UTC)</th><th>Recording</th><th>Call</th><th>Channels</th><th>Duration</th><th>Play</th></tr></thead><tbody>${rows}</tbody></table></body></html>`;
}

export function registerRecordingsPage(app: FastifyInstance, deps: RecordingsPageDeps): void {
  app.get('/recordings', async (_req, reply) => reply.redirect('/recordings/'));
  app.get('/recordings/', async (req, reply) => {
    await authenticate(req.headers.authorization, deps.store, deps.accountSid);
    const page = await deps.store.recordings.list(deps.accountSid, {}, { offset: 0, limit: PAGE_SIZE });
    return reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(recordingsPage(page.items));
  });
}
