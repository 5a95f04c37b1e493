/**
 * The two TwiML error constructors. Every message reads `line N: <reason>` and the details carry
 * `{ line, column }` (1-based; the column counts UTF-16 code units).
 */
import { VoiceError } from '@denwa/protocol';

/** 12100 DocumentParseFailure: not well-formed XML, an unsafe construct, a limit, or a root that is not `<Response>`. */
export function parseFailure(line: number, column: number, reason: string): VoiceError {
  return new VoiceError(12100, `line ${line}: ${reason}`, { details: { line, column } });
}

/** 12200 SchemaValidationWarning: well-formed XML that breaks the voice TwiML schema. */
export function schemaError(line: number, column: number, reason: string): VoiceError {
  return new VoiceError(12200, `line ${line}: ${reason}`, { details: { line, column } });
}

const MAX_QUOTED = 40;

/** Quotes a user value for an error message: JSON-escaped and cut to 40 characters. */
export function quote(value: string): string {
  return JSON.stringify(value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value);
}
