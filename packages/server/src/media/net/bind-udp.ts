/**
 * Picks the media relay's UDP implementation: Denwa's batched addon where it is built and the bind
 * address is IPv4, `node:dgram` otherwise (or when asked).
 */
import type { BindOptions, DatagramSocket } from './datagram-socket.ts';
import { bindNativeUdp, nativeUdpAddon, nativeUdpUnavailableReason, parseIpv4 } from './native-udp.ts';
import { bindDgramUdp } from './node-udp.ts';

/**
 * Binds the relay's socket; rejects when the address or port cannot be bound, or when `io: 'native'`
 * is asked for and the addon is not available (the message says why).
 */
export async function bindUdp(options: BindOptions): Promise<DatagramSocket> {
  const io = options.io ?? 'auto';
  if (io === 'dgram') return bindDgramUdp(options);
  const ipv4 = parseIpv4(options.address) >= 0;
  const usable = ipv4 && nativeUdpAddon() !== null;
  if (!usable) {
    if (io === 'native') {
      const reason = ipv4 ? nativeUdpUnavailableReason() : `batched UDP binds IPv4 only, not ${options.address}`;
      throw new Error(`--media-io native: ${reason}`);
    }
    return bindDgramUdp(options);
  }
  return bindNativeUdp(options);
}

/** Why `auto` would fall back to `node:dgram` here, or null when the addon is available. */
export function nativeUdpFallbackReason(): string | null {
  return nativeUdpAddon() === null ? nativeUdpUnavailableReason() : null;
}
