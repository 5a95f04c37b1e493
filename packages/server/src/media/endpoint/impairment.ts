/**
 * Test-only network impairment of one leg (enabled with `--test-hooks on`): what the relay sends to
 * that browser loses a share of its RTP, arrives late, stops, or vanishes altogether, so the SDKs'
 * quality warnings and media reconnection can be checked against a real network fault. Loss is spread evenly (every 20th packet for 5 %), so a
 * test sees the same loss each second.
 */
import type { DatagramSocket } from '../net/index.ts';

/** @public */
export interface MediaImpairment {
  /** Share of RTP packets dropped, 0–100. */
  readonly lossPercent: number;
  /** Added one-way delay of RTP, RTCP and STUN, ms (0–5000). */
  readonly delayMs: number;
  /** Stop forwarding RTP (silence frames included). */
  readonly stopped: boolean;
  /** Drop everything, STUN and RTCP included (ICE sees the path die). */
  readonly blackhole?: boolean;
}

export type DatagramSender = Pick<DatagramSocket, 'send'>;

/** At most this many datagrams wait in the delay line; more are dropped. */
const MAX_DELAYED = 4096;

export class ImpairedSender implements DatagramSender {
  readonly #socket: DatagramSender;
  readonly #impairment: MediaImpairment;
  #rtpCount = 0;
  #delayed = 0;

  constructor(socket: DatagramSender, impairment: MediaImpairment) {
    this.#socket = socket;
    this.#impairment = impairment;
  }

  send(data: Buffer, offset: number, length: number, port: number, address: string): void {
    const first = data[offset] ?? 0;
    const second = data[offset + 1] ?? 0;
    if (this.#impairment.blackhole === true) return;
    const rtp = first >= 128 && first <= 191 && !(second >= 192 && second <= 223);
    if (rtp && this.#drop()) return;
    const delay = this.#impairment.delayMs;
    if (delay <= 0) {
      this.#socket.send(data, offset, length, port, address);
      return;
    }
    if (this.#delayed >= MAX_DELAYED) return;
    const copy = Buffer.from(data.subarray(offset, offset + length));
    this.#delayed++;
    setTimeout(() => {
      this.#delayed--;
      this.#socket.send(copy, 0, copy.length, port, address);
    }, delay).unref();
  }

  #drop(): boolean {
    if (this.#impairment.stopped) return true;
    const p = this.#impairment.lossPercent;
    if (p <= 0) return false;
    const n = this.#rtpCount++;
    return Math.floor(((n + 1) * p) / 100) > Math.floor((n * p) / 100);
  }
}
