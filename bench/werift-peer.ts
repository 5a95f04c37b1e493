/** A werift peer as both sides of bench/relay.ts use it: one codec (PCMU, or Opus for the transcode scenario), loopback only, no header extensions. */
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';

export function weriftPeer(codec: 'PCMU' | 'opus' = 'PCMU'): RTCPeerConnection {
  const parameters =
    codec === 'opus'
      ? new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 })
      : new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 });
  return new RTCPeerConnection({
    codecs: { audio: [parameters] },
    headerExtensions: { audio: [] },
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceUseIpv6: false,
  });
}

/** The local SDP once ICE gathering completed (at most 5 s). */
export async function gatheredSdp(pc: RTCPeerConnection): Promise<string> {
  for (let i = 0; i < 250 && pc.iceGatheringState !== 'complete'; i++) await new Promise((r) => setTimeout(r, 20));
  return pc.localDescription?.sdp ?? '';
}
