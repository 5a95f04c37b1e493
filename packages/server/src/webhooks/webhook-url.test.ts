import { VoiceError } from '@denwa/protocol';
import { describe, expect, it } from 'vitest';
import { readCapped, mediaType } from './response-body.ts';
import { logUrl, parseWebhookUrl, wireTarget, withQueryParams } from './webhook-url.ts';

function parsed(raw: string, base?: URL): URL {
  const url = parseWebhookUrl(raw, base);
  if (url instanceof VoiceError) throw url;
  return url;
}

describe('webhook URLs', () => {
  it('accepts absolute http(s) URLs and relative redirect targets', () => {
    expect(parsed('https://app.example/voice').href).toBe('https://app.example/voice');
    expect(parsed('../b?x=1', parsed('http://h/a/c')).href).toBe('http://h/b?x=1');
    for (const bad of ['', 'voice', '/voice', 'ws://h/', 'file:///etc/passwd', 'javascript:alert(1)']) {
      const result = parseWebhookUrl(bad);
      expect(result instanceof VoiceError && result.code).toBe(11100);
    }
  });

  it('appends GET parameters after the existing query, form-encoded, keeping its spelling', () => {
    const url = withQueryParams(parsed('https://h/v?a=%20b&flag#frag'), { To: '+1 555', Empty: '' });
    expect(url.search).toBe('?a=%20b&flag&To=%2B1+555&Empty=');
    expect(withQueryParams(parsed('https://h/v'), {}).href).toBe('https://h/v');
  });

  it('moves credentials into a Basic header; the wire URL has neither them nor the fragment', () => {
    expect(wireTarget(parsed('https://u:p%40ss@h:8443/v?q=1#f'))).toEqual({
      href: 'https://h:8443/v?q=1',
      authorization: `Basic ${Buffer.from('u:p@ss').toString('base64')}`,
    });
    expect(wireTarget(parsed('https://h/v'))).toEqual({ href: 'https://h/v', authorization: null });
  });

  it('logs origin and path only', () => {
    expect(logUrl(parsed('https://u:p@h/v?CallSid=CA1'))).toBe('https://h/v');
  });
});

describe('response bodies', () => {
  function stream(chunks: readonly string[]): ReadableStream<Uint8Array> {
    const queue = chunks.map((c) => new TextEncoder().encode(c));
    return new ReadableStream({
      pull(controller) {
        const next = queue.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
    });
  }

  it('reads up to the cap and reports more', async () => {
    expect(await readCapped(stream(['ab', 'cd']), 4)).toEqual({ bytes: new TextEncoder().encode('abcd'), exceeded: false });
    expect(await readCapped(stream(['ab', 'cd', 'e']), 4)).toEqual({ bytes: new TextEncoder().encode('abcd'), exceeded: true });
    expect(await readCapped(null, 4)).toEqual({ bytes: new Uint8Array(0), exceeded: false });
  });

  it('extracts the media type', () => {
    expect(mediaType('Text/XML; charset=utf-8')).toBe('text/xml');
    expect(mediaType('')).toBeNull();
    expect(mediaType(null)).toBeNull();
  });
});
