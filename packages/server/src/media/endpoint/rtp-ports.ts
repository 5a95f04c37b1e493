/**
 * RTP ports for SIP legs: each leg binds its own even port P for RTP and P + 1 for RTCP (RFC 3550
 * §11) from a configured range, on the relay's bind address. The search starts at a random pair and
 * walks the range, skipping pairs this relay holds and pairs another process holds (EADDRINUSE), a
 * bounded number of times. A pair is free again once both of its sockets are closed.
 */
import { randomInt } from 'node:crypto';
import { VoiceError } from '@denwa/protocol';
import { bindUdp, type DatagramHandler, type DatagramIo, type DatagramSocket } from '../net/index.ts';

/** Inclusive UDP port range for SIP legs' RTP (even) and RTCP (odd) ports. */
export interface RtpPortRange {
  readonly min: number;
  readonly max: number;
}

/** Default range of SIP legs' RTP ports. */
export const DEFAULT_RTP_PORTS: RtpPortRange = { min: 10_000, max: 20_000 };
/** Pairs tried per allocation before giving up (each costs a failed bind or two). */
const MAX_ATTEMPTS = 64;
/** Kernel buffers of a leg's RTP socket (50 packets/s each way) and of its RTCP socket. */
const RTP_BUFFER_BYTES = 256 * 1024;
const RTCP_BUFFER_BYTES = 64 * 1024;

/** The two sockets of one SIP leg. */
export interface RtpSockets {
  readonly rtp: DatagramSocket;
  readonly rtcp: DatagramSocket;
  readonly port: number;
}

export interface RtpPortPoolOptions {
  readonly range: RtpPortRange;
  readonly bindAddress: string;
  /** UDP implementation of the RTP socket (`bindUdp`'s); the RTCP socket always uses `node:dgram`. */
  readonly io: DatagramIo | 'auto';
}

function bindErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

export class RtpPortPool {
  readonly #options: RtpPortPoolOptions;
  readonly #first: number;
  readonly #pairs: number;
  readonly #held = new Set<number>();

  /** @throws TypeError for a range without a whole even/odd pair inside 1024–65535. */
  constructor(options: RtpPortPoolOptions) {
    const { min, max } = options.range;
    const first = min + (min % 2);
    if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 1024 && max <= 65535 && first + 1 <= max)) {
      throw new TypeError(`invalid RTP port range ${String(min)}-${String(max)}: it needs an even port and the next one, within 1024-65535`);
    }
    this.#options = options;
    this.#first = first;
    this.#pairs = Math.floor((max - first - 1) / 2) + 1;
  }

  /** Pairs in the range. */
  get capacity(): number {
    return this.#pairs;
  }

  /** Pairs this relay holds now. */
  get inUse(): number {
    return this.#held.size;
  }

  /**
   * Binds a free pair: RTP datagrams go to `onRtp`, RTCP ones to `onRtcp`.
   * @throws VoiceError 53405 when no pair of the range could be bound.
   */
  async bind(onRtp: DatagramHandler, onRtcp: DatagramHandler): Promise<RtpSockets> {
    const start = randomInt(this.#pairs);
    let attempts = 0;
    for (let i = 0; i < this.#pairs && attempts < MAX_ATTEMPTS; i++) {
      const port = this.#first + 2 * ((start + i) % this.#pairs);
      if (this.#held.has(port)) continue;
      attempts++;
      this.#held.add(port);
      try {
        return await this.#bindPair(port, onRtp, onRtcp);
      } catch (err) {
        this.#held.delete(port);
        const code = bindErrorCode(err);
        if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err;
      }
    }
    const { min, max } = this.#options.range;
    throw new VoiceError(53405, `no free RTP port in ${String(min)}-${String(max)} (${String(this.#held.size)} held by this relay)`, { details: { reason: 'no-rtp-port' } });
  }

  async #bindPair(port: number, onRtp: DatagramHandler, onRtcp: DatagramHandler): Promise<RtpSockets> {
    const address = this.#options.bindAddress;
    const rtp = await bindUdp({ address, port, io: this.#options.io, onMessage: onRtp, bufferBytes: RTP_BUFFER_BYTES });
    try {
      const rtcp = await bindUdp({ address, port: port + 1, io: 'dgram', onMessage: onRtcp, bufferBytes: RTCP_BUFFER_BYTES });
      return { rtp, rtcp, port };
    } catch (err) {
      await rtp.close();
      throw err;
    }
  }

  /** Closes a pair's sockets; the pair is free once both are closed. */
  async release(sockets: RtpSockets): Promise<void> {
    try {
      await Promise.all([sockets.rtp.close(), sockets.rtcp.close()]);
    } finally {
      this.#held.delete(sockets.port);
    }
  }
}
