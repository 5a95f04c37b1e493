import { describe, expect, it } from 'vitest';
import { DEFAULT_CALL_MESSAGE_LIMITS, checkCallMessage, type JsonValue } from './index.ts';
import { utf8Length } from './call-message.ts';

const ok = { messagetype: 'user-defined-message', content: { hello: 'world' } };

describe('checkCallMessage', () => {
  it('accepts a user-defined-message within the size limit', () => {
    expect(checkCallMessage(ok)).toBeUndefined();
    expect(checkCallMessage({ ...ok, content: null })).toBeUndefined();
  });

  it('refuses another message type with 31210', () => {
    expect(checkCallMessage({ ...ok, messagetype: 'system' })?.code).toBe(31210);
    expect(checkCallMessage({ ...ok, messagetype: 'system' }, { ...DEFAULT_CALL_MESSAGE_LIMITS, messageTypes: ['system'] })).toBeUndefined();
  });

  it('measures JSON.stringify(content) in UTF-8 bytes; over the limit is 31212', () => {
    const max = DEFAULT_CALL_MESSAGE_LIMITS.maxContentBytes;
    expect(checkCallMessage({ ...ok, content: 'a'.repeat(max - 2) })).toBeUndefined(); // + 2 quotes
    expect(checkCallMessage({ ...ok, content: 'a'.repeat(max - 1) })?.code).toBe(31212);
    // 3 bytes per character in UTF-8, though well under the limit in UTF-16 units
    expect(checkCallMessage({ ...ok, content: 'あ'.repeat(Math.ceil(max / 3)) })?.code).toBe(31212);
  });

  it('treats content too deep to serialize as too large, without throwing', () => {
    let deep: JsonValue = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(checkCallMessage({ ...ok, content: deep }, { ...DEFAULT_CALL_MESSAGE_LIMITS, maxContentBytes: 1e9 })?.code).toBe(31212);
  });

  it('utf8Length counts code points correctly', () => {
    expect(utf8Length('')).toBe(0);
    expect(utf8Length('aé日🌏')).toBe(1 + 2 + 3 + 4);
    expect(utf8Length('\uD800x')).toBe(3 + 1); // a lone surrogate is encoded as U+FFFD
  });
});
