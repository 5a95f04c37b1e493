/** Shared by the relay's integration tests: bounded waiting, and a werift browser leg answered by the relay. */
import type { RTCRtpCodecParameters} from 'werift';
import { RTCPeerConnection, type RTCRtpTransceiver } from 'werift';
import type { MediaEndpoint, MediaEndpointEvent } from '../../calls/ports.ts';
import type { MediaRelay } from './media-relay.ts';

/** Polls `check` every `stepMs` until it holds; throws naming `what` after `ms`. */
export async function until(check: () => boolean, ms: number, what: string, stepMs = 10): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export interface WeriftLeg {
  readonly pc: RTCPeerConnection;
  readonly transceiver: RTCRtpTransceiver;
  readonly endpoint: MediaEndpoint;
  readonly events: MediaEndpointEvent[];
}

/**
 * A werift peer on loopback offering `codecs`, answered by `relay` (the answer applied): the browser
 * side of a bridge. `cleanup` receives the peer's close.
 */
export async function weriftLeg(relay: MediaRelay, codecs: readonly RTCRtpCodecParameters[], label: string, cleanup: (close: () => Promise<void>) => void): Promise<WeriftLeg> {
  const pc = new RTCPeerConnection({
    codecs: { audio: [...codecs] },
    headerExtensions: { audio: [] },
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceUseIpv6: false,
  });
  cleanup(() => pc.close());
  const transceiver = pc.addTransceiver('audio', { direction: 'sendrecv' });
  await pc.setLocalDescription(await pc.createOffer());
  await until(() => pc.iceGatheringState === 'complete', 5000, 'gathering');
  const events: MediaEndpointEvent[] = [];
  const answered = relay.answer(pc.localDescription?.sdp ?? '', { label, onEvent: (e) => events.push(e) });
  if (!answered.ok) throw answered.error;
  await pc.setRemoteDescription({ type: 'answer', sdp: answered.value.sdp });
  return { pc, transceiver, endpoint: answered.value.endpoint, events };
}
