/**
 * Example frames built from twilio-signaling.md §3–§4 and §12 (constructed, not captured): one per
 * client message type, both SDK generations' `listen`, and the server's replies.
 */
import { sidFromHex } from '../ids.ts';

/** A browser offer as the SDK sends it: no candidates yet, PCMU first, actpass. */
export const OFFER_SDP = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=msid-semantic: WMS',
  'm=audio 9 UDP/TLS/RTP/SAVPF 0 111 63 9 8 13 110 126',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:0123456789abcdefghijklmn',
  'a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF',
  'a=setup:actpass',
  'a=mid:0',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:111 opus/48000/2',
  'a=rtpmap:126 telephone-event/8000',
  '',
].join('\r\n');

/** The server's answer, with its own candidate (no trickle ICE). */
export const ANSWER_SDP = [
  'v=0',
  'o=denwa 1 1 IN IP4 203.0.113.10',
  's=-',
  't=0 0',
  'a=ice-lite',
  'm=audio 40000 UDP/TLS/RTP/SAVPF 0 126',
  'c=IN IP4 203.0.113.10',
  'a=candidate:1 1 udp 2130706431 203.0.113.10 40000 typ host',
  'a=setup:passive',
  'a=mid:0',
  'a=rtcp-mux',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:126 telephone-event/8000',
  '',
].join('\r\n');

export const TOKEN = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6InR3aWxpby1mcGE7dj0xIn0.eyJzdWIiOiJBQzEifQ.c2ln';
export const TEMP_SID = 'TJS3f1c2a9e-6b1d-4c3e-9f00-0123456789ab';
export const CALL_SID = sidFromHex('call', '0123456789abcdef0123456789abcdef');
export const ACCOUNT_SID = sidFromHex('account', '0123456789abcdef0123456789abcdef');
export const EVENT_SID = 'KXfedcba9876543210fedcba9876543210';
export const RECONNECT = 'rc.opaque-token_value.42';

const browser = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0', platform: 'Linux x86_64' };

/** Valid client frames (JSON text) by name; key order as each SDK writes it. */
export const CLIENT_FRAMES = {
  listen2x: JSON.stringify({
    type: 'listen',
    version: '1.6',
    payload: { browserinfo: { p: 'browser', v: '2.18.5', plugin: 'rtc', browser }, reconnectTimeout: 0, token: TOKEN },
  }),
  listen1x: JSON.stringify({
    payload: { token: TOKEN, browserinfo: { p: 'browser', v: '1.15.1', browser, plugin: 'rtc' } },
    type: 'listen',
    version: '1.5',
  }),
  register: JSON.stringify({ type: 'register', version: '1.6', payload: { media: { audio: true } } }),
  unregister: JSON.stringify({ type: 'register', version: '1.6', payload: { media: { audio: false } } }),
  invite2x: JSON.stringify({
    type: 'invite',
    version: '1.6',
    payload: { callsid: TEMP_SID, sdp: OFFER_SDP, twilio: { params: 'To=%2B15551234567&foo=bar%20baz' } },
  }),
  invite1x: JSON.stringify({
    type: 'invite',
    version: '1.5',
    payload: { callsid: TEMP_SID, sdp: OFFER_SDP, preflight: false, twilio: {} },
  }),
  resumeInvite: JSON.stringify({
    type: 'invite',
    version: '1.6',
    payload: { callsid: CALL_SID, sdp: OFFER_SDP, reconnect: RECONNECT, twilio: {} },
  }),
  answer: JSON.stringify({ type: 'answer', version: '1.6', payload: { callsid: CALL_SID, sdp: OFFER_SDP } }),
  reinvite: JSON.stringify({ type: 'reinvite', version: '1.6', payload: { callsid: CALL_SID, sdp: OFFER_SDP } }),
  hangup: JSON.stringify({
    type: 'hangup',
    version: '1.6',
    payload: { callsid: CALL_SID, message: 'Connection with Twilio was interrupted.' },
  }),
  hangupTemp: JSON.stringify({ type: 'hangup', version: '1.6', payload: { callsid: TEMP_SID } }),
  reject: JSON.stringify({ type: 'reject', version: '1.6', payload: { callsid: CALL_SID } }),
  dtmf: JSON.stringify({ type: 'dtmf', version: '1.6', payload: { callsid: CALL_SID, dtmf: '12w#*0' } }),
  message: JSON.stringify({
    type: 'message',
    version: '1.6',
    payload: {
      callsid: CALL_SID,
      content: { ask: 'balance', account: 42 },
      contenttype: 'application/json',
      messagetype: 'user-defined-message',
      voiceeventsid: EVENT_SID,
    },
  }),
} as const;
