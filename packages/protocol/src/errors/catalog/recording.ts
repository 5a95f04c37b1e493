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
    code: 16108,
    name: 'RecordingConcurrentRecordings',
    kind: 'conflict',
    httpStatus: 409,
    message: 'Voice Recording: request failed due to concurrent recordings',
    description:
      'An update addressed `Twilio.CURRENT` while the call has more than one active recording: name the recording by its SID instead.',
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
  {
    code: 20009,
    name: 'DeleteBeforeComplete',
    kind: 'conflict',
    httpStatus: 409,
    message: 'Cannot delete this resource before it is complete',
    description:
      'A recording that is still `in-progress`, `paused` or `processing` cannot be deleted: stop it (`Status=stopped`) and delete it once it is `completed`, `absent` or `failed`.',
  },
] as const);
