import { describe, expect, expectTypeOf, it } from 'vitest';
import type { VoiceError } from '@denwa/protocol';
import { isTemplated, parseTwiml, validateTwiml, type DialVerb, type TwimlResponse, type Verb } from './index.ts';

function parse(xml: string): TwimlResponse {
  const result = parseTwiml(xml);
  if (!result.ok) throw result.error;
  return result.response;
}

/** The verbs of `<Response>` + `body`; line 1 is the `<Response>` line. */
function verbs(body: string): readonly Verb[] {
  return parse(`<Response>${body}</Response>`).verbs;
}

function refusal(xml: string, templated = false): VoiceError {
  const result = parseTwiml(xml, { templated });
  if (result.ok) throw new Error(`expected a refusal of ${xml}`);
  return result.error;
}

describe('parseTwiml: verbs and nouns', () => {
  it('reads every <Dial> attribute, converting numbers, booleans, enums, lists and methods', () => {
    const [dial] = verbs(`
<Dial action="/after" method="get" timeout="20" hangupOnStar="true" timeLimit="600" callerId="+815012345678"
      record="record-from-ringing-dual" trim="trim-silence" recordingStatusCallback="/rec"
      recordingStatusCallbackMethod="GET" recordingStatusCallbackEvent="in-progress, completed absent"
      recordingTrack="inbound" answerOnBridge="false" ringTone="jp" sequential="TRUE" referUrl="/refer" referMethod="Post">
  <Number>+15551234567</Number>
</Dial>`);
    expect(dial).toStrictEqual({
      verb: 'Dial',
      line: 2,
      nouns: [{ noun: 'Number', line: 6, number: '+15551234567' }],
      action: '/after',
      method: 'GET',
      timeout: 20,
      hangupOnStar: true,
      timeLimit: 600,
      callerId: '+815012345678',
      record: 'record-from-ringing-dual',
      trim: 'trim-silence',
      recordingStatusCallback: '/rec',
      recordingStatusCallbackMethod: 'GET',
      recordingStatusCallbackEvent: ['in-progress', 'completed', 'absent'],
      recordingTrack: 'inbound',
      answerOnBridge: false,
      ringTone: 'jp',
      sequential: true,
      referUrl: '/refer',
      referMethod: 'POST',
    });
  });

  it('reads the legacy record="true|false" of <Dial> as record-from-answer / do-not-record', () => {
    const [on, off] = verbs('<Dial record="true">1</Dial><Dial record="false">2</Dial>');
    expect(on).toMatchObject({ record: 'record-from-answer' });
    expect(off).toMatchObject({ record: 'do-not-record' });
  });

  it('represents a number written directly inside <Dial> as a Number noun on the line of the number', () => {
    expect(verbs('<Dial timeout="10">\n  +15551234567\n</Dial>')).toStrictEqual([
      { verb: 'Dial', line: 1, timeout: 10, nouns: [{ noun: 'Number', line: 2, number: '+15551234567' }] },
    ]);
  });

  it('reads <Client> with text identity, or with <Identity> and <Parameter> children', () => {
    const [dial] = verbs(`
<Dial>
  <Client url="/screen" method="GET" statusCallbackEvent="initiated ringing answered completed"
          statusCallback="/status" statusCallbackMethod="POST">alice</Client>
  <Client>
    <Identity>bob</Identity>
    <Parameter name="FirstName" value="Bob"/>
    <Parameter name="empty"/>
  </Client>
</Dial>`);
    expect(dial).toStrictEqual({
      verb: 'Dial',
      line: 2,
      nouns: [
        {
          noun: 'Client',
          line: 3,
          identity: 'alice',
          parameters: [],
          url: '/screen',
          method: 'GET',
          statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
          statusCallback: '/status',
          statusCallbackMethod: 'POST',
        },
        {
          noun: 'Client',
          line: 5,
          identity: 'bob',
          parameters: [
            { line: 7, name: 'FirstName', value: 'Bob' },
            { line: 8, name: 'empty' },
          ],
        },
      ],
    });
  });

  it('reads every <Number> attribute, answering machine detection included', () => {
    const [dial] = verbs(
      '<Dial><Number sendDigits="wwww1928#" url="/whisper" method="GET" statusCallbackEvent="initiated,answered" ' +
        'statusCallback="/s" statusCallbackMethod="get" byoc="BY0123" machineDetection="DetectMessageEnd" ' +
        'machineDetectionTimeout="15" machineDetectionSpeechThreshold="2400" machineDetectionSpeechEndThreshold="1200" ' +
        'machineDetectionSilenceTimeout="5000" amdStatusCallback="/amd" amdStatusCallbackMethod="POST"> +81-3-1234-5678 </Number></Dial>',
    );
    expect(dial?.verb === 'Dial' ? dial.nouns : []).toStrictEqual([
      {
        noun: 'Number',
        line: 1,
        number: '+81-3-1234-5678',
        sendDigits: 'wwww1928#',
        url: '/whisper',
        method: 'GET',
        statusCallbackEvent: ['initiated', 'answered'],
        statusCallback: '/s',
        statusCallbackMethod: 'GET',
        byoc: 'BY0123',
        machineDetection: 'DetectMessageEnd',
        machineDetectionTimeout: 15,
        machineDetectionSpeechThreshold: 2400,
        machineDetectionSpeechEndThreshold: 1200,
        machineDetectionSilenceTimeout: 5000,
        amdStatusCallback: '/amd',
        amdStatusCallbackMethod: 'POST',
      },
    ]);
  });

  it('reads <Sip> with credentials and callbacks', () => {
    const [dial] = verbs(
      '<Dial><Sip username="admin" password="s3cr&amp;t" url="/screen" method="POST" statusCallbackEvent="completed" ' +
        'statusCallback="/s" statusCallbackMethod="GET">sip:alice@example.com;transport=tcp?X-Tag=1</Sip></Dial>',
    );
    expect(dial?.verb === 'Dial' ? dial.nouns : []).toStrictEqual([
      {
        noun: 'Sip',
        line: 1,
        uri: 'sip:alice@example.com;transport=tcp?X-Tag=1',
        username: 'admin',
        password: 's3cr&t',
        url: '/screen',
        method: 'POST',
        statusCallbackEvent: ['completed'],
        statusCallback: '/s',
        statusCallbackMethod: 'GET',
      },
    ]);
  });

  it('reads every <Conference> attribute', () => {
    const [dial] = verbs(
      '<Dial><Conference muted="false" beep="onEnter" startConferenceOnEnter="true" endConferenceOnExit="true" ' +
        'waitUrl="" waitMethod="GET" maxParticipants="10" record="record-from-start" region="jp1" trim="do-not-trim" ' +
        'coach="CA0123" statusCallbackEvent="start end join leave mute hold modify speaker announcement" statusCallback="/c" ' +
        'statusCallbackMethod="POST" recordingStatusCallback="/r" recordingStatusCallbackMethod="GET" ' +
        'recordingStatusCallbackEvent="completed" jitterBufferSize="small" participantLabel="agent">Room 1234</Conference></Dial>',
    );
    expect(dial?.verb === 'Dial' ? dial.nouns : []).toStrictEqual([
      {
        noun: 'Conference',
        line: 1,
        name: 'Room 1234',
        muted: false,
        beep: 'onEnter',
        startConferenceOnEnter: true,
        endConferenceOnExit: true,
        waitUrl: '',
        waitMethod: 'GET',
        maxParticipants: 10,
        record: 'record-from-start',
        region: 'jp1',
        trim: 'do-not-trim',
        coach: 'CA0123',
        statusCallbackEvent: ['start', 'end', 'join', 'leave', 'mute', 'hold', 'modify', 'speaker', 'announcement'],
        statusCallback: '/c',
        statusCallbackMethod: 'POST',
        recordingStatusCallback: '/r',
        recordingStatusCallbackMethod: 'GET',
        recordingStatusCallbackEvent: ['completed'],
        jitterBufferSize: 'small',
        participantLabel: 'agent',
      },
    ]);
  });

  it('reads <Conference beep> as a boolean or onEnter/onExit', () => {
    const nouns = verbs('<Dial><Conference beep="false">a</Conference></Dial><Dial><Conference beep="onExit">b</Conference></Dial>');
    expect(nouns.map((v) => (v.verb === 'Dial' ? v.nouns[0] : undefined))).toMatchObject([{ beep: false }, { beep: 'onExit' }]);
  });

  it('reads <Queue>', () => {
    const [dial] = verbs('<Dial><Queue url="/about-to-connect" method="GET" reservationSid="WR01" postWorkActivitySid="WA01">support</Queue></Dial>');
    expect(dial?.verb === 'Dial' ? dial.nouns : []).toStrictEqual([
      { noun: 'Queue', line: 1, name: 'support', url: '/about-to-connect', method: 'GET', reservationSid: 'WR01', postWorkActivitySid: 'WA01' },
    ]);
  });

  it('reads <Say>, <Play>, <Pause>, keeping text trimmed and empty <Say> allowed', () => {
    expect(
      verbs(`
<Say voice="Polly.Mizuki" language="ja-JP" loop="0">
  こんにちは &amp; ようこそ
</Say>
<Say/>
<Play loop="2">https://example.com/hold.mp3</Play>
<Play digits="ww1234#"/>
<Pause length="3"/>
<Pause/>`),
    ).toStrictEqual([
      { verb: 'Say', line: 2, text: 'こんにちは & ようこそ', voice: 'Polly.Mizuki', language: 'ja-JP', loop: 0 },
      { verb: 'Say', line: 5, text: '' },
      { verb: 'Play', line: 6, url: 'https://example.com/hold.mp3', loop: 2 },
      { verb: 'Play', line: 7, digits: 'ww1234#' },
      { verb: 'Pause', line: 8, length: 3 },
      { verb: 'Pause', line: 9 },
    ]);
  });

  it('reads every <Gather> attribute and its nested <Say>/<Play>/<Pause>', () => {
    const [gather] = verbs(`
<Gather input="speech dtmf" action="/gathered" method="GET" timeout="7" speechTimeout="auto" maxSpeechTime="30"
        profanityFilter="false" finishOnKey="*" numDigits="4" partialResultCallback="/partial"
        partialResultCallbackMethod="POST" language="ja-JP" hints="はい, いいえ" bargeIn="false"
        actionOnEmptyResult="true" speechModel="phone_call" enhanced="true">
  <Say>Enter your PIN</Say>
  <Pause length="1"/>
  <Play>https://example.com/beep.wav</Play>
</Gather>`);
    expect(gather).toStrictEqual({
      verb: 'Gather',
      line: 2,
      verbs: [
        { verb: 'Say', line: 6, text: 'Enter your PIN' },
        { verb: 'Pause', line: 7, length: 1 },
        { verb: 'Play', line: 8, url: 'https://example.com/beep.wav' },
      ],
      input: ['speech', 'dtmf'],
      action: '/gathered',
      method: 'GET',
      timeout: 7,
      speechTimeout: 'auto',
      maxSpeechTime: 30,
      profanityFilter: false,
      finishOnKey: '*',
      numDigits: 4,
      partialResultCallback: '/partial',
      partialResultCallbackMethod: 'POST',
      language: 'ja-JP',
      hints: 'はい, いいえ',
      bargeIn: false,
      actionOnEmptyResult: true,
      speechModel: 'phone_call',
      enhanced: true,
    });
    expect(verbs('<Gather speechTimeout="3" finishOnKey=""/>')).toStrictEqual([
      { verb: 'Gather', line: 1, verbs: [], speechTimeout: 3, finishOnKey: '' },
    ]);
  });

  it('reads every <Record> attribute', () => {
    expect(
      verbs(
        '<Record action="/done" method="GET" timeout="0" finishOnKey="#*1" maxLength="120" playBeep="false" trim="do-not-trim" ' +
          'recordingStatusCallback="/rs" recordingStatusCallbackMethod="GET" recordingStatusCallbackEvent="in-progress completed" ' +
          'transcribe="true" transcribeCallback="/tr"/>',
      ),
    ).toStrictEqual([
      {
        verb: 'Record',
        line: 1,
        action: '/done',
        method: 'GET',
        timeout: 0,
        finishOnKey: '#*1',
        maxLength: 120,
        playBeep: false,
        trim: 'do-not-trim',
        recordingStatusCallback: '/rs',
        recordingStatusCallbackMethod: 'GET',
        recordingStatusCallbackEvent: ['in-progress', 'completed'],
        transcribe: true,
        transcribeCallback: '/tr',
      },
    ]);
  });

  it('reads <Hangup>, <Reject>, <Redirect> and <Leave>', () => {
    expect(
      verbs('\n<Hangup/>\n<Reject reason="busy"/>\n<Reject></Reject>\n<Redirect method="GET">\n  /next?x=1&amp;y=2\n</Redirect>\n<Leave/>'),
    ).toStrictEqual([
      { verb: 'Hangup', line: 2 },
      { verb: 'Reject', line: 3, reason: 'busy' },
      { verb: 'Reject', line: 4 },
      { verb: 'Redirect', line: 5, url: '/next?x=1&y=2', method: 'GET' },
      { verb: 'Leave', line: 8 },
    ]);
  });

  it('reads <Enqueue> with every attribute and a <Task>', () => {
    expect(
      verbs(
        '<Enqueue action="/left" method="GET" waitUrl="/wait" waitUrlMethod="POST" maxQueueSize="50">support</Enqueue>' +
          '<Enqueue workflowSid="WW0123">\n<Task priority="5" timeout="200">{"selected_language": "ja"}</Task>\n</Enqueue>',
      ),
    ).toStrictEqual([
      { verb: 'Enqueue', line: 1, name: 'support', action: '/left', method: 'GET', waitUrl: '/wait', waitUrlMethod: 'POST', maxQueueSize: 50 },
      { verb: 'Enqueue', line: 1, workflowSid: 'WW0123', task: { line: 2, json: '{"selected_language": "ja"}', priority: 5, timeout: 200 } },
    ]);
  });

  it('ignores whitespace, comments and the XML declaration; an empty <Response> has no verbs', () => {
    expect(parse('<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  <!-- nothing -->\n</Response>\n')).toStrictEqual({ line: 2, verbs: [] });
    expect(parse('<Response/>')).toStrictEqual({ line: 1, verbs: [] });
  });
});

describe('parseTwiml: schema errors (12200)', () => {
  it('uses the documented message shape', () => {
    const error = refusal('<Response>\n<Say>hi</Say>\n<Dial timeout="abc"><Client>bob</Client></Dial>\n</Response>');
    expect(error.code).toBe(12200);
    expect(error.message).toBe('Schema validation warning: line 3: <Dial> attribute "timeout" must be a number, got "abc"');
    expect(error.details).toStrictEqual({ line: 3, column: 7 });
    expect(validateTwiml('<Response>\n<Dial timeout="abc">1</Dial></Response>')?.code).toBe(12200);
    expect(validateTwiml('<Response><Hangup/></Response>')).toBeNull();
  });

  it.each([
    ['an unknown verb', '<Response>\n<Dance/>\n</Response>', 2, '<Dance> is not a TwiML verb'],
    ['a Twilio verb Denwa does not run', '<Response>\n<Connect/></Response>', 2, '<Connect> is not supported by Denwa'],
    ['a noun at the top level', '<Response>\n<Client>bob</Client></Response>', 2, '<Client> is not allowed inside <Response>; it belongs in <Dial>'],
    ['<Dial> inside <Gather>', '<Response><Gather>\n<Dial>1</Dial></Gather></Response>', 2, '<Dial> is not allowed inside <Gather>'],
    ['a verb inside <Dial>', '<Response><Dial>\n<Say>hi</Say></Dial></Response>', 2, '<Say> is not allowed inside <Dial>'],
    ['an unknown noun inside <Dial>', '<Response><Dial>\n<Phone>1</Phone></Dial></Response>', 2, '<Phone> is not allowed inside <Dial>'],
    ['<Identity> directly in <Dial>', '<Response><Dial>\n<Identity>a</Identity></Dial></Response>', 2, 'it belongs in <Client>'],
    ['<Parameter> in <Number>', '<Response><Dial><Number>\n<Parameter name="a"/>1</Number></Dial></Response>', 2, '<Parameter> is not allowed inside <Number>'],
    ['<Task> outside <Enqueue>', '<Response><Gather>\n<Task>{}</Task></Gather></Response>', 2, 'it belongs in <Enqueue>'],
    ['SSML inside <Say>', '<Response><Say>a\n<break time="1s"/></Say></Response>', 2, 'SSML is not supported'],
    ['a nested <Response>', '<Response>\n<Response/></Response>', 2, '<Response> is not allowed inside <Response>'],
    ['an unknown attribute', '<Response>\n<Dial\n foo="1">1</Dial></Response>', 3, '<Dial> has no attribute "foo"'],
    ['an attribute on <Response>', '<Response\n version="2"/>', 2, '<Response> has no attribute "version"'],
    ['an attribute on <Hangup>', '<Response><Hangup\n reason="busy"/></Response>', 2, '<Hangup> has no attribute "reason"'],
    ['a fractional number', '<Response>\n<Pause length="1.5"/></Response>', 2, 'must be a whole number of 0 or more, got "1.5"'],
    ['a negative number', '<Response>\n<Say loop="-1">x</Say></Response>', 2, 'must be a whole number of 0 or more, got "-1"'],
    ['an empty number', '<Response>\n<Gather timeout=""/></Response>', 2, 'attribute "timeout" must be a number, got ""'],
    ['a number out of range', '<Response>\n<Dial timeLimit="99999999999">1</Dial></Response>', 2, 'must be a whole number'],
    ['a bad boolean', '<Response>\n<Dial hangupOnStar="yes">1</Dial></Response>', 2, '"hangupOnStar" must be true or false, got "yes"'],
    ['a bad enum', '<Response>\n<Reject reason="maybe"/></Response>', 2, '"reason" must be one of rejected, busy, got "maybe"'],
    ['a bad <Dial record>', '<Response>\n<Dial record="always">1</Dial></Response>', 2, '"record" must be one of do-not-record, record-from-answer'],
    ['a bad recordingTrack', '<Response>\n<Dial recordingTrack="left">1</Dial></Response>', 2, 'must be one of both, inbound, outbound'],
    ['a bad jitterBufferSize', '<Response><Dial>\n<Conference jitterBufferSize="huge">r</Conference></Dial></Response>', 2, '"jitterBufferSize"'],
    ['a bad beep', '<Response><Dial>\n<Conference beep="sometimes">r</Conference></Dial></Response>', 2, 'one of true, false, onEnter, onExit'],
    ['a bad machineDetection', '<Response><Dial>\n<Number machineDetection="enable">1</Number></Dial></Response>', 2, 'one of Enable, DetectMessageEnd'],
    ['a bad list item', '<Response><Dial>\n<Client statusCallbackEvent="initiated hungup">a</Client></Dial></Response>', 2, 'must be a list of initiated, ringing, answered, completed, got "initiated hungup"'],
    ['a bad <Gather input>', '<Response>\n<Gather input="dtmf voice"/></Response>', 2, 'must be a list of dtmf, speech'],
    ['a bad method', '<Response>\n<Redirect method="PUT">/x</Redirect></Response>', 2, '"method" must be GET or POST, got "PUT"'],
    ['a bad speechTimeout', '<Response>\n<Gather speechTimeout="soon"/></Response>', 2, 'a whole number of 0 or more, or auto'],
    ['bad digits', '<Response>\n<Play digits="12x"/></Response>', 2, '"digits" must be DTMF digits'],
    ['bad sendDigits', '<Response><Dial>\n<Number sendDigits="1-2">1</Number></Dial></Response>', 2, '"sendDigits" must be DTMF digits'],
    ['two keys in <Gather finishOnKey>', '<Response>\n<Gather finishOnKey="#*"/></Response>', 2, 'one key of 0-9, *, # or empty'],
    ['a letter in <Record finishOnKey>', '<Response>\n<Record finishOnKey="q"/></Response>', 2, 'keys from 0-9, *, #'],
    ['an empty <Redirect>', '<Response>\n<Redirect/></Response>', 2, '<Redirect> needs a URL as its text'],
    ['an empty <Play>', '<Response>\n<Play>  </Play></Response>', 2, '<Play> needs an audio URL as its text, or a digits attribute'],
    ['an empty <Client>', '<Response><Dial>\n<Client url="/x"/></Dial></Response>', 2, '<Client> needs an identity as its text or in <Identity>'],
    ['an empty <Identity>', '<Response><Dial><Client>\n<Identity/></Client></Dial></Response>', 2, '<Identity> needs the client identity'],
    ['two <Identity>', '<Response><Dial><Client><Identity>a</Identity>\n<Identity>b</Identity></Client></Dial></Response>', 2, 'at most one <Identity>'],
    ['text and <Identity>', '<Response><Dial><Client>a\n<Identity>b</Identity></Client></Dial></Response>', 2, 'both an identity text and <Identity>'],
    ['<Parameter> without a name', '<Response><Dial><Client>a\n<Parameter value="1"/></Client></Dial></Response>', 2, '<Parameter> needs a name attribute'],
    ['<Parameter> with an empty name', '<Response><Dial><Client>a\n<Parameter name=""/></Client></Dial></Response>', 2, '<Parameter> needs a name attribute'],
    ['an unknown <Parameter> attribute', '<Response><Dial><Client>a\n<Parameter name="a" type="x"/></Client></Dial></Response>', 2, '<Parameter> has no attribute "type"'],
    ['an empty <Number>', '<Response><Dial>\n<Number/></Dial></Response>', 2, '<Number> needs a phone number'],
    ['an empty <Sip>', '<Response><Dial>\n<Sip/></Dial></Response>', 2, '<Sip> needs a SIP URI'],
    ['a <Sip> that is not a SIP URI', '<Response><Dial>\n<Sip>alice@example.com</Sip></Dial></Response>', 2, 'must be a sip: or sips: URI'],
    ['an empty <Conference>', '<Response><Dial>\n<Conference/></Dial></Response>', 2, '<Conference> needs a room name'],
    ['an empty <Queue>', '<Response><Dial>\n<Queue/></Dial></Response>', 2, '<Queue> needs a queue name'],
    ['an empty <Dial>', '<Response>\n<Dial action="/x"/></Response>', 2, '<Dial> needs a number as its text or at least one noun'],
    ['a number mixed with nouns', '<Response>\n<Dial>+1555<Client>a</Client></Dial></Response>', 2, 'cannot mix a number in its text with nouns'],
    ['an empty <Enqueue>', '<Response>\n<Enqueue/></Response>', 2, 'a queue name as its text, or a workflowSid'],
    ['an empty <Task>', '<Response><Enqueue workflowSid="WW1">\n<Task/></Enqueue></Response>', 2, '<Task> needs the task attributes'],
    ['a <Task> that is not a JSON object', '<Response><Enqueue workflowSid="WW1">\n<Task>[1]</Task></Enqueue></Response>', 2, 'must be a JSON object'],
    ['two <Task>', '<Response><Enqueue workflowSid="WW1"><Task>{}</Task>\n<Task>{}</Task></Enqueue></Response>', 2, 'at most one <Task>'],
    ['text in <Hangup>', '<Response>\n<Hangup>now</Hangup></Response>', 2, '<Hangup> does not take text'],
    ['an element in <Leave>', '<Response><Leave>\n<Say>x</Say></Leave></Response>', 2, '<Say> is not allowed inside <Leave>'],
    ['text in <Gather>', '<Response>\n<Gather>press 1</Gather></Response>', 2, '<Gather> does not take text'],
    ['text in <Response>', '<Response>\nHello</Response>', 1, '<Response> does not take text'],
  ])('refuses %s', (_what, xml, line, reason) => {
    const error = refusal(xml);
    expect(error.code).toBe(12200);
    expect(error.details).toMatchObject({ line });
    expect(error.message).toContain(`line ${line}: `);
    expect(error.message).toContain(reason);
  });

  it('refuses a root other than <Response> with 12100', () => {
    const error = refusal('<?xml version="1.0"?>\n<Reply><Hangup/></Reply>');
    expect(error.code).toBe(12100);
    expect(error.message).toBe('Document parse failure: line 2: the root element must be <Response>, not <Reply>');
  });

  it('passes XML errors through as 12100', () => {
    expect(refusal('<Response><Dial>')).toMatchObject({ code: 12100 });
    expect(refusal('<!DOCTYPE x [<!ENTITY a "b">]><Response/>')).toMatchObject({ code: 12100 });
  });

  it('treats verb names case-sensitively, as Twilio does', () => {
    expect(refusal('<Response><say>hi</say></Response>').message).toContain('<say> is not a TwiML verb');
  });
});

describe('parseTwiml: templated mode (TwiML Bins)', () => {
  it('keeps typed attributes holding {{…}} as Templated, and strings and text verbatim', () => {
    const result = parseTwiml(
      '<Response><Dial timeout="{{Timeout}}" callerId="{{To}}" record="{{Rec}}" hangupOnStar="{{Star}}" method="{{M}}" ' +
        'recordingStatusCallbackEvent="{{Events}}"><Client>{{Who}}</Client></Dial><Pause length="1{{N}}"/></Response>',
      { templated: true },
    );
    expect(result).toStrictEqual({
      ok: true,
      response: {
        line: 1,
        verbs: [
          {
            verb: 'Dial',
            line: 1,
            nouns: [{ noun: 'Client', line: 1, identity: '{{Who}}', parameters: [] }],
            timeout: { templated: '{{Timeout}}' },
            callerId: '{{To}}',
            record: { templated: '{{Rec}}' },
            hangupOnStar: { templated: '{{Star}}' },
            method: { templated: '{{M}}' },
            recordingStatusCallbackEvent: { templated: '{{Events}}' },
          },
          { verb: 'Pause', line: 1, length: { templated: '1{{N}}' } },
        ],
      },
    });
    if (result.ok && result.response.verbs[0]?.verb === 'Dial') {
      expect(isTemplated(result.response.verbs[0].timeout)).toBe(true);
      expect(isTemplated(result.response.verbs[0].callerId)).toBe(false);
    }
  });

  it('skips the checks of validated strings and text that hold placeholders', () => {
    const result = parseTwiml(
      '<Response><Play digits="{{Digits}}"/><Dial><Sip>{{Uri}}</Sip></Dial><Enqueue workflowSid="WW1"><Task>{{Json}}</Task></Enqueue></Response>',
      { templated: true },
    );
    expect(result.ok).toBe(true);
  });

  it('still converts values without placeholders and still refuses schema errors', () => {
    const ok = parseTwiml('<Response><Dial timeout="{Timeout}">{{To}}</Dial></Response>', { templated: true });
    expect(ok.ok).toBe(false);
    expect(refusal('<Response><Dial timeout="soon">{{To}}</Dial></Response>', true).code).toBe(12200);
    expect(refusal('<Response><Dance>{{X}}</Dance></Response>', true).code).toBe(12200);
    expect(refusal('<Response><Dial foo="{{X}}">1</Dial></Response>', true).message).toContain('<Dial> has no attribute "foo"');
  });

  it('refuses placeholders in plain mode', () => {
    expect(refusal('<Response><Dial timeout="{{Timeout}}">1</Dial></Response>').message).toContain('must be a number, got "{{Timeout}}"');
  });

  it('types plain results without Templated and templated results with it', () => {
    expectTypeOf<DialVerb['timeout']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<DialVerb<'templated'>['timeout']>().toEqualTypeOf<number | { readonly templated: string } | undefined>();
    const plain = parseTwiml('<Response/>');
    if (plain.ok) expectTypeOf(plain.response).toEqualTypeOf<TwimlResponse>();
    const templated = parseTwiml('<Response/>', { templated: true });
    if (templated.ok) expectTypeOf(templated.response).toEqualTypeOf<TwimlResponse<'templated'>>();
  });
});
