/**
 * Compatibility oracle: TwiML produced by the official `twilio` helper (`twiml.VoiceResponse`) must
 * parse to the AST a Twilio user would expect.
 */
import { describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { parseTwiml, type Verb } from './index.ts';

type VoiceResponse = InstanceType<typeof twilio.twiml.VoiceResponse>;

function build(write: (response: VoiceResponse) => void): string {
  const response = new twilio.twiml.VoiceResponse();
  write(response);
  return response.toString();
}

function parsedVerbs(xml: string): readonly Verb[] {
  const result = parseTwiml(xml);
  if (!result.ok) throw result.error;
  return result.response.verbs;
}

describe('oracle: documents from twilio.twiml.VoiceResponse', () => {
  it("parses the hands-on guide's document", () => {
    const xml = build((r) => {
      const dial = r.dial({ callerId: '+815012345678', record: 'record-from-answer-dual' });
      dial.client('twilio_user');
    });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Dial callerId="+815012345678" record="record-from-answer-dual"><Client>twilio_user</Client></Dial></Response>',
    );
    expect(parsedVerbs(xml)).toStrictEqual([
      {
        verb: 'Dial',
        line: 1,
        callerId: '+815012345678',
        record: 'record-from-answer-dual',
        nouns: [{ noun: 'Client', line: 1, identity: 'twilio_user', parameters: [] }],
      },
    ]);
  });

  it('parses <Client> with <Identity> and <Parameter> children', () => {
    const xml = build((r) => {
      const dial = r.dial({ answerOnBridge: true, timeout: 25 });
      const client = dial.client({ statusCallbackEvent: ['ringing', 'answered'], statusCallback: 'https://example.com/status' });
      client.identity('user_jane');
      client.parameter({ name: 'FirstName', value: 'Jane' });
      client.parameter({ name: 'Note', value: 'a & b <c>' });
    });
    expect(parsedVerbs(xml)).toStrictEqual([
      {
        verb: 'Dial',
        line: 1,
        answerOnBridge: true,
        timeout: 25,
        nouns: [
          {
            noun: 'Client',
            line: 1,
            identity: 'user_jane',
            statusCallbackEvent: ['ringing', 'answered'],
            statusCallback: 'https://example.com/status',
            parameters: [
              { line: 1, name: 'FirstName', value: 'Jane' },
              { line: 1, name: 'Note', value: 'a & b <c>' },
            ],
          },
        ],
      },
    ]);
  });

  it('parses <Number> with sendDigits and statusCallbackEvent', () => {
    const xml = build((r) => {
      const dial = r.dial({ hangupOnStar: true, timeLimit: 3600 });
      dial.number(
        {
          sendDigits: 'wwww1928',
          statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
          statusCallback: 'https://example.com/events',
          statusCallbackMethod: 'POST',
        },
        '+14155551212',
      );
    });
    expect(parsedVerbs(xml)).toStrictEqual([
      {
        verb: 'Dial',
        line: 1,
        hangupOnStar: true,
        timeLimit: 3600,
        nouns: [
          {
            noun: 'Number',
            line: 1,
            number: '+14155551212',
            sendDigits: 'wwww1928',
            statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
            statusCallback: 'https://example.com/events',
            statusCallbackMethod: 'POST',
          },
        ],
      },
    ]);
  });

  it('parses <Sip> with credentials', () => {
    const xml = build((r) => {
      r.dial().sip({ username: 'admin', password: '1234', method: 'GET', url: 'https://example.com/screen' }, 'sip:kate@example.com?mycustomheader=foo');
    });
    expect(parsedVerbs(xml)).toStrictEqual([
      {
        verb: 'Dial',
        line: 1,
        nouns: [
          {
            noun: 'Sip',
            line: 1,
            uri: 'sip:kate@example.com?mycustomheader=foo',
            username: 'admin',
            password: '1234',
            method: 'GET',
            url: 'https://example.com/screen',
          },
        ],
      },
    ]);
  });

  it('parses <Conference>', () => {
    const xml = build((r) => {
      r.dial().conference(
        {
          startConferenceOnEnter: true,
          endConferenceOnExit: false,
          beep: 'onEnter',
          muted: false,
          waitUrl: '',
          maxParticipants: 10,
          record: 'record-from-start',
          statusCallbackEvent: ['start', 'end', 'join'],
          statusCallback: 'https://example.com/conf',
          jitterBufferSize: 'medium',
          participantLabel: 'customer',
        },
        'moderated-room',
      );
    });
    expect(parsedVerbs(xml)).toStrictEqual([
      {
        verb: 'Dial',
        line: 1,
        nouns: [
          {
            noun: 'Conference',
            line: 1,
            name: 'moderated-room',
            startConferenceOnEnter: true,
            endConferenceOnExit: false,
            beep: 'onEnter',
            muted: false,
            waitUrl: '',
            maxParticipants: 10,
            record: 'record-from-start',
            statusCallbackEvent: ['start', 'end', 'join'],
            statusCallback: 'https://example.com/conf',
            jitterBufferSize: 'medium',
            participantLabel: 'customer',
          },
        ],
      },
    ]);
  });

  it('parses <Queue>', () => {
    const xml = build((r) => {
      r.dial().queue({ url: 'https://example.com/about_to_connect.xml', reservationSid: 'WR0123' }, 'support');
    });
    expect(parsedVerbs(xml)).toStrictEqual([
      {
        verb: 'Dial',
        line: 1,
        nouns: [{ noun: 'Queue', line: 1, name: 'support', url: 'https://example.com/about_to_connect.xml', reservationSid: 'WR0123' }],
      },
    ]);
  });

  it('parses <Gather> with nested <Say>, <Play> and <Pause>', () => {
    const xml = build((r) => {
      const gather = r.gather({ input: ['speech', 'dtmf'], timeout: 3, numDigits: 1, action: '/process', speechTimeout: 'auto', language: 'ja-JP' });
      gather.say({ language: 'ja-JP' }, '1を押してください');
      gather.pause({ length: 1 });
      gather.play({ loop: 2 }, 'https://api.twilio.com/cowbell.mp3');
    });
    expect(parsedVerbs(xml)).toStrictEqual([
      {
        verb: 'Gather',
        line: 1,
        input: ['speech', 'dtmf'],
        timeout: 3,
        numDigits: 1,
        action: '/process',
        speechTimeout: 'auto',
        language: 'ja-JP',
        verbs: [
          { verb: 'Say', line: 1, text: '1を押してください', language: 'ja-JP' },
          { verb: 'Pause', line: 1, length: 1 },
          { verb: 'Play', line: 1, url: 'https://api.twilio.com/cowbell.mp3', loop: 2 },
        ],
      },
    ]);
  });

  it('parses <Record>', () => {
    const xml = build((r) => {
      r.record({
        timeout: 10,
        transcribe: true,
        maxLength: 20,
        finishOnKey: '*',
        playBeep: false,
        trim: 'do-not-trim',
        recordingStatusCallbackEvent: ['in-progress', 'completed'],
        recordingStatusCallback: '/rec',
      });
    });
    expect(parsedVerbs(xml)).toStrictEqual([
      {
        verb: 'Record',
        line: 1,
        timeout: 10,
        transcribe: true,
        maxLength: 20,
        finishOnKey: '*',
        playBeep: false,
        trim: 'do-not-trim',
        recordingStatusCallbackEvent: ['in-progress', 'completed'],
        recordingStatusCallback: '/rec',
      },
    ]);
  });

  it('parses <Say> with language, <Pause>, <Play digits>, <Redirect>, <Reject> and <Hangup>', () => {
    const xml = build((r) => {
      r.say({ voice: 'Polly.Mizuki', language: 'ja-JP', loop: 2 }, 'お電話ありがとうございます & <ようこそ>');
      r.pause({ length: 5 });
      r.play({ digits: 'wwww3' });
      r.redirect({ method: 'POST' }, 'https://example.com/next?a=1&b=2');
      r.reject({ reason: 'busy' });
      r.hangup();
    });
    expect(parsedVerbs(xml)).toStrictEqual([
      { verb: 'Say', line: 1, text: 'お電話ありがとうございます & <ようこそ>', voice: 'Polly.Mizuki', language: 'ja-JP', loop: 2 },
      { verb: 'Pause', line: 1, length: 5 },
      { verb: 'Play', line: 1, digits: 'wwww3' },
      { verb: 'Redirect', line: 1, url: 'https://example.com/next?a=1&b=2', method: 'POST' },
      { verb: 'Reject', line: 1, reason: 'busy' },
      { verb: 'Hangup', line: 1 },
    ]);
  });

  it('parses <Enqueue> (with and without <Task>) and <Leave>', () => {
    const xml = build((r) => {
      r.enqueue({ action: '/left', waitUrl: '/wait', waitUrlMethod: 'GET', maxQueueSize: 30 }, 'support');
      r.enqueue({ workflowSid: 'WW0123456789abcdef0123456789abcdef' }).task({ priority: 5, timeout: 200 }, JSON.stringify({ account_number: '12345abcdef' }));
      r.leave();
    });
    expect(parsedVerbs(xml)).toStrictEqual([
      { verb: 'Enqueue', line: 1, name: 'support', action: '/left', waitUrl: '/wait', waitUrlMethod: 'GET', maxQueueSize: 30 },
      {
        verb: 'Enqueue',
        line: 1,
        workflowSid: 'WW0123456789abcdef0123456789abcdef',
        task: { line: 1, json: '{"account_number":"12345abcdef"}', priority: 5, timeout: 200 },
      },
      { verb: 'Leave', line: 1 },
    ]);
  });

  it('parses a <Dial> whose number is its text, as the helper writes it', () => {
    const xml = build((r) => r.dial({ action: '/dial-status', method: 'GET' }, '+15558675310'));
    expect(parsedVerbs(xml)).toStrictEqual([
      { verb: 'Dial', line: 1, action: '/dial-status', method: 'GET', nouns: [{ noun: 'Number', line: 1, number: '+15558675310' }] },
    ]);
  });
});
