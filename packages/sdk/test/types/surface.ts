// Compile-only check of the public surface (run by `npm run typecheck`).
import { VoiceError, errorDefinition, isVoiceError, version, type ErrorCode } from '../../src/index.ts';

const code: ErrorCode = 31204;
const err: VoiceError = new VoiceError(code);
const same: boolean = isVoiceError(err, 31204);
const v: string = version;
const name: string = errorDefinition(31205).name;
export const surface = [same, v, name] as const;
