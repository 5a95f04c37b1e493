import { describe, expect, it } from 'vitest';
import { signalingUris } from './uris.ts';

describe('signalingUris', () => {
  it.each([
    [{ chunderw: 'h:8443' }, ['wss://h:8443/signal']],
    [{ chunderw: ['a:443', 'b:443'] }, ['wss://a:443/signal', 'wss://b:443/signal']],
    [{ chunderw: 'h:8443/tenant-a' }, ['wss://h:8443/tenant-a/signal']],
    [{ chunderw: 'ws://127.0.0.1:3000/signal' }, ['ws://127.0.0.1:3000/signal']],
    [{ edge: 'ashburn' }, ['wss://voice-js.ashburn.twilio.com/signal']],
    [{ edge: ['ashburn', 'dublin'], chunderw: [] }, ['wss://voice-js.ashburn.twilio.com/signal', 'wss://voice-js.dublin.twilio.com/signal']],
    [{}, ['wss://voice-js.roaming.twilio.com/signal']], // no page (Node): Twilio's default
  ])('%j → %j', (options, uris) => {
    expect(signalingUris(options)).toEqual(uris);
  });
});
