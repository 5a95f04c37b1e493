/**
 * Robustness of the server's trust boundary: 5,000 seeded random and mutated frames never make
 * decodeClientFrame throw, and each ends in a message, a heartbeat, or a 31100/31101 VoiceError.
 */
import { describe, expect, it } from 'vitest';
import { isVoiceError } from '../errors/index.ts';
import { decodeClientFrame } from './index.ts';
import { CALL_SID, CLIENT_FRAMES, EVENT_SID, TEMP_SID } from './fixtures.test-helper.ts';

/** mulberry32: a small seeded PRNG, so every run produces the same frames. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS: readonly string[] = Object.values(CLIENT_FRAMES);

/** Splices: JSON syntax, type names, edge values and ids. */
const FRAGMENTS = [
  '{', '}', '[', ']', ',', ':', '"', '\\', '\\u0000', '\\ud800', 'null', 'true', '1e999', '-0', '0.5', '""',
  '"type"', '"payload"', '"version"', '"callsid"', '"sdp"', '"reconnect"', '"twilio"', '"params"', '"__proto__"',
  '"listen"', '"invite"', '"message"', '"cancel"', '"close"', '"hangup"', '"dtmf"', '"w#"', `"${CALL_SID}"`,
  `"${TEMP_SID}"`, `"${EVENT_SID}"`, '{}', '[]', '\n', ' ', '\u2028', '日本', '🌏', '{"a":{"b":{"c":[]}}}',
];

/** Replacement values for a whole field of a parsed frame. */
const VALUES: readonly unknown[] = [
  null, true, false, 0, -1, 1.5, 1e308, '', 'x', '1.6', 'listen', CALL_SID, [], [1], {}, { audio: true },
  { params: 1 }, 'a'.repeat(70),
];

function mutateText(text: string, random: () => number): string {
  const pick = (n: number): number => Math.floor(random() * n);
  let out = text;
  const rounds = 1 + pick(4);
  for (let i = 0; i < rounds; i++) {
    const at = pick(out.length + 1);
    switch (pick(5)) {
      case 0:
        out = out.slice(0, at) + out.slice(Math.min(out.length, at + 1 + pick(12)));
        break;
      case 1:
        out = out.slice(0, at) + (FRAGMENTS[pick(FRAGMENTS.length)] ?? '') + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + String.fromCharCode(pick(0x10000)) + out.slice(at + 1);
        break;
      case 3:
        out = out.slice(0, at) + out.slice(at, at + 1 + pick(40)) + out.slice(at);
        break;
      default:
        out = out.slice(0, at);
    }
  }
  return out;
}

/** Structural mutation: parse a seed, replace/delete one field at the top or payload level. */
function mutateFields(text: string, random: () => number): string {
  const pick = (n: number): number => Math.floor(random() * n);
  const frame = JSON.parse(text) as Record<string, unknown>;
  const payload = frame['payload'] as Record<string, unknown>;
  const target = random() < 0.3 ? frame : payload;
  const keys = Object.keys(target);
  const key = random() < 0.2 ? `extra${pick(3)}` : (keys[pick(keys.length)] ?? 'type');
  if (random() < 0.25) Reflect.deleteProperty(target, key);
  else target[key] = VALUES[pick(VALUES.length)];
  return JSON.stringify(frame);
}

function randomFrame(random: () => number): string {
  const pick = (n: number): number => Math.floor(random() * n);
  const seed = SEEDS[pick(SEEDS.length)] ?? '{}';
  const r = random();
  if (r < 0.4) return mutateText(seed, random);
  if (r < 0.8) return mutateFields(seed, random);
  if (r < 0.9) return seed;
  // pure noise of random length
  let out = '';
  const length = pick(200);
  for (let i = 0; i < length; i++) out += String.fromCharCode(pick(0x80) + (random() < 0.1 ? pick(0xff00) : 0));
  return out;
}

describe('decodeClientFrame fuzz', () => {
  it('5,000 random and mutated frames never throw and end in a message or a 31100/31101', () => {
    const random = prng(0x5eed_d3a0);
    const outcomes = { message: 0, heartbeat: 0, 31100: 0, 31101: 0 };
    for (let i = 0; i < 5_000; i++) {
      const text = randomFrame(random);
      const result = decodeClientFrame(text);
      switch (result.kind) {
        case 'message':
        case 'heartbeat':
          outcomes[result.kind]++;
          break;
        case 'error': {
          const { error } = result;
          expect(isVoiceError(error)).toBe(true);
          if (error.code !== 31100 && error.code !== 31101) throw new Error(`unexpected ${String(error)} for ${text}`);
          outcomes[error.code]++;
          break;
        }
      }
    }
    expect(outcomes.message).toBeGreaterThan(500);
    expect(outcomes[31100]).toBeGreaterThan(500);
    expect(outcomes[31101]).toBeGreaterThan(0);
  });
});
