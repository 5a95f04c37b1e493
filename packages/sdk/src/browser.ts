/**
 * The entry of the single-file browser bundle (`denwa.min.js`): everything of `@denwa/sdk` under the
 * global `Denwa`, and `Twilio.Device` (2.x class with the 1.x static API) unless the page already has
 * a `Twilio` global.
 */
import { TwilioDevice } from './twilio-global.ts';
import { Connection } from './v1.ts';

export * from './index.ts';
export { TwilioDevice, Connection };

const scope = globalThis as { Twilio?: unknown };
scope.Twilio ??= { Device: TwilioDevice, Connection };
