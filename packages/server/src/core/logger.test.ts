import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('redacts secrets at the top level, one level down and in request headers', () => {
    const { stream, lines } = capture();
    const log = createLogger({ level: 'info' }, stream);
    log.info({ authToken: 'tok-1', secret: 'sec-1', token: 'jwt-1', password: 'pw-1' }, 'top');
    log.child({ mod: 'x' }).info({ account: { authToken: 'tok-2' }, key: { secret: 'sec-2' }, creds: { password: 'pw-2' } }, 'nested');
    log.info({ req: { headers: { authorization: 'Basic abc', 'x-twilio-signature': 'sig' } } }, 'req');
    log.info({ headers: { authorization: 'Basic def' } }, 'headers');
    const text = JSON.stringify(lines());
    for (const secret of ['tok-1', 'sec-1', 'jwt-1', 'pw-1', 'tok-2', 'sec-2', 'pw-2', 'Basic abc', 'sig"', 'Basic def']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
    expect(lines()[0]).toMatchObject({ svc: 'denwa', msg: 'top' });
  });

  it('honours the level', () => {
    const { stream, lines } = capture();
    const log = createLogger({ level: 'warn' }, stream);
    log.info('hidden');
    log.warn('shown');
    expect(lines().map((l) => l['msg'])).toEqual(['shown']);
  });
});
