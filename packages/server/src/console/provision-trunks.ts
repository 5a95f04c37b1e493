/**
 * Applies the trunks file at start: each trunk (matched by name) is created or updated, and each of its
 * numbers (matched by number) created or pointed at it with the file's URLs. What the file does not
 * name is left alone, so trunks and numbers made with the REST API stay.
 */
import type { AccountSid } from '@denwa/protocol';
import type { TrunkFileEntry } from '../config/index.ts';
import type { Clock, IdGenerator } from '../core/index.ts';
import type { SipTrunkRecord, Store } from '../store/ports.ts';

/** What a start changed, for the log. */
export interface TrunkSyncReport {
  readonly trunks: number;
  readonly numbers: number;
}

async function trunkNamed(store: Store, accountSid: AccountSid, name: string): Promise<SipTrunkRecord | null> {
  return (await store.sipTrunks.listAll()).find((t) => t.accountSid === accountSid && t.friendlyName === name) ?? null;
}

export async function syncTrunksFile(store: Store, accountSid: AccountSid, entries: readonly TrunkFileEntry[], ids: IdGenerator, clock: Clock): Promise<TrunkSyncReport> {
  let numbers = 0;
  for (const e of entries) {
    const now = clock.now();
    const fields = {
      friendlyName: e.name, host: e.host.toLowerCase(), outboundProxy: e.outboundProxy ?? null, transport: e.transport,
      username: e.username ?? null, password: e.password ?? null, register: e.register, registerExpires: e.registerExpires,
      codecs: e.codecs.map((c) => (c.toLowerCase() === 'opus' ? 'opus' : c.toUpperCase())), countryCode: e.countryCode, numberFormat: e.numberFormat,
      allowedSources: e.allowedSources, srtp: e.srtp, allowedCountries: e.allowedCountries,
    };
    const existing = await trunkNamed(store, accountSid, e.name);
    let trunk: SipTrunkRecord;
    if (existing === null) {
      trunk = { sid: ids.sid('trunk'), accountSid, ...fields, dateCreated: now, dateUpdated: now };
      await store.sipTrunks.insert(trunk);
    } else {
      trunk = (await store.sipTrunks.update(accountSid, existing.sid, { ...fields, dateUpdated: now })) ?? existing;
    }
    for (const n of e.numbers) {
      const known = await store.phoneNumbers.getByNumber(n.phoneNumber);
      const patch = {
        voiceUrl: n.voiceUrl ?? null, voiceMethod: n.voiceMethod, voiceFallbackUrl: n.voiceFallbackUrl ?? null,
        statusCallback: n.statusCallback ?? null, trunkSid: trunk.sid,
      };
      if (known === null) {
        await store.phoneNumbers.insert({
          sid: ids.sid('phoneNumber'), accountSid, phoneNumber: n.phoneNumber, friendlyName: n.friendlyName ?? n.phoneNumber, ...patch,
          voiceFallbackMethod: 'POST', voiceApplicationSid: null, statusCallbackMethod: 'POST', virtual: false, dateCreated: now, dateUpdated: now,
        });
      } else if (known.accountSid === accountSid) {
        await store.phoneNumbers.update(accountSid, known.sid, { ...patch, ...(n.friendlyName === undefined ? {} : { friendlyName: n.friendlyName }), dateUpdated: now });
      } else {
        continue;
      }
      numbers++;
    }
  }
  return { trunks: entries.length, numbers };
}
