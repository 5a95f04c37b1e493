/**
 * A recording's media: `GET …/Recordings/{Sid}` or `{Sid}.wav` as `audio/x-wav`, `{Sid}.mp3` as
 * `audio/mpeg`, behind the same Basic auth as the rest of the API. 20404 when the recording has no
 * such media (`absent`, `failed`, not finished yet, or its MP3 not encoded yet).
 *
 * HTTP Range: one range, `bytes=a-b`, `bytes=a-` or `bytes=-n`, answered 206 with `Content-Range`;
 * 416 with `Content-Range: bytes *\/size` when it starts past the end (or is `bytes=-0`). A
 * malformed, reversed or multi-range header is ignored and the whole file sent (RFC 9110 §14.2).
 *
 * `RequestedChannels=1` on a dual-channel WAV serves it down-mixed to mono (each sample the mean of
 * the two channels), `RequestedChannels=2` on a mono WAV up-mixed (each sample in both channels).
 * The conversion streams: the stored WAV is read in chunks, converted, and sent behind a new 44-byte
 * header. Its length is known before the first byte (frames × new frame size), so Range works on the
 * converted file too: a range maps to the source frames it needs. The MP3 is served as stored:
 * `RequestedChannels` does not apply to it.
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { VoiceError } from '@denwa/protocol';
import { WAV_HEADER_BYTES, downmixStereo, parseWavHeader, upmixMono, wavHeader, type RecordingService } from '../recording/index.ts';
import type { RecordingRecord } from '../store/ports.ts';
import { queryParams, type ApiDeps } from './context.ts';
import { first } from './form.ts';

const CONTENT_TYPE = { wav: 'audio/x-wav', mp3: 'audio/mpeg' } as const;

/** Bytes read to find the `data` chunk of a stored WAV (ours have a 44-byte header). */
const HEADER_PROBE_BYTES = 4096;

/** Bytes `start` to `end`, both inclusive. */
interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** The storage's `InvalidRange` rejection: a read starting past the last byte (of an empty object). */
function isInvalidRange(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'InvalidRange';
}

/** What a `Range` header asks of a representation. */
export type RangeRequest =
  | { readonly kind: 'all' }
  | { readonly kind: 'range'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

/** Reads a `Range` header against a representation of `size` bytes (see the module comment). */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined || header.length > 200) return { kind: 'all' };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (m === null) return { kind: 'all' };
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return { kind: 'all' };
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? Infinity : Number(b);
  if (end < start) return { kind: 'all' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'range', start, end: Math.min(end, size - 1) };
}

/** `RequestedChannels`: 1 or 2, or null when absent. */
function requestedChannels(request: FastifyRequest): 1 | 2 | null {
  const v = first(queryParams(request), 'RequestedChannels');
  if (v === undefined || v === '') return null;
  if (v === '1') return 1;
  if (v === '2') return 2;
  throw new VoiceError(20001, 'RequestedChannels must be 1 or 2');
}

function noMedia(r: RecordingRecord, format: 'wav' | 'mp3'): VoiceError {
  return new VoiceError(20404, `recording ${r.sid} has no ${format === 'wav' ? 'WAV' : 'MP3'} media (status ${r.status})`);
}

/** The stored media's size without reading it (a one-byte read; an empty object is 0). */
async function storedSize(service: RecordingService, r: RecordingRecord, format: 'wav' | 'mp3'): Promise<number | null> {
  try {
    const probe = await service.media(r, format, { start: 0, end: 0 });
    probe?.stream.destroy();
    return probe?.size ?? null;
  } catch (err) {
    if (isInvalidRange(err)) return 0;
    throw err;
  }
}

async function collect(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= max) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, max);
}

function refuseRange(reply: FastifyReply, header: string | undefined, size: number): FastifyReply {
  const err = new VoiceError(20001, `Range ${(header ?? '').slice(0, 64)} is not satisfiable: the media is ${size} bytes`);
  return reply.code(416).header('Content-Range', `bytes */${size}`).type('application/json; charset=utf-8').send({ ...err.toJSON(), status: 416 });
}

function sendBody(reply: FastifyReply, format: 'wav' | 'mp3', total: number, range: ByteRange | null, body: Readable): FastifyReply {
  void reply.header('Accept-Ranges', 'bytes').type(CONTENT_TYPE[format]);
  if (range === null) return reply.code(200).header('Content-Length', total).send(body);
  return reply
    .code(206)
    .header('Content-Range', `bytes ${range.start}-${range.end}/${total}`)
    .header('Content-Length', range.end - range.start + 1)
    .send(body);
}

/** Sends the media of `r` in `format`, whole or a range, converted to `RequestedChannels` when asked. */
export async function sendRecordingMedia(deps: ApiDeps, r: RecordingRecord, format: 'wav' | 'mp3', request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const channels = requestedChannels(request);
  const service = deps.recordings;
  if (service == null || (format === 'wav' ? r.wavKey : r.mp3Key) === null) throw noMedia(r, format);
  const rangeHeader = request.headers.range;
  if (format === 'wav' && channels !== null && channels !== r.channels) {
    const converted = await sendConverted(service, r, channels, rangeHeader, reply);
    if (converted !== null) return converted.sent;
  }
  if (rangeHeader === undefined) {
    const media = await service.media(r, format);
    if (media === null) throw noMedia(r, format);
    return sendBody(reply, format, media.size, null, media.stream);
  }
  const size = await storedSize(service, r, format);
  if (size === null) throw noMedia(r, format);
  const range = parseRange(rangeHeader, size);
  if (range.kind === 'unsatisfiable') return refuseRange(reply, rangeHeader, size);
  const media = await service.media(r, format, range.kind === 'range' ? range : undefined);
  if (media === null) throw noMedia(r, format);
  return sendBody(reply, format, size, range.kind === 'range' ? range : null, media.stream);
}

/** The stored WAV's layout: where its samples are and how many whole frames it has. */
interface SourceWav {
  readonly sampleRate: number;
  readonly channels: number;
  readonly dataOffset: number;
  readonly frames: number;
}

async function readSourceWav(service: RecordingService, r: RecordingRecord): Promise<SourceWav | null> {
  let probe: Awaited<ReturnType<RecordingService['media']>>;
  try {
    probe = await service.media(r, 'wav', { start: 0, end: HEADER_PROBE_BYTES - 1 });
  } catch (err) {
    if (isInvalidRange(err)) throw new VoiceError(20500, `the stored WAV of ${r.sid} is empty`);
    throw err;
  }
  if (probe === null) return null;
  const parsed = parseWavHeader(await collect(probe.stream, HEADER_PROBE_BYTES));
  if (!parsed.ok) throw new VoiceError(20500, `the stored WAV of ${r.sid} cannot be read: ${parsed.error}`);
  const { sampleRate, channels, dataOffset, dataBytes } = parsed.value;
  const available = Math.max(0, Math.min(dataBytes, probe.size - dataOffset));
  return { sampleRate, channels, dataOffset, frames: Math.floor(available / (2 * channels)) };
}

/**
 * Sends the WAV converted to `channels`; null when no conversion is needed (the file already has
 * that many channels, or more than two), for the caller to send it as stored. (The reply is
 * wrapped: a FastifyReply is thenable, and awaiting it would not give it back.)
 */
async function sendConverted(service: RecordingService, r: RecordingRecord, channels: 1 | 2, rangeHeader: string | undefined, reply: FastifyReply): Promise<{ readonly sent: FastifyReply } | null> {
  const source = await readSourceWav(service, r);
  if (source === null) throw noMedia(r, 'wav');
  if (source.channels === channels || source.channels > 2) return null;
  const inFrame = 2 * source.channels;
  const outFrame = 2 * channels;
  const dataBytes = source.frames * outFrame;
  const header = wavHeader({ sampleRate: source.sampleRate, channels, dataBytes });
  const total = WAV_HEADER_BYTES + dataBytes;
  const range = parseRange(rangeHeader, total);
  if (range.kind === 'unsatisfiable') return { sent: refuseRange(reply, rangeHeader, total) };
  const { start, end } = range.kind === 'range' ? range : { start: 0, end: total - 1 };
  const head = start < WAV_HEADER_BYTES ? header.subarray(start, Math.min(end + 1, WAV_HEADER_BYTES)) : Buffer.alloc(0);
  let body: AsyncIterable<Buffer> | null = null;
  if (end >= WAV_HEADER_BYTES) {
    // Output bytes [ds, de] of the converted data come from whole source frames [fs, fe].
    const ds = Math.max(start, WAV_HEADER_BYTES) - WAV_HEADER_BYTES;
    const de = end - WAV_HEADER_BYTES;
    const fs = Math.floor(ds / outFrame);
    const fe = Math.floor(de / outFrame);
    const media = await service.media(r, 'wav', { start: source.dataOffset + fs * inFrame, end: source.dataOffset + (fe + 1) * inFrame - 1 });
    if (media === null) throw noMedia(r, 'wav');
    body = convertStream(media.stream, source.channels, ds - fs * outFrame, de - ds + 1);
  }
  const out = Readable.from((async function* () {
    if (head.length > 0) yield head;
    if (body !== null) yield* body;
  })(), { objectMode: false });
  return { sent: sendBody(reply, 'wav', total, range.kind === 'range' ? range : null, out) };
}

/** Converts whole frames of interleaved PCM16 from `from` channels to the other count (1 ↔ 2). */
function convertFrames(bytes: Buffer, from: number): Buffer {
  const samples = new Int16Array(bytes.length >> 1);
  Buffer.from(samples.buffer).set(bytes.subarray(0, samples.length * 2));
  const out = from === 2 ? downmixStereo(samples) : upmixMono(samples);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * The converted stream of `source` (whole frames from its first byte): `skip` bytes of the output
 * dropped, then `take` bytes sent. A frame split across chunks waits for its other half.
 */
async function* convertStream(source: Readable, from: number, skip: number, take: number): AsyncGenerator<Buffer> {
  const inFrame = 2 * from;
  let pending: Buffer = Buffer.alloc(0);
  let toSkip = skip;
  let left = take;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const bytes = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const whole = bytes.length - (bytes.length % inFrame);
      pending = bytes.subarray(whole);
      let out = convertFrames(bytes.subarray(0, whole), from);
      if (toSkip > 0) {
        const dropped = Math.min(toSkip, out.length);
        out = out.subarray(dropped);
        toSkip -= dropped;
      }
      if (out.length > left) out = out.subarray(0, left);
      left -= out.length;
      if (out.length > 0) yield out;
      if (left === 0) break;
    }
  } finally {
    source.destroy();
  }
}
