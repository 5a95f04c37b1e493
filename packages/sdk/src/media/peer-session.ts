/**
 * One call's WebRTC side in the browser: the microphone track, the RTCPeerConnection with the codec
 * order asked for, offers and answers without trickle ICE (Denwa and Twilio are ICE-lite and take the
 * candidates from the SDP), RFC 4733 digits, mute, and playback of the remote stream.
 */

import type { RawStats } from '../quality/monitor.ts';
import { LevelMeter } from './level-meter.ts';

/** What a {@link Call} needs of its media; tests substitute their own. @public */
export interface MediaSession {
  /** Outgoing call: the microphone, then an offer with every local candidate gathered. */
  createOffer(): Promise<string>;
  /** Outgoing call: the server's answer. */
  applyAnswer(sdp: string): Promise<void>;
  /** An ICE-restart offer with new credentials and every candidate gathered (media reconnection). */
  restartIce(): Promise<string>;
  /** Incoming call: the microphone, the server's offer, then the answer with its candidates. */
  answerOffer(offer: string): Promise<string>;
  /** The current local description (for resume invites). */
  readonly localSdp: string;
  /** The negotiated audio codec (`pcmu`, `opus`, …), or '' before negotiation. */
  readonly codec: string;
  readonly localStream: MediaStream | undefined;
  readonly remoteStream: MediaStream | undefined;
  setMuted(muted: boolean): void;
  /** Switches the microphone mid-call (a new getUserMedia, the track replaced without renegotiation). */
  setInput(constraints: MediaTrackConstraints | boolean): Promise<void>;
  /** Sends digits as RFC 4733 events; false when the remote side negotiated none (use the signaling fallback). */
  insertDtmf(digits: string): boolean;
  /** This second's cumulative counters (twilio-signaling.md §6.5), or null before media. */
  getStats(): Promise<RawStats | null>;
  /** Current microphone and far-end levels, 0–1, or null when they cannot be measured. */
  levels(): { readonly input: number; readonly output: number } | null;
  /** ICE connection state changes (`connected`, `disconnected`, `failed`, …). */
  onIceState: ((state: string) => void) | null;
  close(): void;
}

export interface PeerSessionOptions {
  readonly rtcConfiguration?: RTCConfiguration;
  /** Codec names in preference order, e.g. `['pcmu', 'opus']`. */
  readonly codecPreferences: readonly string[];
  /** Constraints for getUserMedia's audio (device choice). */
  readonly audioConstraints: () => MediaTrackConstraints | boolean;
  /** Plays the remote stream (the SDK's output stage). */
  readonly onRemoteStream: (stream: MediaStream) => void;
}

const GATHER_TIMEOUT_MS = 5000;

export class PeerSession implements MediaSession {
  readonly #options: PeerSessionOptions;
  readonly #pc: RTCPeerConnection;
  #local: MediaStream | undefined;
  #remote: MediaStream | undefined;
  #sender: RTCRtpSender | undefined;
  #muted = false;
  #closed = false;
  #audio: { readonly context: AudioContext; input: LevelMeter | null; output: LevelMeter | null } | null = null;
  onIceState: ((state: string) => void) | null = null;

  constructor(options: PeerSessionOptions) {
    this.#options = options;
    this.#pc = new RTCPeerConnection(options.rtcConfiguration);
    this.#pc.ontrack = (ev) => {
      const stream = ev.streams[0] ?? new MediaStream([ev.track]);
      this.#remote = stream;
      options.onRemoteStream(stream);
    };
    this.#pc.oniceconnectionstatechange = () => { this.onIceState?.(this.#pc.iceConnectionState); };
  }

  get localSdp(): string {
    return this.#pc.localDescription?.sdp ?? '';
  }

  get codec(): string {
    const sdp = this.#pc.remoteDescription?.sdp ?? '';
    const m = /^m=audio \d+ [^ ]+ (\d+)/m.exec(sdp);
    if (m === null) return '';
    const rtpmap = new RegExp(`^a=rtpmap:${m[1] ?? ''} ([^/\\r\\n]+)`, 'm').exec(sdp);
    return (rtpmap?.[1] ?? '').toLowerCase();
  }

  get localStream(): MediaStream | undefined {
    return this.#local;
  }

  get remoteStream(): MediaStream | undefined {
    return this.#remote;
  }

  async createOffer(): Promise<string> {
    await this.#addMicrophone();
    await this.#pc.setLocalDescription(await this.#pc.createOffer());
    return this.#gathered();
  }

  async restartIce(): Promise<string> {
    await this.#pc.setLocalDescription(await this.#pc.createOffer({ iceRestart: true }));
    return this.#gathered();
  }

  async applyAnswer(sdp: string): Promise<void> {
    await this.#pc.setRemoteDescription({ type: 'answer', sdp });
  }

  async answerOffer(offer: string): Promise<string> {
    await this.#pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await this.#addMicrophone();
    await this.#pc.setLocalDescription(await this.#pc.createAnswer());
    return this.#gathered();
  }

  setMuted(muted: boolean): void {
    this.#muted = muted;
    for (const track of this.#local?.getAudioTracks() ?? []) track.enabled = !muted;
  }

  async setInput(constraints: MediaTrackConstraints | boolean): Promise<void> {
    const previous = this.#local;
    if (previous === undefined || this.#sender === undefined || this.#closed) return;
    const stream = await navigator.mediaDevices.getUserMedia({ audio: constraints });
    const track = stream.getAudioTracks()[0];
    const sender = this.#sender;
    if (track === undefined || this.#isClosed()) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    track.enabled = !this.#muted;
    await sender.replaceTrack(track);
    for (const old of previous.getTracks()) old.stop();
    this.#local = stream;
    if (this.#audio !== null) this.#audio.input = null;
  }

  insertDtmf(digits: string): boolean {
    const dtmf = this.#sender?.dtmf;
    if (dtmf === null || dtmf === undefined || !dtmf.canInsertDTMF) return false;
    // `w` is a 500 ms pause in Twilio's API; RTCDTMFSender uses `,` for 2 s, so send chunk by chunk.
    const chunks = digits.split('w');
    const next = (i: number): void => {
      const chunk = chunks[i];
      if (chunk === undefined || this.#closed) return;
      if (chunk !== '') dtmf.insertDTMF(chunk, 160, 70);
      const duration = chunk.length * 230;
      if (i + 1 < chunks.length) setTimeout(() => { next(i + 1); }, duration + 500);
    };
    next(0);
    return true;
  }

  async getStats(): Promise<RawStats | null> {
    if (this.#closed) return null;
    return rawStats(await this.#pc.getStats());
  }

  levels(): { readonly input: number; readonly output: number } | null {
    const meters = this.#meters();
    if (meters === null) return null;
    return { input: meters.input?.read() ?? 0, output: meters.output?.read() ?? 0 };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const track of this.#local?.getTracks() ?? []) track.stop();
    this.#pc.close();
    void this.#audio?.context.close().catch(() => undefined);
    this.#audio = null;
  }

  #isClosed(): boolean {
    return this.#closed;
  }

  /** Analysers on the microphone and the remote stream, built once both exist. Null while audio cannot run. */
  #meters(): { readonly context: AudioContext; input: LevelMeter | null; output: LevelMeter | null } | null {
    if (this.#closed || typeof AudioContext === 'undefined') return null;
    if (this.#audio === null) {
      try {
        this.#audio = { context: new AudioContext(), input: null, output: null };
      } catch {
        return null;
      }
    }
    const audio = this.#audio;
    if (audio.context.state !== 'running') {
      void audio.context.resume().catch(() => undefined);
      return null;
    }
    if (audio.input === null && this.#local !== undefined) audio.input = new LevelMeter(audio.context, this.#local);
    if (audio.output === null && this.#remote !== undefined) audio.output = new LevelMeter(audio.context, this.#remote);
    return audio;
  }

  async #addMicrophone(): Promise<void> {
    if (this.#local !== undefined) return;
    const stream = await navigator.mediaDevices.getUserMedia({ audio: this.#options.audioConstraints() });
    this.#local = stream;
    const track = stream.getAudioTracks()[0];
    if (track === undefined) throw new Error('the microphone stream has no audio track');
    track.enabled = !this.#muted;
    const transceiver = this.#pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio');
    if (transceiver !== undefined) {
      await transceiver.sender.replaceTrack(track);
      transceiver.direction = 'sendrecv';
      this.#sender = transceiver.sender;
    } else {
      this.#sender = this.#pc.addTrack(track, stream);
    }
    this.#preferCodecs();
  }

  #preferCodecs(): void {
    const transceiver = this.#pc.getTransceivers().find((t) => t.sender === this.#sender);
    const caps = typeof RTCRtpReceiver.getCapabilities === 'function' ? RTCRtpReceiver.getCapabilities('audio') : null;
    if (transceiver === undefined || caps === null || typeof transceiver.setCodecPreferences !== 'function') return;
    const rank = (c: RTCRtpCodec): number => {
      const name = c.mimeType.replace(/^audio\//i, '').toLowerCase();
      const i = this.#options.codecPreferences.indexOf(name);
      return i < 0 ? this.#options.codecPreferences.length : i;
    };
    const sorted = [...caps.codecs].sort((a, b) => rank(a) - rank(b));
    try {
      transceiver.setCodecPreferences(sorted);
    } catch {
      // An engine that refuses keeps its own order.
    }
  }

  /** Waits until ICE gathering completes (or 5 s), then returns the local SDP with its candidates. */
  #gathered(): Promise<string> {
    const pc = this.#pc;
    if (pc.iceGatheringState === 'complete') return Promise.resolve(this.localSdp);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        pc.removeEventListener('icegatheringstatechange', check);
        resolve(this.localSdp);
      };
      const check = (): void => { if (pc.iceGatheringState === 'complete') done(); };
      const timer = setTimeout(done, GATHER_TIMEOUT_MS);
      pc.addEventListener('icegatheringstatechange', check);
    });
  }
}

type StatEntry = Record<string, unknown> & { readonly type: string; readonly id: string };

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Reads the counters the 2.x StatsMonitor uses out of an RTCStatsReport. */
export function rawStats(report: { forEach(fn: (value: unknown) => void): void }): RawStats | null {
  const all: StatEntry[] = [];
  report.forEach((v) => { all.push(v as StatEntry); });
  const byId = new Map(all.map((e) => [e.id, e]));
  const inbound = all.find((e) => e.type === 'inbound-rtp' && e['kind'] === 'audio');
  const outbound = all.find((e) => e.type === 'outbound-rtp' && e['kind'] === 'audio');
  if (inbound === undefined && outbound === undefined) return null;
  const remoteInbound = all.find((e) => e.type === 'remote-inbound-rtp' && e['kind'] === 'audio');
  const pair = all.find((e) => e.type === 'candidate-pair' && (e['nominated'] === true || e['selected'] === true) && e['state'] === 'succeeded');
  const rttSec = num(remoteInbound?.['roundTripTime']) ?? num(pair?.['currentRoundTripTime']);
  const codec = byId.get(str(outbound?.['codecId']) || str(inbound?.['codecId']));
  const jitterSec = num(inbound?.['jitter']);
  return {
    timestamp: num(outbound?.['timestamp']) ?? num(inbound?.['timestamp']) ?? Date.now(),
    packetsSent: num(outbound?.['packetsSent']) ?? 0,
    bytesSent: num(outbound?.['bytesSent']) ?? 0,
    packetsReceived: num(inbound?.['packetsReceived']) ?? 0,
    packetsLost: Math.max(0, num(inbound?.['packetsLost']) ?? 0),
    bytesReceived: num(inbound?.['bytesReceived']) ?? 0,
    jitter: jitterSec === null ? null : jitterSec * 1000,
    rtt: rttSec === null ? null : rttSec * 1000,
    codecName: str(codec?.['mimeType']).replace(/^audio\//i, ''),
  };
}
