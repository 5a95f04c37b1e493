/**
 * Bad input: 3,000 seeded random and mutated SDP strings through parseOffer, buildAnswer and
 * parseAnswer. Nothing may throw; every result is a usable description or a 31400 VoiceError with a
 * reason; every answer built from an accepted offer parses back; no input is slow (ReDoS guard).
 */
import { VoiceError } from '@denwa/protocol';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@denwa/testkit';
import {
  CHROME_ANSWER,
  CHROME_OFFER,
  CHROME_PCMU_OFFER,
  CHROME_VIDEO_OFFER,
  FIREFOX_OFFER,
  LEGACY_1X_OFFER,
  LOCAL,
  OFFER_PARAMS,
} from './fixtures.test-helper.ts';
import {
  MAX_SDP_LENGTH,
  WEBRTC_PROTOCOLS,
  buildAnswer,
  buildOffer,
  parseAnswer,
  parseOffer,
  sdpRefusalReason,
  type BuiltAnswer,
  type ParsedOffer,
} from './index.ts';

const prng = seededRandom;

const random = prng(0x5d9_2026);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

const ANSWER_BASE = (buildAnswer(parseOffer(CHROME_VIDEO_OFFER) as ParsedOffer, LOCAL) as BuiltAnswer).sdp;
const SEEDS = [CHROME_OFFER, CHROME_PCMU_OFFER, CHROME_VIDEO_OFFER, LEGACY_1X_OFFER, FIREFOX_OFFER, CHROME_ANSWER, buildOffer(OFFER_PARAMS), ANSWER_BASE];
const ATTRIBUTES = [
  'rtpmap', 'fmtp', 'rtcp-fb', 'ssrc', 'ssrc-group', 'candidate', 'extmap', 'group', 'mid', 'msid', 'setup', 'fingerprint',
  'ice-ufrag', 'ice-pwd', 'ice-options', 'ice-lite', 'rtcp-mux', 'rtcp-rsize', 'sendrecv', 'inactive', 'end-of-candidates',
  'simulcast', 'imageattr', 'rid', 'mediaclk', 'crypto', 'rtcp',
];
const VALUES = [
  '', '0', '-1', '127', '128', '4294967295', '4294967296', '99999999999999999999', 'NaN', '1e3', '0x10', ' ', '*',
  'opus/48000/2', 'PCMU/8000', 'telephone-event/8000', 'sha-256', 'actpass', 'passive', 'holdconn', 'BUNDLE 0 1', 'a'.repeat(300),
  'é', '\u0000', '\u202e', '😀', '[x=1] [y=2', 'send 1;2', '1 1 udp 1 1.2.3.4 5 typ host', 'constructor', '__proto__', 'toString',
];
const CHARS = ' \t\r\n:=/;.-_*0123456789abcdefvmoscta\u0000\u00ff\u2028';

function noise(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += random() < 0.8 ? CHARS[int(CHARS.length)]! : String.fromCharCode(int(0x3000));
  return out;
}

function randomAttribute(): string {
  const name = pick(ATTRIBUTES);
  const parts = Array.from({ length: int(6) }, () => pick(VALUES));
  return parts.length === 0 ? `a=${name}` : `a=${name}:${parts.join(' ')}`;
}

function mutate(text: string): string {
  let lines = text.split('\r\n');
  const rounds = 1 + int(6);
  for (let r = 0; r < rounds; r++) {
    const at = int(lines.length + 1);
    switch (int(10)) {
      case 0:
        lines.splice(at, 1);
        break;
      case 1:
        lines.splice(at, 0, lines[int(lines.length)] ?? '');
        break;
      case 2: {
        const other = int(lines.length);
        [lines[at], lines[other]] = [lines[other] ?? '', lines[at] ?? ''];
        break;
      }
      case 3:
        lines.splice(at, 0, randomAttribute());
        break;
      case 4: {
        const line = lines[at] ?? '';
        const pos = int(line.length + 1);
        lines[at] = line.slice(0, pos) + noise(int(4)) + line.slice(pos + int(3));
        break;
      }
      case 5:
        lines[at] = (lines[at] ?? '').replace(/\d+/, pick(VALUES));
        break;
      case 6:
        lines = lines.slice(0, at);
        break;
      case 7: {
        const other = pick(SEEDS).split('\r\n');
        const from = int(other.length);
        lines.splice(at, 0, ...other.slice(from, from + int(8)));
        break;
      }
      case 8:
        lines[at] = (lines[at] ?? '').replace(/^[a-z]=/, `${'vomcta'[int(6)]!}=`);
        break;
      default:
        lines.splice(at, 0, `m=${pick(['audio', 'video', 'application', 'audio'])} ${pick(['9', '0', '70000', 'x'])} ${pick(WEBRTC_PROTOCOLS)} ${pick(VALUES)}`);
    }
  }
  return lines.join(pick(['\r\n', '\n', '\r', '\r\n']));
}

function hostile(): string {
  const line = pick(['a=simulcast:send ', 'a=imageattr:97 send [', 'a=candidate:', 'a=rtpmap:', 'a=fmtp:111 ', 'a=ssrc:1 cname:', 'm=audio 9 ']);
  const unit = pick(['send', '[x', ' ', '0 ', 'a;', '1/']);
  const length = int(MAX_SDP_LENGTH + 8192);
  return `${CHROME_OFFER}${line}${unit.repeat(Math.ceil(length / unit.length))}!\r\n`;
}

function input(i: number): string {
  if (i < 300) return noise(int(2000));
  if (i < 600) return `v=0\r\n${Array.from({ length: int(40) }, () => (random() < 0.5 ? randomAttribute() : `${'vomcta'[int(6)]!}=${noise(int(30))}`)).join('\r\n')}`;
  if (i < 2850) return mutate(pick(SEEDS));
  return hostile();
}

function expectRefusal(result: unknown): void {
  expect(result).toBeInstanceOf(VoiceError);
  expect((result as VoiceError).code).toBe(31400);
  expect(typeof sdpRefusalReason(result)).toBe('string');
}

function checkOffer(offer: ParsedOffer): void {
  const line = offer.media[offer.audioIndex];
  expect(line?.type).toBe('audio');
  expect(line?.port).not.toBe(0);
  expect(WEBRTC_PROTOCOLS).toContain(offer.protocol);
  expect(offer.ice.ufrag).toMatch(/^[A-Za-z0-9+/]{4,256}$/);
  expect(offer.ice.pwd).toMatch(/^[A-Za-z0-9+/]{22,256}$/);
  expect(offer.fingerprint.algorithm).toBe('sha-256');
  expect(offer.fingerprint.value).toHaveLength(95);
  expect(offer.codecs.some((c) => c.name !== 'telephone-event')).toBe(true);
  expect(new Set(offer.codecs.map((c) => c.pt)).size).toBe(offer.codecs.length);
}

describe('fuzz: 3,000 random and mutated SDPs', () => {
  it('never throws, always yields a result or a 31400 refusal, and stays fast', () => {
    let accepted = 0;
    let answered = 0;
    let slowest = 0;
    for (let i = 0; i < 3000; i++) {
      const text = input(i);
      const started = performance.now();
      const offer = parseOffer(text);
      const negotiated = parseAnswer(text, OFFER_PARAMS);
      slowest = Math.max(slowest, performance.now() - started);

      if (offer instanceof VoiceError) expectRefusal(offer);
      else {
        accepted++;
        checkOffer(offer);
        const answer = buildAnswer(offer, LOCAL);
        if (answer instanceof VoiceError) expect(['no-common-codec', 'bad-setup']).toContain(sdpRefusalReason(answer));
        else {
          answered++;
          const back = parseOffer(answer.sdp);
          if (back instanceof VoiceError) throw new Error(`answer to input ${i} does not parse: ${back.message}\n${answer.sdp}`);
          expect(back.media).toHaveLength(offer.media.length);
          expect(back.codecs[0]?.pt).toBe(answer.negotiated.primary.pt);
          expect(offer.codecs.map((c) => c.pt)).toContain(answer.negotiated.primary.pt);
        }
      }

      if (negotiated instanceof VoiceError) expectRefusal(negotiated);
      else expect([111, 0, 8]).toContain(negotiated.primary.pt);
    }
    expect(accepted).toBeGreaterThan(300);
    expect(answered).toBeGreaterThan(300);
    expect(slowest).toBeLessThan(250);
  });
});
