import { describe, expect, it } from 'vitest';
import { VoiceError, allErrorDefinitions, errorDefinition } from '@denwa/protocol';
import { Device } from './device.ts';
import { TwilioError, TwilioErrors, toTwilioError } from './errors.ts';
import { FakeSocket } from './fakes.test-helper.ts';

describe('TwilioError', () => {
  it('carries the 2.x fields, Twilio\'s class name, and stays a VoiceError', () => {
    const e = new TwilioError(20104, 'expired at 12:00', new Error('jwt'));
    expect(e).toBeInstanceOf(VoiceError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('AccessTokenExpired');
    expect(e.code).toBe(20104);
    expect(e.description).toBe(errorDefinition(20104).message);
    expect(e.explanation).toBe(errorDefinition(20104).description);
    expect(e.message).toBe(`${errorDefinition(20104).message}: expired at 12:00`);
    expect((e.originalError as Error).message).toBe('jwt');
    expect(e.causes).toEqual([]);
    expect(e.solutions).toEqual([]);
  });

  it('has a class per code under Twilio\'s namespaces, each a TwilioError with its code', () => {
    const Expired = TwilioErrors['AuthorizationErrors']?.['AccessTokenExpired'];
    if (Expired === undefined) throw new Error('missing class');
    const e = new Expired('late');
    expect(e).toBeInstanceOf(TwilioError);
    expect(e.code).toBe(20104);
    expect(Object.keys(TwilioErrors).sort()).toEqual(['AuthorizationErrors', 'ClientErrors', 'GeneralErrors', 'MalformedRequestErrors', 'MediaErrors', 'SIPServerErrors', 'SignalingErrors', 'UserMediaErrors']);
    const classOf = (ns: string, name: string) => {
      const C = TwilioErrors[ns]?.[name];
      if (C === undefined) throw new Error(`missing ${ns}.${name}`);
      return C;
    };
    expect(new (classOf('SignalingErrors', 'ConnectionDisconnected'))().code).toBe(53001);
    expect(new (classOf('UserMediaErrors', 'PermissionDeniedError'))().code).toBe(31401);
    const catalog = new Set(allErrorDefinitions().map((d) => d.code));
    for (const ns of Object.values(TwilioErrors)) for (const C of Object.values(ns)) expect(catalog.has(new C().code)).toBe(true);
  });

  it('maps server error bodies, unknown codes to 31000', () => {
    expect(toTwilioError(31486, 'busy').name).toBe('BusyHere');
    expect(toTwilioError(99999, 'x').code).toBe(31000);
    expect(toTwilioError('20101', undefined).code).toBe(31000);
  });

  it('is what the Device emits for a server error', () => {
    const sockets: FakeSocket[] = [];
    const device = new Device('token', { chunderw: 'denwa.test', publishEvents: false, socketFactory: (url) => { const s = new FakeSocket(url); sockets.push(s); return s; } });
    const errors: unknown[] = [];
    device.on('error', (e) => errors.push(e));
    device.register().catch(() => undefined);
    sockets[0]?.open();
    sockets[0]?.receive('error', { error: { code: 20104, message: 'JWT token expired' } });
    expect(errors[0]).toBeInstanceOf(TwilioError);
    expect((errors[0] as TwilioError).name).toBe('AccessTokenExpired');
    device.destroy();
  });
});

describe('logLevel', () => {
  it('filters the SDK\'s console output by level', async () => {
    const { createSdkLogger } = await import('./log.ts');
    const lines: string[] = [];
    const sink = { debug: (m: string) => lines.push(`d ${m}`), info: (m: string) => lines.push(`i ${m}`), warn: (m: string) => lines.push(`w ${m}`), error: (m: string) => lines.push(`e ${m}`) };
    const warnOnly = createSdkLogger('warn', sink);
    warnOnly.debug('a');
    warnOnly.info('b');
    warnOnly.warn('c');
    warnOnly.error('d');
    createSdkLogger('silent', sink).error('x');
    createSdkLogger('debug', sink).debug('y');
    expect(lines).toEqual(['w [denwa] c', 'e [denwa] d', 'd [denwa] y']);
  });
});
