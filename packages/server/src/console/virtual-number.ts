/**
 * The hands-on guide's incoming-call setup, made on first start so that it works without a carrier:
 * a TwiML Bin that dials `twilio_user` with dual-channel recording, and the virtual number
 * `+815000000000` (served by the virtual carrier: the console's `/simulator/` calls it) whose voice
 * URL is that bin.
 *
 * The rule: the number and the bin are made when the account has no phone number at all (the first
 * start of a data dir, or after every number was deleted). An account with any number is left as it
 * is: a deleted virtual number stays deleted while other numbers exist. On every start, a virtual
 * number still pointing at a Denwa bin follows the public URL (its host or port may have changed).
 */
import { isSid, type AccountSid } from '@denwa/protocol';
import type { Clock, IdGenerator } from '../core/index.ts';
import type { PhoneNumberRecord, Store, TwimlBinRecord } from '../store/ports.ts';

export const VIRTUAL_NUMBER = '+815000000000';
export const VIRTUAL_NUMBER_NAME = 'Denwa virtual number';
export const GUIDE_BIN_NAME = 'Hands-on guide: ring twilio_user';
export const GUIDE_BIN_TWIML = `<Response><Dial callerId="${VIRTUAL_NUMBER}" record="record-from-answer-dual"><Client>twilio_user</Client></Dial></Response>`;

const SCAN_LIMIT = 100_000;
const BIN_URL = /\/twiml\/(EH[0-9a-f]{32})$/;

export type VirtualNumberOutcome =
  /** Made now (with its bin, reused when one with the guide's name and TwiML exists). */
  | { readonly kind: 'created'; readonly number: PhoneNumberRecord; readonly bin: TwimlBinRecord }
  /** The account's virtual number from an earlier start. */
  | { readonly kind: 'existing'; readonly number: PhoneNumberRecord }
  /** The account has numbers but not this virtual one (deleted, or never made): nothing done. */
  | { readonly kind: 'none' }
  /** The number belongs to another account of this server. */
  | { readonly kind: 'taken' };

async function guideBin(store: Store, accountSid: AccountSid, ids: IdGenerator, clock: Clock): Promise<TwimlBinRecord> {
  for (let offset = 0; offset < SCAN_LIMIT; offset += 100) {
    const page = await store.twimlBins.list(accountSid, { offset, limit: 100 });
    const found = page.items.find((b) => b.friendlyName === GUIDE_BIN_NAME && b.twiml === GUIDE_BIN_TWIML);
    if (found !== undefined) return found;
    if (!page.hasMore) break;
  }
  const now = clock.now();
  const bin: TwimlBinRecord = { sid: ids.sid('twimlBin'), accountSid, friendlyName: GUIDE_BIN_NAME, twiml: GUIDE_BIN_TWIML, dateCreated: now, dateUpdated: now };
  await store.twimlBins.insert(bin);
  return bin;
}

/** A virtual number pointing at one of the account's bins under another base URL: re-based to `publicUrl`. */
async function followPublicUrl(store: Store, number: PhoneNumberRecord, publicUrl: string, clock: Clock): Promise<PhoneNumberRecord> {
  const sid = number.voiceUrl === null ? undefined : BIN_URL.exec(number.voiceUrl)?.[1];
  if (sid === undefined || !isSid('twimlBin', sid)) return number;
  const url = `${publicUrl}/twiml/${sid}`;
  if (url === number.voiceUrl || (await store.twimlBins.get(number.accountSid, sid)) === null) return number;
  return (await store.phoneNumbers.update(number.accountSid, number.sid, { voiceUrl: url, dateUpdated: clock.now() })) ?? number;
}

/** Makes the guide's bin and virtual number when the account has no number; see the rule above. */
export async function ensureVirtualNumber(store: Store, accountSid: AccountSid, publicUrl: string, ids: IdGenerator, clock: Clock): Promise<VirtualNumberOutcome> {
  const existing = await store.phoneNumbers.getByNumber(VIRTUAL_NUMBER);
  if (existing !== null && existing.accountSid !== accountSid) return { kind: 'taken' };
  if (existing !== null) return existing.virtual ? { kind: 'existing', number: await followPublicUrl(store, existing, publicUrl, clock) } : { kind: 'none' };
  const any = await store.phoneNumbers.list(accountSid, {}, { offset: 0, limit: 1 });
  if (any.items.length > 0) return { kind: 'none' };
  const bin = await guideBin(store, accountSid, ids, clock);
  const now = clock.now();
  const number: PhoneNumberRecord = {
    sid: ids.sid('phoneNumber'),
    accountSid,
    phoneNumber: VIRTUAL_NUMBER,
    friendlyName: VIRTUAL_NUMBER_NAME,
    voiceUrl: `${publicUrl}/twiml/${bin.sid}`,
    voiceMethod: 'POST',
    voiceFallbackUrl: null,
    voiceFallbackMethod: 'POST',
    voiceApplicationSid: null,
    statusCallback: null,
    statusCallbackMethod: 'POST',
    trunkSid: null,
    virtual: true,
    dateCreated: now,
    dateUpdated: now,
  };
  await store.phoneNumbers.insert(number);
  return { kind: 'created', number, bin };
}
