import { describe, expect, it } from 'vitest';
import { isVoiceError } from '../errors/index.ts';
import {
  CLIENT_MESSAGE_TYPES,
  ClientMessageSchema,
  HEARTBEAT_FRAME,
  MAX_FRAME_LENGTH,
  decodeClientFrame,
  encodeClientMessage,
  signalingErrorMessage,
  isResumeInvite,
  isTemporaryCallSid,
  isVoiceEventSid,
  type ClientFrame,
  type ClientFrameError,
  type ClientMessage,
} from './index.ts';
import { CALL_SID, CLIENT_FRAMES, EVENT_SID, OFFER_SDP, RECONNECT, TEMP_SID, TOKEN } from './fixtures.test-helper.ts';

function decodeOk(text: string): ClientMessage {
  const frame = decodeClientFrame(text);
  if (frame.kind !== 'message') throw new Error(`expected a message, got ${JSON.stringify(frame)}`);
  return frame.message;
}

function decodeErr(text: string): ClientFrameError {
  const frame = decodeClientFrame(text);
  if (frame.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(frame)}`);
  return frame;
}

const frame = (type: unknown, payload: unknown, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ type, version: '1.6', payload, ...extra });

describe('decodeClientFrame: valid frames', () => {
  it('recognises the raw heartbeat and nothing like it', () => {
    expect(decodeClientFrame(HEARTBEAT_FRAME)).toEqual({ kind: 'heartbeat' });
    expect(decodeClientFrame('\n\n').kind).toBe('error');
    expect(decodeClientFrame('"\\n"').kind).toBe('error');
  });

  it('listen from 2.x (version 1.6, reconnectTimeout)', () => {
    const decoded = decodeClientFrame(CLIENT_FRAMES.listen2x);
    expect(decoded).toEqual({
      kind: 'message',
      version: '1.6',
      message: {
        type: 'listen',
        payload: {
          token: TOKEN,
          reconnectTimeout: 0,
          browserinfo: {
            p: 'browser',
            v: '2.18.5',
            plugin: 'rtc',
            browser: { userAgent: expect.stringContaining('Chrome') as unknown, platform: 'Linux x86_64' },
          },
        },
      },
    } satisfies ClientFrame | { kind: 'message'; message: unknown; version: string });
  });

  it('listen from 1.x (version 1.5, no reconnectTimeout)', () => {
    const decoded = decodeClientFrame(CLIENT_FRAMES.listen1x);
    expect(decoded.kind === 'message' && decoded.version).toBe('1.5');
    const message = decodeOk(CLIENT_FRAMES.listen1x);
    expect(message.type).toBe('listen');
    if (message.type !== 'listen') return;
    expect(message.payload.token).toBe(TOKEN);
    expect(message.payload.reconnectTimeout).toBeUndefined();
    expect(message.payload.browserinfo?.v).toBe('1.15.1');
  });

  it('listen keeps going when browserinfo is malformed (informational only)', () => {
    const message = decodeOk(frame('listen', { token: TOKEN, browserinfo: { p: 7, browser: 'x' } }));
    expect(message).toEqual({ type: 'listen', payload: { token: TOKEN, browserinfo: undefined } });
  });

  it('register and its audio:false unregister form', () => {
    expect(decodeOk(CLIENT_FRAMES.register)).toEqual({ type: 'register', payload: { media: { audio: true } } });
    expect(decodeOk(CLIENT_FRAMES.unregister)).toEqual({ type: 'register', payload: { media: { audio: false } } });
  });

  it('invite for a new call (2.x) with urlencoded params and a TJS id', () => {
    const message = decodeOk(CLIENT_FRAMES.invite2x);
    expect(message).toEqual({
      type: 'invite',
      payload: { callsid: TEMP_SID, sdp: OFFER_SDP, twilio: { params: 'To=%2B15551234567&foo=bar%20baz' } },
    });
    if (message.type !== 'invite') return;
    expect(isResumeInvite(message.payload)).toBe(false);
    expect(isTemporaryCallSid(message.payload.callsid)).toBe(true);
  });

  it('invite for a new call (1.x) with preflight and empty twilio', () => {
    expect(decodeOk(CLIENT_FRAMES.invite1x)).toEqual({
      type: 'invite',
      payload: { callsid: TEMP_SID, sdp: OFFER_SDP, preflight: false, twilio: {} },
    });
  });

  it('invite without twilio reads as twilio {}', () => {
    const message = decodeOk(frame('invite', { callsid: TEMP_SID, sdp: OFFER_SDP }));
    expect(message.type === 'invite' && message.payload.twilio).toEqual({});
  });

  it('resume invite (reconnect token, real CallSid)', () => {
    const message = decodeOk(CLIENT_FRAMES.resumeInvite);
    expect(message).toEqual({
      type: 'invite',
      payload: { callsid: CALL_SID, sdp: OFFER_SDP, reconnect: RECONNECT, twilio: {} },
    });
    if (message.type !== 'invite') return;
    expect(isResumeInvite(message.payload)).toBe(true);
    expect(isTemporaryCallSid(message.payload.callsid)).toBe(false);
  });

  it('answer, reinvite, reject', () => {
    expect(decodeOk(CLIENT_FRAMES.answer)).toEqual({ type: 'answer', payload: { callsid: CALL_SID, sdp: OFFER_SDP } });
    expect(decodeOk(CLIENT_FRAMES.reinvite)).toEqual({ type: 'reinvite', payload: { callsid: CALL_SID, sdp: OFFER_SDP } });
    expect(decodeOk(CLIENT_FRAMES.reject)).toEqual({ type: 'reject', payload: { callsid: CALL_SID } });
  });

  it('hangup with a reason, and with a temporary id', () => {
    expect(decodeOk(CLIENT_FRAMES.hangup)).toEqual({
      type: 'hangup',
      payload: { callsid: CALL_SID, message: 'Connection with Twilio was interrupted.' },
    });
    expect(decodeOk(CLIENT_FRAMES.hangupTemp)).toEqual({ type: 'hangup', payload: { callsid: TEMP_SID } });
  });

  it('dtmf keeps the whole digit string including w', () => {
    expect(decodeOk(CLIENT_FRAMES.dtmf)).toEqual({ type: 'dtmf', payload: { callsid: CALL_SID, dtmf: '12w#*0' } });
  });

  it('call message (2.x)', () => {
    const message = decodeOk(CLIENT_FRAMES.message);
    expect(message).toEqual({
      type: 'message',
      payload: {
        callsid: CALL_SID,
        content: { ask: 'balance', account: 42 },
        contenttype: 'application/json',
        messagetype: 'user-defined-message',
        voiceeventsid: EVENT_SID,
      },
    });
    if (message.type === 'message') expect(isVoiceEventSid(message.payload.voiceeventsid)).toBe(true);
  });

  it('call message: contenttype defaults to application/json, content may be any JSON value', () => {
    for (const content of ['text', 0, false, null, [1, 'a'], { a: { b: [] } }]) {
      const message = decodeOk(
        frame('message', { callsid: CALL_SID, content, messagetype: 'user-defined-message', voiceeventsid: EVENT_SID }),
      );
      expect(message.type === 'message' && message.payload).toMatchObject({ content, contenttype: 'application/json' });
    }
  });

  it('covers one fixture per client message type', () => {
    const seen = new Set(Object.values(CLIENT_FRAMES).map((text) => decodeOk(text).type));
    expect([...seen].sort()).toEqual([...CLIENT_MESSAGE_TYPES].sort());
    expect([...CLIENT_MESSAGE_TYPES].sort()).toEqual(ClientMessageSchema.options.map((o) => o.shape.type.value).sort());
  });

  it('drops unknown fields instead of failing (envelope and payload)', () => {
    const text = frame('reject', { callsid: CALL_SID, futureField: { x: 1 } }, { id: 9, extra: 'y' });
    expect(decodeClientFrame(text)).toEqual({ kind: 'message', version: '1.6', message: { type: 'reject', payload: { callsid: CALL_SID } } });
    const proto = `{"type":"reject","version":"1.6","payload":{"__proto__":{"polluted":true},"callsid":"${CALL_SID}"}}`;
    const decoded = decodeOk(proto);
    expect(decoded).toEqual({ type: 'reject', payload: { callsid: CALL_SID } });
    expect(Object.getPrototypeOf(decoded.payload)).toBe(Object.prototype);
  });

  it('accepts a missing or unknown version and reports it as written', () => {
    const noVersion = JSON.stringify({ type: 'reject', payload: { callsid: CALL_SID } });
    expect(decodeClientFrame(noVersion)).toEqual({ kind: 'message', message: { type: 'reject', payload: { callsid: CALL_SID } } });
    const other = decodeClientFrame(frame('reject', { callsid: CALL_SID }, { version: '1.7' }));
    expect(other.kind === 'message' && other.version).toBe('1.7');
  });

  it('encodeClientMessage round-trips through decodeClientFrame, with either version', () => {
    for (const text of Object.values(CLIENT_FRAMES)) {
      const decoded = decodeClientFrame(text);
      if (decoded.kind !== 'message') throw new Error('fixture must decode');
      const version = decoded.version === '1.5' ? '1.5' : '1.6';
      const again = decodeClientFrame(encodeClientMessage(decoded.message, version));
      expect(again).toEqual(decoded);
    }
    expect(JSON.parse(encodeClientMessage({ type: 'reject', payload: { callsid: CALL_SID } }))).toEqual({
      type: 'reject',
      version: '1.6',
      payload: { callsid: CALL_SID },
    });
  });
});

describe('decodeClientFrame: malformed frames', () => {
  /** [name, frame text, expected code, expected callsid] */
  const cases: [string, string, 31100 | 31101, string | undefined][] = [
    ['empty string', '', 31100, undefined],
    ['not JSON', 'hello', 31100, undefined],
    ['truncated JSON', CLIENT_FRAMES.reject.slice(0, -3), 31100, undefined],
    ['JSON array', '[{"type":"reject"}]', 31100, undefined],
    ['JSON number', '42', 31100, undefined],
    ['JSON string', '"listen"', 31100, undefined],
    ['JSON null', 'null', 31100, undefined],
    ['JSON true', 'true', 31100, undefined],
    ['missing type', JSON.stringify({ version: '1.6', payload: { callsid: CALL_SID } }), 31100, CALL_SID],
    ['type not a string', frame(7, { callsid: CALL_SID }), 31100, CALL_SID],
    ['unknown type', frame('subscribe', { callsid: CALL_SID }), 31100, CALL_SID],
    ['client cancel is not a client message', frame('cancel', { callsid: CALL_SID }), 31100, CALL_SID],
    ['client close is not a client message', frame('close', {}), 31100, undefined],
    ['unregister is not a message type', frame('unregister', {}), 31100, undefined],
    ['server type from a client', frame('connected', { region: 'x', edge: 'y' }), 31100, undefined],
    ['type with wrong case', frame('Invite', { callsid: TEMP_SID, sdp: OFFER_SDP }), 31100, TEMP_SID],
    ['version not a string', frame('reject', { callsid: CALL_SID }, { version: 1.6 }), 31100, CALL_SID],
    ['version too long', frame('reject', { callsid: CALL_SID }, { version: 'x'.repeat(17) }), 31100, CALL_SID],
    ['missing payload', JSON.stringify({ type: 'reject', version: '1.6' }), 31101, undefined],
    ['null payload', frame('hangup', null), 31101, undefined],
    ['payload a string', frame('hangup', 'CA1'), 31100, undefined],
    ['payload an array', frame('hangup', [CALL_SID]), 31100, undefined],
    ['listen without token', frame('listen', { browserinfo: {} }), 31100, undefined],
    ['listen token a number', frame('listen', { token: 5 }), 31100, undefined],
    ['listen negative reconnectTimeout', frame('listen', { token: TOKEN, reconnectTimeout: -1 }), 31100, undefined],
    ['listen fractional reconnectTimeout', frame('listen', { token: TOKEN, reconnectTimeout: 1.5 }), 31100, undefined],
    ['register without media', frame('register', {}), 31100, undefined],
    ['register audio a string', frame('register', { media: { audio: 'true' } }), 31100, undefined],
    ['invite without sdp', frame('invite', { callsid: TEMP_SID, twilio: {} }), 31100, TEMP_SID],
    ['invite empty sdp', frame('invite', { callsid: TEMP_SID, sdp: '' }), 31100, TEMP_SID],
    ['invite without callsid', frame('invite', { sdp: OFFER_SDP }), 31100, undefined],
    ['invite callsid a number', frame('invite', { callsid: 1, sdp: OFFER_SDP }), 31100, undefined],
    ['invite callsid with spaces', frame('invite', { callsid: 'CA 1', sdp: OFFER_SDP }), 31100, undefined],
    ['invite callsid too long', frame('invite', { callsid: 'C'.repeat(65), sdp: OFFER_SDP }), 31100, undefined],
    ['invite params not a string', frame('invite', { callsid: TEMP_SID, sdp: OFFER_SDP, twilio: { params: { To: '1' } } }), 31100, TEMP_SID],
    ['invite twilio a string', frame('invite', { callsid: TEMP_SID, sdp: OFFER_SDP, twilio: 'To=1' }), 31100, TEMP_SID],
    ['invite reconnect a number', frame('invite', { callsid: CALL_SID, sdp: OFFER_SDP, reconnect: 1 }), 31100, CALL_SID],
    ['invite preflight a string', frame('invite', { callsid: TEMP_SID, sdp: OFFER_SDP, preflight: 'no' }), 31100, TEMP_SID],
    ['answer sdp a number', frame('answer', { callsid: CALL_SID, sdp: 0 }), 31100, CALL_SID],
    ['reinvite without sdp', frame('reinvite', { callsid: CALL_SID }), 31100, CALL_SID],
    ['hangup without callsid', frame('hangup', {}), 31100, undefined],
    ['hangup message a number', frame('hangup', { callsid: CALL_SID, message: 3 }), 31100, CALL_SID],
    ['reject callsid null', frame('reject', { callsid: null }), 31100, undefined],
    ['dtmf with a letter', frame('dtmf', { callsid: CALL_SID, dtmf: '12A' }), 31100, CALL_SID],
    ['dtmf empty', frame('dtmf', { callsid: CALL_SID, dtmf: '' }), 31100, CALL_SID],
    ['message without content', frame('message', { callsid: CALL_SID, messagetype: 'user-defined-message', voiceeventsid: EVENT_SID }), 31100, CALL_SID],
    ['message empty messagetype', frame('message', { callsid: CALL_SID, content: {}, messagetype: '', voiceeventsid: EVENT_SID }), 31100, CALL_SID],
    ['message without voiceeventsid', frame('message', { callsid: CALL_SID, content: {}, messagetype: 'x' }), 31100, CALL_SID],
    ['message contenttype a number', frame('message', { callsid: CALL_SID, content: {}, contenttype: 1, messagetype: 'x', voiceeventsid: EVENT_SID }), 31100, CALL_SID],
    ['huge frame', frame('invite', { callsid: TEMP_SID, sdp: 'a'.repeat(MAX_FRAME_LENGTH) }), 31100, undefined],
  ];

  it.each(cases)('%s → %i', (_name, text, code, callsid) => {
    const result = decodeErr(text);
    expect(isVoiceError(result.error, code)).toBe(true);
    expect(result.callsid).toBe(callsid);
    expect(result.error.message).not.toContain(OFFER_SDP.slice(0, 20));
  });

  it('refuses an over-long frame before parsing it', () => {
    const result = decodeErr(`${'x'.repeat(MAX_FRAME_LENGTH)}y`);
    expect(result.error.message).toBe(`Malformed request: frame longer than ${MAX_FRAME_LENGTH} characters`);
  });

  it('accepts a frame of exactly the maximum length', () => {
    const base = frame('invite', { callsid: TEMP_SID, sdp: '' });
    const text = frame('invite', { callsid: TEMP_SID, sdp: 'a'.repeat(MAX_FRAME_LENGTH - base.length) });
    expect(text).toHaveLength(MAX_FRAME_LENGTH);
    expect(decodeClientFrame(text).kind).toBe('message');
    expect(decodeErr(`${text} `).error.code).toBe(31100);
  });

  it('names the failing field and keeps the frame type', () => {
    const result = decodeErr(frame('answer', { callsid: CALL_SID, sdp: 0 }));
    expect(result.type).toBe('answer');
    expect(result.error.message).toMatch(/^Malformed request: payload\.sdp: /);
    expect(result.error.details).toEqual({ path: 'payload.sdp' });
    expect(decodeErr(frame('unknownthing', {})).type).toBeUndefined();
  });

  it('a missing payload is 31101 with the catalog text', () => {
    const result = decodeErr(JSON.stringify({ type: 'listen', version: '1.6' }));
    expect(result.error.code).toBe(31101);
    expect(result.error.message).toBe('Missing parameter array in request: listen has no payload');
    expect(result.type).toBe('listen');
  });

  it('a failed call message keeps callsid and voiceeventsid, so the error reaches the call', () => {
    const result = decodeErr(frame('message', { callsid: CALL_SID, content: {}, messagetype: 7, voiceeventsid: EVENT_SID }));
    expect(result).toMatchObject({ callsid: CALL_SID, voiceeventsid: EVENT_SID, type: 'message' });
    expect(signalingErrorMessage(result.error, result)).toEqual({
      type: 'error',
      payload: {
        callsid: CALL_SID,
        voiceeventsid: EVENT_SID,
        error: { code: 31100, message: expect.stringMatching(/^Malformed request: payload\.messagetype/) as unknown },
      },
    });
  });

  it('does not read an address out of a malformed id', () => {
    const result = decodeErr(frame('reject', { callsid: '<script>', voiceeventsid: 'x y' }));
    expect(result.callsid).toBeUndefined();
    expect(result.voiceeventsid).toBeUndefined();
  });

  it('survives deeply nested JSON', () => {
    const depth = 100_000;
    const deep = `{"type":"message","version":"1.6","payload":{"callsid":"${CALL_SID}","content":${'['.repeat(depth)}${']'.repeat(depth)},"messagetype":"m","voiceeventsid":"${EVENT_SID}"}}`;
    expect(decodeClientFrame(deep).kind).toBe('message');
    expect(decodeErr('['.repeat(depth)).error.code).toBe(31100);
  });
});
