/** Reading webhook responses with a size cap, and the parts of a response kept in a notification. */
import { NOTIFICATION_CAPTURE_BYTES } from './defaults.ts';

/** The first bytes of a body, and whether it went on past the cap. */
export interface CappedBody {
  readonly bytes: Uint8Array;
  readonly exceeded: boolean;
}

/**
 * Reads at most `cap` bytes of a body. Once more arrive, it stops reading, cancels the stream (which
 * releases the connection) and reports `exceeded`. Rejects as the stream does (reset, deadline).
 */
export async function readCapped(body: ReadableStream<Uint8Array> | null, cap: number): Promise<CappedBody> {
  if (body === null) return { bytes: new Uint8Array(0), exceeded: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    // Bounded: each turn consumes a non-empty part of a stream that ends, or that we cancel at `cap`.
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
      if (total > cap) {
        await reader.cancel().catch(() => undefined);
        return { bytes: concat(chunks, cap), exceeded: true };
      }
    }
  } finally {
    reader.releaseLock();
  }
  return { bytes: concat(chunks, total), exceeded: false };
}

function concat(chunks: readonly Uint8Array[], limit: number): Uint8Array {
  const out = new Uint8Array(Math.min(limit, chunks.reduce((n, c) => n + c.byteLength, 0)));
  let at = 0;
  for (const chunk of chunks) {
    if (at >= out.byteLength) break;
    const part = chunk.subarray(0, out.byteLength - at);
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** UTF-8 text of a body (a BOM is dropped; invalid bytes become U+FFFD). */
export function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/** The media type of a `Content-Type` header, lowercased, without parameters; null when absent or empty. */
export function mediaType(header: string | null): string | null {
  if (header === null) return null;
  const type = (header.split(';')[0] ?? '').trim().toLowerCase();
  return type === '' ? null : type;
}

/** A response as a notification keeps it: form-encoded headers and the start of the body. */
export interface CapturedResponse {
  readonly headers: string;
  readonly body: string;
}

/** Form-encoded response headers, cut at the capture limit. */
export function captureHeaders(headers: Headers): string {
  return truncate(new URLSearchParams([...headers]).toString(), NOTIFICATION_CAPTURE_BYTES);
}

/** Headers and the first bytes of the body of a failed response; a body that cannot be read is left empty. */
export async function captureResponse(res: Response): Promise<CapturedResponse> {
  let body = '';
  try {
    body = decodeUtf8((await readCapped(res.body, NOTIFICATION_CAPTURE_BYTES)).bytes);
  } catch {
    // The status is the failure being recorded; an unreadable body adds nothing to it.
  }
  return { headers: captureHeaders(res.headers), body };
}

/** Cancels a body that will not be read, releasing the connection. Never rejects. */
export async function discardBody(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

function truncate(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}
