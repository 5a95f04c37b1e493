import { describe, expect, it } from 'vitest';
import { VoiceError, isVoiceError } from '../errors/index.ts';
import {
  HEARTBEAT_FRAME,
  PROTOCOL_VERSION,
  SERVER_MESSAGE_TYPES,
  ServerMessageSchema,
  buildIncomingCallParameters,
  decodeServerFrame,
  encodeServerMessage,
  signalingErrorMessage,
  parseTwilioParams,
  signalingErrorBody,
  type ServerMessage,
  type ServerMessageType,
} from './index.ts';
import { ACCOUNT_SID, ANSWER_SDP, CALL_SID, EVENT_SID, OFFER_SDP, RECONNECT } from './fixtures.test-helper.ts';

const parameters = buildIncomingCallParameters({
  callSid: CALL_SID,
  accountSid: ACCOUNT_SID,
  from: '+15551234567',
  to: 'client:alice',
  customParameters: { ticket: '42', note: 'hello world' },
});

/** One message per server type, as the sequences of §4 use them (several forms for some). */
const MESSAGES: readonly ServerMessage[] = [
  {
    type: 'connected',
    payload: { region: 'US_EAST_VIRGINIA', edge: 'ashburn', home: 'us1', gateway: 'denwa-gw-1', token: { identity: 'alice', ttl: 3540 } },
  },
  { type: 'connected', payload: { region: 'denwa', edge: 'local' } },
  { type: 'ready', payload: {} },
  { type: 'offline', payload: {} },
  { type: 'invite', payload: { callsid: CALL_SID, sdp: OFFER_SDP, parameters, reconnect: RECONNECT } },
  { type: 'ringing', payload: { callsid: CALL_SID } },
  { type: 'ringing', payload: { callsid: CALL_SID, sdp: ANSWER_SDP } },
  { type: 'answer', payload: { callsid: CALL_SID, sdp: ANSWER_SDP, reconnect: RECONNECT } },
  { type: 'answer', payload: { callsid: CALL_SID, reconnect: RECONNECT } },
  { type: 'hangup', payload: { callsid: CALL_SID } },
  { type: 'hangup', payload: {} },
  { type: 'hangup', payload: { callsid: CALL_SID, error: { code: 31005, message: 'Connection error: webhook failed' } } },
  { type: 'cancel', payload: { callsid: CALL_SID } },
  { type: 'error', payload: { error: { code: 31205, message: 'JWT token expired' } } },
  { type: 'error', payload: { error: { code: 53000, message: 'Signaling connection error', retryAfter: 5 } } },
  { type: 'error', payload: { callsid: CALL_SID, voiceeventsid: EVENT_SID, error: { code: 31212, message: 'too big' } } },
  { type: 'ack', payload: { acktype: 'message', callsid: CALL_SID, voiceeventsid: EVENT_SID } },
  {
    type: 'message',
    payload: { callsid: CALL_SID, content: { balance: 12.5 }, contenttype: 'application/json', messagetype: 'user-defined-message', voiceeventsid: EVENT_SID },
  },
  { type: 'farend', payload: { callsid: CALL_SID, speaking: true } },
  { type: 'close', payload: {} },
];

describe('server messages', () => {
  it('covers every server message type', () => {
    const seen = new Set<ServerMessageType>(MESSAGES.map((m) => m.type));
    expect([...seen].sort()).toEqual([...SERVER_MESSAGE_TYPES].sort());
    expect([...SERVER_MESSAGE_TYPES].sort()).toEqual(ServerMessageSchema.options.map((o) => o.shape.type.value).sort());
  });

  it.each(MESSAGES.map((m) => [m.type, m] as const))('%s encodes as {type, version, payload} and round-trips', (_type, message) => {
    const text = encodeServerMessage(message);
    expect(JSON.parse(text)).toEqual({ type: message.type, version: PROTOCOL_VERSION, payload: message.payload });
    expect(decodeServerFrame(text)).toEqual({ kind: 'message', version: '1.6', message });
  });

  it('writes version 1.6 and the key order type, version, payload', () => {
    expect(encodeServerMessage({ type: 'ready', payload: {} })).toBe('{"type":"ready","version":"1.6","payload":{}}');
  });

  it('builds incoming-call parameters per §10.2 with urlencoded Params', () => {
    expect(parameters).toEqual({
      CallSid: CALL_SID,
      AccountSid: ACCOUNT_SID,
      From: '+15551234567',
      To: 'client:alice',
      ApiVersion: '2010-04-01',
      Params: 'ticket=42&note=hello%20world',
    });
    expect(parseTwilioParams(parameters.Params)).toEqual({ ticket: '42', note: 'hello world' });
    const bare = buildIncomingCallParameters({
      callSid: CALL_SID,
      accountSid: ACCOUNT_SID,
      from: 'client:bob',
      to: 'client:alice',
      customParameters: [],
      stirStatus: 'TN-Validation-Passed-A',
      apiVersion: '2010-04-01',
    });
    expect(bare).toEqual({
      CallSid: CALL_SID,
      AccountSid: ACCOUNT_SID,
      From: 'client:bob',
      To: 'client:alice',
      ApiVersion: '2010-04-01',
      StirStatus: 'TN-Validation-Passed-A',
    });
  });

  it('signalingErrorMessage maps a VoiceError, with addressing and retryAfter', () => {
    const err = new VoiceError(31205, 'expired at 12:00');
    expect(signalingErrorBody(err)).toEqual({ code: 31205, message: err.message });
    expect(signalingErrorMessage(err)).toEqual({ type: 'error', payload: { error: { code: 31205, message: err.message } } });
    expect(signalingErrorMessage(new VoiceError(31206), { retryAfter: 10, callsid: undefined })).toEqual({
      type: 'error',
      payload: { error: { code: 31206, message: 'Rate exceeded authorized limit', retryAfter: 10 } },
    });
    expect(signalingErrorMessage(new VoiceError(31210), { callsid: CALL_SID, voiceeventsid: EVENT_SID }).payload).toEqual({
      callsid: CALL_SID,
      voiceeventsid: EVENT_SID,
      error: { code: 31210, message: 'Call Message Event Type is invalid' },
    });
  });
});

describe('decodeServerFrame (SDK side)', () => {
  it('recognises the heartbeat', () => {
    expect(decodeServerFrame(HEARTBEAT_FRAME)).toEqual({ kind: 'heartbeat' });
  });

  it('reads a missing or null payload as {} like the official SDKs', () => {
    expect(decodeServerFrame('{"type":"ready"}')).toEqual({ kind: 'message', message: { type: 'ready', payload: {} } });
    expect(decodeServerFrame('{"type":"close","payload":null}')).toEqual({ kind: 'message', message: { type: 'close', payload: {} } });
  });

  it('reports unknown types instead of failing', () => {
    expect(decodeServerFrame('{"type":"presence","payload":{}}')).toEqual({ kind: 'unknown', type: 'presence' });
    expect(decodeServerFrame(JSON.stringify({ type: 'x'.repeat(100) }))).toEqual({ kind: 'unknown', type: 'x'.repeat(64) });
  });

  it('drops unknown fields from known messages', () => {
    const text = JSON.stringify({ type: 'cancel', version: '1.6', payload: { callsid: CALL_SID, reason: 'x' } });
    expect(decodeServerFrame(text)).toEqual({ kind: 'message', version: '1.6', message: { type: 'cancel', payload: { callsid: CALL_SID } } });
  });

  it.each([
    ['not JSON', 'nope'],
    ['array', '[]'],
    ['no type', '{"payload":{}}'],
    ['payload a string', '{"type":"ready","payload":"x"}'],
    ['invite without sdp', JSON.stringify({ type: 'invite', payload: { callsid: CALL_SID, parameters } })],
    ['error without body', JSON.stringify({ type: 'error', payload: { callsid: CALL_SID } })],
    ['ack of another kind', JSON.stringify({ type: 'ack', payload: { acktype: 'other', callsid: CALL_SID, voiceeventsid: EVENT_SID } })],
    ['connected ttl negative', JSON.stringify({ type: 'connected', payload: { region: 'r', edge: 'e', token: { identity: 'a', ttl: -1 } } })],
  ])('%s is a 31100', (_name, text) => {
    const result = decodeServerFrame(text);
    expect(result.kind).toBe('error');
    if (result.kind === 'error') expect(isVoiceError(result.error, 31100)).toBe(true);
  });
});
