/**
 * Hand-written SDP fixtures shaped after twilio-signaling.md §4.2–4.4, §6 and §12 (constructed, not
 * captured): what Chromium sends through the 2.x and 1.x SDKs, Firefox, and Chrome's answer to a
 * Denwa offer. Plus Denwa's own local parameters.
 */
import type { LocalMediaParams, OfferParams } from './types.ts';

export const CHROME_FINGERPRINT = 'A5:4D:CA:18:25:30:BB:1D:6D:13:2C:DE:D6:23:7B:2E:D9:1E:3F:72:1F:CB:19:71:17:44:94:D6:49:3C:9D:5C';
export const FIREFOX_FINGERPRINT = '34:60:BE:31:20:1E:69:FE:DA:A0:EE:E8:B9:99:7F:5C:7C:29:99:FD:AF:E5:93:25:3C:D6:54:AF:4D:FA:D7:14';
export const DENWA_FINGERPRINT = '27:A0:AE:B3:FE:E9:23:2F:8A:F2:21:1F:9E:E4:91:C5:B1:0B:EC:B5:56:3B:FC:1E:6F:93:42:7E:CB:C8:FE:29';
export const OTHER_FINGERPRINT = '55:E5:CD:8E:46:DC:8E:D4:B7:C2:76:4D:2A:5A:4D:76:77:06:F8:5D:86:90:02:4A:D6:BD:A3:40:1B:E9:C8:CB';
export const SHA1_FINGERPRINT = 'CC:C9:35:F6:CD:1F:61:22:6A:E1:53:38:AE:1A:34:00:4D:33:BA:0D';

export const CHROME_UFRAG = 'Xy7Q';
export const CHROME_PWD = 'k3Jd9s0PqLm2Nb5Vc8Rt1Wz4';
export const CHROME_SSRC = 3735928559;
export const CHROME_CNAME = 'pV3qL8xN2mR7tK4w';
const STREAM = '5b0e6f7a-3c1d-4e2f-9a8b-7c6d5e4f3a2b';
const TRACK = 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f';

/** Joins lines with CRLF and a final CRLF, as browsers do. */
export const sdp = (lines: readonly string[]): string => `${lines.join('\r\n')}\r\n`;

const chromeSession = [
  'v=0',
  'o=- 4215775240449105457 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=extmap-allow-mixed',
  `a=msid-semantic: WMS ${STREAM}`,
];

function chromeAudio(formats: string, mid = '0'): string[] {
  return [
    `m=audio 9 UDP/TLS/RTP/SAVPF ${formats}`,
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${CHROME_UFRAG}`,
    `a=ice-pwd:${CHROME_PWD}`,
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${CHROME_FINGERPRINT}`,
    'a=setup:actpass',
    `a=mid:${mid}`,
    'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
    'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
    'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
    'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
    'a=sendrecv',
    `a=msid:${STREAM} ${TRACK}`,
    'a=rtcp-mux',
    'a=rtcp-rsize',
    'a=rtpmap:111 opus/48000/2',
    'a=rtcp-fb:111 transport-cc',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=rtpmap:63 red/48000/2',
    'a=fmtp:63 111/111',
    'a=rtpmap:9 G722/8000',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:13 CN/8000',
    'a=rtpmap:110 telephone-event/48000',
    'a=rtpmap:126 telephone-event/8000',
    `a=ssrc:${CHROME_SSRC} cname:${CHROME_CNAME}`,
    `a=ssrc:${CHROME_SSRC} msid:${STREAM} ${TRACK}`,
  ];
}

/** 2.x on Chromium with `codecPreferences: ['opus', 'pcmu']`: Chrome's own PT order, 0 candidates. */
export const CHROME_OFFER = sdp([...chromeSession, ...chromeAudio('111 63 9 0 8 13 110 126')]);

/** 2.x with the SDK default `['pcmu', 'opus']`: PCMU moved first (§6.2, §12). */
export const CHROME_PCMU_OFFER = sdp([...chromeSession, ...chromeAudio('0 111 63 9 8 13 110 126')]);

/** A 2.x offer that also carries a video m-line (an app that added a video track). */
export const CHROME_VIDEO_OFFER = sdp([
  ...chromeSession.map((line) => (line === 'a=group:BUNDLE 0' ? 'a=group:BUNDLE 0 1' : line)),
  ...chromeAudio('111 63 9 0 8 13 110 126'),
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  `a=ice-ufrag:${CHROME_UFRAG}`,
  `a=ice-pwd:${CHROME_PWD}`,
  'a=ice-options:trickle',
  `a=fingerprint:sha-256 ${CHROME_FINGERPRINT}`,
  'a=setup:actpass',
  'a=mid:1',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtcp-rsize',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 nack pli',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=ssrc:1122334455 cname:pV3qL8xN2mR7tK4w',
]);

/**
 * twilio-client 1.x on an older (plan-b era) Chrome: `a=mid:audio`, ISAC and comfort-noise PTs,
 * plan-b `a=ssrc` attributes (msid/mslabel/label) and no `a=msid` line.
 */
export const LEGACY_1X_OFFER = sdp([
  'v=0',
  'o=- 7039127462915620361 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE audio',
  `a=msid-semantic: WMS ${STREAM}`,
  'm=audio 9 UDP/TLS/RTP/SAVPF 0 111 103 104 9 8 106 105 13 110 112 113 126',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:Lq2w',
  'a=ice-pwd:Ha8sKd3jF0pQwE7rT2yU9iO1',
  'a=ice-options:trickle',
  `a=fingerprint:sha-256 ${CHROME_FINGERPRINT}`,
  'a=setup:actpass',
  'a=mid:audio',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:103 ISAC/16000',
  'a=rtpmap:104 ISAC/32000',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:106 CN/32000',
  'a=rtpmap:105 CN/16000',
  'a=rtpmap:13 CN/8000',
  'a=rtpmap:110 telephone-event/48000',
  'a=rtpmap:112 telephone-event/32000',
  'a=rtpmap:113 telephone-event/16000',
  'a=rtpmap:126 telephone-event/8000',
  'a=ssrc:2865120452 cname:hS3t9Vb1Qz7Kx2Lm',
  `a=ssrc:2865120452 msid:${STREAM} ${TRACK}`,
  `a=ssrc:2865120452 mslabel:${STREAM}`,
  `a=ssrc:2865120452 label:${TRACK}`,
]);

/** Firefox: session-level fingerprint and ice-options, its own PTs (109 Opus, 101 telephone-event). */
export const FIREFOX_OFFER = sdp([
  'v=0',
  'o=mozilla...THIS_IS_SDPARTA-128.0 5764390245120391264 0 IN IP4 0.0.0.0',
  's=-',
  't=0 0',
  `a=fingerprint:sha-256 ${FIREFOX_FINGERPRINT}`,
  'a=group:BUNDLE 0',
  'a=ice-options:trickle',
  'a=msid-semantic:WMS *',
  'm=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101',
  'c=IN IP4 0.0.0.0',
  'a=sendrecv',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level',
  'a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1',
  'a=fmtp:101 0-15',
  'a=ice-pwd:7d7a9f1b0c3e4d5f6a7b8c9d0e1f2a3b',
  'a=ice-ufrag:9b3c7e1a',
  'a=mid:0',
  'a=msid:{e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b} {f6a7b8c9-d0e1-4f2a-3b4c-5d6e7f8a9b0c}',
  'a=rtcp-mux',
  'a=rtpmap:109 opus/48000/2',
  'a=rtpmap:9 G722/8000/1',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=setup:actpass',
  'a=ssrc:1618033988 cname:{0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d}',
]);

/** Chrome's answer (2.x, default PCMU-first preference) to Denwa's default offer: 0 candidates, active. */
export const CHROME_ANSWER = sdp([
  'v=0',
  'o=- 3360340185373542960 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  `a=msid-semantic: WMS ${STREAM}`,
  'm=audio 9 UDP/TLS/RTP/SAVPF 0 111 8 126 110',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:Pq4R',
  'a=ice-pwd:m2Nb5Vc8Rt1Wz4Xy7Qk3Jd9s',
  'a=ice-options:trickle',
  `a=fingerprint:sha-256 ${CHROME_FINGERPRINT}`,
  'a=setup:active',
  'a=mid:0',
  'a=sendrecv',
  `a=msid:${STREAM} ${TRACK}`,
  'a=rtcp-mux',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:126 telephone-event/8000',
  'a=rtpmap:110 telephone-event/48000',
  `a=ssrc:${CHROME_SSRC} cname:${CHROME_CNAME}`,
]);

/** Denwa's side of a leg. */
export const LOCAL: LocalMediaParams = {
  sessionId: '7283921930012345678',
  sessionVersion: 1,
  address: '203.0.113.10',
  port: 40000,
  iceUfrag: 'dNwA8kQz',
  icePwd: 'Zx9ab3Qm7Lp2Rt5Vw8Yc1Ef4',
  fingerprint: { algorithm: 'sha-256', value: DENWA_FINGERPRINT },
  ssrc: 0x1a2b3c4d,
  cname: 'denwa-leg-1',
  codecPreferences: ['opus', 'PCMU', 'PCMA'],
  dtmf: true,
};

/** Denwa's offer parameters for an incoming call. */
export const OFFER_PARAMS: OfferParams = { ...LOCAL, mid: '0' };

/** Replaces whole lines (exact match) and removes lines mapped to null. */
export function edit(text: string, changes: Readonly<Record<string, string | null>>): string {
  const lines = text.split('\r\n');
  const out: string[] = [];
  for (const line of lines) {
    const change = Object.hasOwn(changes, line) ? changes[line] : line;
    if (change !== null && change !== undefined) out.push(change);
  }
  return out.join('\r\n');
}

/** Removes every line starting with one of the prefixes. */
export function without(text: string, ...prefixes: string[]): string {
  return text
    .split('\r\n')
    .filter((line) => !prefixes.some((prefix) => line.startsWith(prefix)))
    .join('\r\n');
}
