import { defineErrors } from '../definition.ts';

/** Call recording errors: `<Dial record>`, `Calls/{Sid}/Recordings` and the Recordings resource. */
export const RECORDING_ERRORS = defineErrors([
  {
    code: 16102,
    name: 'RecordingSilent',
    kind: 'not-found',
    httpStatus: 404,
    message: 'Voice Recording: unavailable because the recording is silent',
    description:
      'Nothing but silence was recorded (or trim="trim-silence" cut everything): the recording is `absent`, has no media, and its callback carries this code.',
  },
  {
    code: 16114,
    name: 'RecordingActionNotAccepted',
    kind: 'conflict',
    httpStatus: 409,
    message: 'Voice Recording: the resource is not in a state to accept the recording action',
    description:
      'The recording could not be started (its spool file cannot be created), or a pause, resume or stop asked for a recording that is not in a state for it.',
  },
] as const);
