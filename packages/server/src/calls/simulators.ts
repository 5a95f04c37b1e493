/**
 * The phones of the virtual carrier (see `virtual-carrier.ts`): browser clients whose identity is
 * `sim_` and the digits of their E.164 number. Client identities allow only letters, digits and `_`,
 * so `+819000000001` registers as `sim_819000000001`.
 */
import type { AccountSid } from '@denwa/protocol';
import { compactNumber, isE164 } from './numbers.ts';
import type { ClientConnection, ClientDirectory } from './ports.ts';

/** What a simulator's client identity starts with. */
export const SIMULATOR_IDENTITY_PREFIX = 'sim_';

/** The client identity of the simulator for an E.164 number. */
export function simulatorIdentity(e164: string): string {
  if (!isE164(e164)) throw new TypeError(`not an E.164 number: ${e164}`);
  return `${SIMULATOR_IDENTITY_PREFIX}${e164.slice(1)}`;
}

/** The E.164 number of a simulator's identity, or null for any other identity. */
export function simulatorNumber(identity: string): string | null {
  if (!identity.startsWith(SIMULATOR_IDENTITY_PREFIX)) return null;
  const e164 = `+${identity.slice(SIMULATOR_IDENTITY_PREFIX.length)}`;
  return isE164(e164) ? e164 : null;
}

/** The registered connections of the simulator for `number` (E.164, separators allowed); empty for none. */
export function simulatorConnections(clients: ClientDirectory, accountSid: AccountSid, number: string): readonly ClientConnection[] {
  const e164 = compactNumber(number);
  return isE164(e164) ? clients.registered(accountSid, simulatorIdentity(e164)) : [];
}
