/** A scripted signaling socket and fake media for the SDK's unit tests. */
import type { MediaSession } from './media/peer-session.ts';
import type { RawStats } from './quality/monitor.ts';
import type { SocketLike } from './signaling/transport.ts';

export class FakeSocket implements SocketLike {
  readyState = 0;
  readonly sent: string[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { readonly code: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { readonly data: unknown }) => void) | null = null;
  readonly url: string;

  constructor(url: string) {
    this.url = url;
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(): void {
    this.readyState = 3;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }

  receive(type: string, payload: object = {}): void {
    this.onmessage?.({ data: JSON.stringify({ type, version: '1.6', payload }) });
  }

  raw(data: unknown): void {
    this.onmessage?.({ data });
  }

  /** Parsed JSON frames sent by the SDK. */
  frames(type?: string): { type: string; payload: Record<string, unknown> }[] {
    return this.sent.filter((f) => f !== '\n').map((f) => JSON.parse(f) as { type: string; payload: Record<string, unknown> }).filter((f) => type === undefined || f.type === type);
  }
}

export class FakeMedia implements MediaSession {
  readonly answers: string[] = [];
  dtmfSupported = true;
  readonly digits: string[] = [];
  muted = false;
  closed = false;
  onIceState: ((state: string) => void) | null = null;
  readonly localSdp = 'v=0 local';
  readonly codec = 'pcmu';
  readonly localStream = undefined;
  readonly remoteStream = undefined;
  createOffer(): Promise<string> { return Promise.resolve('offer-sdp'); }
  applyAnswer(sdp: string): Promise<void> { this.answers.push(sdp); return Promise.resolve(); }
  answerOffer(): Promise<string> { return Promise.resolve('answer-sdp'); }
  setMuted(muted: boolean): void { this.muted = muted; }
  insertDtmf(digits: string): boolean {
    if (!this.dtmfSupported) return false;
    this.digits.push(digits);
    return true;
  }
  stats: RawStats | null = null;
  levelValues: { input: number; output: number } | null = null;
  getStats(): Promise<RawStats | null> { return Promise.resolve(this.stats); }
  levels(): { input: number; output: number } | null { return this.levelValues; }
  close(): void { this.closed = true; }
}

