/** Maps every error at the HTTP edge to Twilio's error JSON `{code, message, more_info, status}`. */
import type { FastifyError, FastifyInstance } from 'fastify';
import { VoiceError, isVoiceError } from '@denwa/protocol';
import { WWW_AUTHENTICATE } from './auth.ts';

interface ErrorBody {
  readonly code: number;
  readonly message: string;
  readonly more_info: string;
  readonly status: number;
}

function isFastifyError(err: unknown): err is FastifyError {
  return err instanceof Error && typeof (err as Partial<FastifyError>).statusCode === 'number';
}

/** The body and HTTP status for any thrown value. */
export function errorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (isVoiceError(err)) {
    const status = err.httpStatus >= 400 && err.httpStatus <= 599 ? err.httpStatus : 400;
    return { status, body: { ...err.toJSON(), status } };
  }
  if (isFastifyError(err) && err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    // Malformed bodies, wrong content types, oversized payloads: the client's fault.
    const v = new VoiceError(20001, err.message);
    return { status: err.statusCode, body: { ...v.toJSON(), status: err.statusCode } };
  }
  const v = new VoiceError(20500);
  return { status: 500, body: v.toJSON() };
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const { status, body } = errorResponse(err);
    if (status >= 500) request.log.error({ err }, 'request failed');
    else request.log.debug({ code: body.code, status }, 'request refused');
    if (body.code === 20003) void reply.header('WWW-Authenticate', WWW_AUTHENTICATE);
    return reply.code(status).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const v = new VoiceError(20404, `${request.method} ${request.url.split('?')[0] ?? ''}`);
    return reply.code(404).type('application/json; charset=utf-8').send(v.toJSON());
  });
}
