import { createHmac } from 'node:crypto';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import {
  signatureUrlVariants,
  signedString,
  twilioSignature,
  validateTwilioSignature,
  type SignedParams,
} from './signature.ts';

const TOKEN = '0123456789abcdef0123456789abcdef';

const VOICE_PARAMS: SignedParams = Object.freeze({
  CallSid: 'CA1',
  From: 'client:alice',
  To: '+1555',
});

describe('twilioSignature', () => {
  it('signs the documented vector: URL followed by sorted name+value pairs', () => {
    const url = 'https://app.example/voice';
    const expectedString = 'https://app.example/voiceCallSidCA1Fromclient:aliceTo+1555';
    expect(signedString(url, VOICE_PARAMS)).toBe(expectedString);
    const expected = createHmac('sha1', TOKEN).update(expectedString, 'utf8').digest('base64');
    expect(twilioSignature(TOKEN, url, VOICE_PARAMS)).toBe(expected);
    expect(twilio.getExpectedTwilioSignature(TOKEN, url, { ...VOICE_PARAMS })).toBe(expected);
  });

  it('POST with repeated names, unicode and empty values: twilio.validateRequest accepts it', () => {
    const url = 'https://app.example/voice?tenant=a%20b';
    const params: SignedParams = {
      To: '',
      From: 'client:山田',
      Digits: ['9', '1', '5'],
      Emoji: '☎️ 🎧',
      Empty: '',
      CallSid: 'CA0123456789abcdef0123456789abcdef',
    };
    const signature = twilioSignature(TOKEN, url, params);
    expect(twilio.validateRequest(TOKEN, signature, url, { ...params, Digits: ['9', '1', '5'] })).toBe(true);
    expect(signedString(url, params)).toBe(
      `${url}CallSidCA0123456789abcdef0123456789abcdefDigits1Digits5Digits9Emoji☎️ 🎧EmptyFromclient:山田To`,
    );
  });

  it('signs each distinct value of a repeated name once, like the official validator', () => {
    const url = 'https://app.example/cb';
    const signature = twilioSignature(TOKEN, url, { A: ['2', '1', '2'] });
    expect(signedString(url, { A: ['2', '1', '2'] })).toBe(`${url}A1A2`);
    expect(twilio.validateRequest(TOKEN, signature, url, { A: ['2', '1', '2'] })).toBe(true);
  });

  it('GET signs the URL with its query alone (params null)', () => {
    const url = 'https://app.example/voice?CallSid=CA1&From=client%3Aalice&To=%2B1555&x=';
    const signature = twilioSignature(TOKEN, url, null);
    expect(signedString(url, null)).toBe(url);
    expect(twilio.validateRequest(TOKEN, signature, url, {})).toBe(true);
    expect(twilioSignature(TOKEN, url, {})).toBe(signature);
  });

  it('sorts names by UTF-8 bytes, not UTF-16 code units', () => {
    // U+FF5E is EF BD 9E in UTF-8, U+1F600 is F0 9F 98 80: byte order puts U+FF5E first, while
    // UTF-16 order (a surrogate 0xD83D) would put the emoji first.
    expect(signedString('u', { '\u{1F600}': '1', '\u{FF5E}': '2', B: '3', a: '4' })).toBe(
      'uB3a4\u{FF5E}2\u{1F600}1',
    );
  });
});

describe('validateTwilioSignature', () => {
  const url = 'https://app.example/voice';

  it('accepts the official helper signature', () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, url, { ...VOICE_PARAMS });
    expect(validateTwilioSignature(TOKEN, signature, url, VOICE_PARAMS)).toBe(true);
  });

  it('accepts a URL with or without the explicit default port, either way round', () => {
    const withoutPort = twilioSignature(TOKEN, url, VOICE_PARAMS);
    const withPort = twilioSignature(TOKEN, 'https://app.example:443/voice', VOICE_PARAMS);
    expect(validateTwilioSignature(TOKEN, withoutPort, 'https://app.example:443/voice', VOICE_PARAMS)).toBe(true);
    expect(validateTwilioSignature(TOKEN, withPort, url, VOICE_PARAMS)).toBe(true);
    const http = twilioSignature(TOKEN, 'http://app.example/voice', null);
    expect(validateTwilioSignature(TOKEN, http, 'http://app.example:80/voice', null)).toBe(true);
  });

  it('never drops or adds a non-default port', () => {
    const signature = twilioSignature(TOKEN, url, VOICE_PARAMS);
    expect(validateTwilioSignature(TOKEN, signature, 'https://app.example:8443/voice', VOICE_PARAMS)).toBe(false);
    expect(validateTwilioSignature(TOKEN, signature, 'https://app.example:80/voice', VOICE_PARAMS)).toBe(false);
  });

  it('rejects a tampered parameter, another URL, another token and an empty signature', () => {
    const signature = twilioSignature(TOKEN, url, VOICE_PARAMS);
    expect(validateTwilioSignature(TOKEN, signature, url, { ...VOICE_PARAMS, To: '+1556' })).toBe(false);
    expect(validateTwilioSignature(TOKEN, signature, url, { ...VOICE_PARAMS, Extra: '' })).toBe(false);
    expect(validateTwilioSignature(TOKEN, signature, `${url}?x=1`, VOICE_PARAMS)).toBe(false);
    expect(validateTwilioSignature('f'.repeat(32), signature, url, VOICE_PARAMS)).toBe(false);
    expect(validateTwilioSignature(TOKEN, '', url, VOICE_PARAMS)).toBe(false);
    expect(validateTwilioSignature(TOKEN, `${signature}=`, url, VOICE_PARAMS)).toBe(false);
  });
});

describe('signatureUrlVariants', () => {
  it('adds or removes only the default port, keeping user info, IPv6 hosts and the rest verbatim', () => {
    expect(signatureUrlVariants('https://h/p?q=1')).toEqual(['https://h/p?q=1', 'https://h:443/p?q=1']);
    expect(signatureUrlVariants('HTTP://u:p@h:80')).toEqual(['HTTP://u:p@h:80', 'HTTP://u:p@h']);
    expect(signatureUrlVariants('https://[::1]:443/x')).toEqual(['https://[::1]:443/x', 'https://[::1]/x']);
    expect(signatureUrlVariants('https://[::1]/x')).toEqual(['https://[::1]/x', 'https://[::1]:443/x']);
    expect(signatureUrlVariants('https://h:8443/x')).toEqual(['https://h:8443/x']);
    expect(signatureUrlVariants('not a url')).toEqual(['not a url']);
    expect(signatureUrlVariants('ftp://h/x')).toEqual(['ftp://h/x']);
  });
});
