/**
 * Fuzz-style robustness: seeded random mutations of valid documents never throw and always end in
 * a value or a 12100/12200 error.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@denwa/testkit';
import { parseTwiml } from './index.ts';

const prng = seededRandom;

const SEEDS = [
  '<?xml version="1.0" encoding="UTF-8"?><Response><Dial callerId="+815012345678" record="record-from-answer-dual"><Client>twilio_user</Client></Dial></Response>',
  '<Response>\n  <Gather input="dtmf speech" timeout="5" numDigits="1" action="/g">\n    <Say language="ja-JP">番号を &amp; どうぞ</Say>\n    <Pause length="1"/>\n  </Gather>\n  <Redirect method="GET">/again</Redirect>\n</Response>',
  '<Response><Dial><Client><Identity>bob</Identity><Parameter name="a" value="&#x41;"/></Client><Number sendDigits="ww1" statusCallbackEvent="initiated completed">+1555</Number><Sip username="u" password="p">sip:a@b</Sip></Dial></Response>',
  '<Response><Dial><Conference beep="onEnter" maxParticipants="3" statusCallbackEvent="start end">room</Conference></Dial><Enqueue workflowSid="WW1"><Task priority="2">{"a":1}</Task></Enqueue><Leave/></Response>',
  '<Response><!-- c --><Record maxLength="30" playBeep="true" trim="do-not-trim"/><Play loop="2">https://x/y.wav</Play><Reject reason="busy"/><Hangup/><![CDATA[]]></Response>',
];

/** Fragments a mutation may splice in: markup, entity and XML edge cases, and TwiML words. */
const FRAGMENTS = [
  '<', '>', '/>', '</', '&', '&amp;', '&#0;', '&#x1F600;', '&bogus;', '"', "'", '=', ' ', '\n', '\r\n', '\u0000',
  '\uD800', '<!--', '-->', '<![CDATA[', ']]>', '<?xml version="1.0"?>', '<!DOCTYPE x>', '<!ENTITY a "b">',
  '<Dial>', '</Dial>', '<Say>', '</Say>', '<Client>', '<Gather>', '<Number/>', '<Parameter/>', ' timeout="x"',
  ' loop="9999999999"', ' method="put"', ' foo="1"', '{{From}}', 'あ', '🌏', '<a><a><a><a>', 'true', 'auto',
];

function mutate(doc: string, random: () => number): string {
  const pick = (n: number): number => Math.floor(random() * n);
  let out = doc;
  const rounds = 1 + pick(4);
  for (let i = 0; i < rounds; i++) {
    const at = pick(out.length + 1);
    switch (pick(5)) {
      case 0: // delete a span
        out = out.slice(0, at) + out.slice(Math.min(out.length, at + 1 + pick(8)));
        break;
      case 1: // insert a fragment
        out = out.slice(0, at) + (FRAGMENTS[pick(FRAGMENTS.length)] ?? '') + out.slice(at);
        break;
      case 2: // replace one character with a random code unit
        out = out.slice(0, at) + String.fromCharCode(pick(0x10000)) + out.slice(at + 1);
        break;
      case 3: // duplicate a span
        out = out.slice(0, at) + out.slice(at, at + 1 + pick(40)) + out.slice(at);
        break;
      default: // truncate
        out = out.slice(0, at);
    }
  }
  return out;
}

describe('fuzz: mutated documents', () => {
  it('2,000 seeded mutations never throw and end in ok, 12100 or 12200', () => {
    const random = prng(0x7e1e);
    const outcomes = { ok: 0, 12100: 0, 12200: 0 };
    for (let i = 0; i < 2000; i++) {
      const doc = mutate(SEEDS[i % SEEDS.length] ?? '', random);
      for (const templated of [false, true]) {
        const result = parseTwiml(doc, { templated });
        if (result.ok) {
          outcomes.ok++;
          continue;
        }
        expect([12100, 12200], doc).toContain(result.error.code);
        expect(result.error.message, doc).toMatch(/: line \d+: /);
        if (result.error.code === 12100) outcomes[12100]++;
        else outcomes[12200]++;
      }
    }
    // Each outcome is reached, so the mutations exercise both layers.
    expect(outcomes.ok).toBeGreaterThan(0);
    expect(outcomes[12100]).toBeGreaterThan(0);
    expect(outcomes[12200]).toBeGreaterThan(0);
  });
});
