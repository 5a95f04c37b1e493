import { describe, expect, it } from 'vitest';
import { fetchFailure } from './fetch-error.ts';

/** An error shaped like Node's system and undici errors. */
function sysError(code: string, message = code, name = 'Error'): Error {
  const err = new Error(message);
  err.name = name;
  Object.assign(err, { code });
  return err;
}

/** undici's outer error: `TypeError('fetch failed')` with the real failure as `cause`. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

describe('fetchFailure', () => {
  it.each([
    ['ENOTFOUND', 11210],
    ['EAI_AGAIN', 11210],
    ['ECONNREFUSED', 11205],
    ['ECONNRESET', 11205],
    ['UND_ERR_SOCKET', 11205],
    ['UND_ERR_CONNECT_TIMEOUT', 11205],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 11220],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 11220],
    ['CERT_HAS_EXPIRED', 11220],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 11220],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 11220],
    ['HPE_INVALID_CONSTANT', 11206],
    ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 11206],
  ] as const)('maps cause code %s to %i', (code, expected) => {
    const error = fetchFailure(fetchFailed(sysError(code)), 1000);
    expect(error.code).toBe(expected);
    expect(error.message).toContain(code);
  });

  it('finds the code inside an AggregateError of per-address attempts', () => {
    const aggregate = Object.assign(new AggregateError([sysError('ECONNREFUSED'), sysError('ECONNREFUSED')], ''), {});
    expect(fetchFailure(fetchFailed(aggregate), 1000).code).toBe(11205);
  });

  it('maps the deadline (TimeoutError) to 11205 with the timeout in the message', () => {
    const error = fetchFailure(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 15000);
    expect(error.code).toBe(11205);
    expect(error.message).toBe('HTTP connection failure: no answer within 15000 ms');
  });

  it('maps undici HTTPParserError (no code) to 11206 and "socket hang up" to 11205', () => {
    expect(fetchFailure(fetchFailed(sysError('', 'Response does not match', 'HTTPParserError')), 1).code).toBe(11206);
    expect(fetchFailure(fetchFailed(new Error('socket hang up')), 1).code).toBe(11205);
  });

  it('maps a port fetch refuses ("bad port") to 11100', () => {
    expect(fetchFailure(fetchFailed(new Error('bad port')), 1).code).toBe(11100);
  });

  it('falls back to 11205 for anything unrecognized, including cycles and non-errors', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(fetchFailure(fetchFailed(a), 1).code).toBe(11205);
    expect(fetchFailure('weird', 1).code).toBe(11205);
    expect(fetchFailure(null, 1).code).toBe(11205);
  });

  it('keeps the original error as cause', () => {
    const original = fetchFailed(sysError('ENOTFOUND'));
    expect(fetchFailure(original, 1).cause).toBe(original);
  });
});
