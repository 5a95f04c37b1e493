import { describe, expect, it } from 'vitest';
import { isVoiceError } from '../errors/index.ts';
import { DEFAULT_TWILIO_PARAMS_LIMITS, encodeTwilioParams, parseTwilioParams } from './index.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('parseTwilioParams', () => {
  it('decodes the SDK form of §4.2 and §4.4', () => {
    expect(parseTwilioParams('To=%2B15551234567&foo=bar%20baz')).toEqual({ To: '+15551234567', foo: 'bar baz' });
    expect(parseTwilioParams('ticket=42&note=hello%20world')).toEqual({ ticket: '42', note: 'hello world' });
  });

  it('reads + as a space and keeps %2B as a plus', () => {
    expect(parseTwilioParams('a=hello+world&b=%2B1')).toEqual({ a: 'hello world', b: '+1' });
  });

  it('decodes UTF-8 escapes, names included', () => {
    expect(parseTwilioParams('na%C3%AFve=%E6%97%A5%E6%9C%AC&emoji=%F0%9F%8C%8F')).toEqual({ naïve: '日本', emoji: '🌏' });
  });

  it('splits on the first = only, and reads a bare name as an empty value', () => {
    expect(parseTwilioParams('a=b=c&flag&e=')).toEqual({ a: 'b=c', flag: '', e: '' });
  });

  it('skips empty segments and empty names; the last repeated name wins', () => {
    expect(parseTwilioParams('&&a=1&&=x&a=2&')).toEqual({ a: '2' });
  });

  it('gives {} for "" and undefined', () => {
    expect(parseTwilioParams('')).toEqual({});
    expect(parseTwilioParams(undefined)).toEqual({});
  });

  it('keeps __proto__ an ordinary key', () => {
    const params = parseTwilioParams('__proto__=x&constructor=y');
    expect(Object.getPrototypeOf(params)).toBe(Object.prototype);
    expect(Object.keys(params)).toEqual(['__proto__', 'constructor']);
    expect(params['__proto__']).toBe('x');
  });

  it('refuses malformed percent-escapes with 31100', () => {
    for (const bad of ['a=%', 'a=%zz', 'a=%E6%97', '%C3=1']) {
      expect(isVoiceError(thrown(() => parseTwilioParams(bad)), 31100)).toBe(true);
    }
  });

  it('refuses a value over maxValueLength with 31103, without quoting it', () => {
    const limit = DEFAULT_TWILIO_PARAMS_LIMITS.maxValueLength;
    expect(parseTwilioParams(`a=${'v'.repeat(limit)}`)['a']).toHaveLength(limit);
    const err = thrown(() => parseTwilioParams(`big=${'v'.repeat(limit + 1)}`));
    expect(isVoiceError(err, 31103)).toBe(true);
    expect((err as Error).message).toBe(`Parameter length exceeded: parameter big longer than ${limit} characters`);
  });

  it('measures decoded lengths: escapes count once', () => {
    const limit = DEFAULT_TWILIO_PARAMS_LIMITS.maxValueLength;
    expect(parseTwilioParams(`a=${'%20'.repeat(limit)}`)['a']).toHaveLength(limit);
  });

  it('refuses long names, too many pairs and an over-long string with 31103', () => {
    const { maxNameLength, maxCount, maxEncodedLength } = DEFAULT_TWILIO_PARAMS_LIMITS;
    expect(isVoiceError(thrown(() => parseTwilioParams(`${'n'.repeat(maxNameLength + 1)}=1`)), 31103)).toBe(true);
    const many = Array.from({ length: maxCount + 1 }, (_, i) => `k${i}=1`).join('&');
    expect(isVoiceError(thrown(() => parseTwilioParams(many)), 31103)).toBe(true);
    expect(isVoiceError(thrown(() => parseTwilioParams('a'.repeat(maxEncodedLength + 1))), 31103)).toBe(true);
  });

  it('honours custom limits', () => {
    const limits = { maxEncodedLength: 100, maxCount: 2, maxNameLength: 3, maxValueLength: 4 };
    expect(parseTwilioParams('abc=1234&d=5', limits)).toEqual({ abc: '1234', d: '5' });
    expect(isVoiceError(thrown(() => parseTwilioParams('abc=12345', limits)), 31103)).toBe(true);
    expect(isVoiceError(thrown(() => parseTwilioParams('a=1&b=2&c=3', limits)), 31103)).toBe(true);
  });
});

describe('encodeTwilioParams', () => {
  it('encodes as the SDKs do (encodeURIComponent, %20 for space)', () => {
    expect(encodeTwilioParams({ To: '+15551234567', foo: 'bar baz' })).toBe('To=%2B15551234567&foo=bar%20baz');
    expect(encodeTwilioParams({ 'a&b': 'c=d', e: '日本' })).toBe('a%26b=c%3Dd&e=%E6%97%A5%E6%9C%AC');
    expect(encodeTwilioParams({})).toBe('');
  });

  it('accepts entries and Maps, in order, and repeated names', () => {
    expect(encodeTwilioParams([['b', '1'], ['a', '2'], ['b', '3']])).toBe('b=1&a=2&b=3');
    expect(encodeTwilioParams(new Map([['x', 'y z']]))).toBe('x=y%20z');
  });

  it('never throws on lone surrogates', () => {
    expect(encodeTwilioParams({ a: '\uD800', b: 'x\uDC00y', c: '🌏' })).toBe('a=%EF%BF%BD&b=x%EF%BF%BDy&c=%F0%9F%8C%8F');
  });

  it('round-trips through parseTwilioParams', () => {
    const params = { To: '+81 3-1234-5678', 'odd name': 'a&b=c+d%e', empty: '', uni: 'ﾃｽﾄ🌏' };
    expect(parseTwilioParams(encodeTwilioParams(params))).toEqual(params);
  });
});
