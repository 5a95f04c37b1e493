/**
 * Named resources Denwa creates for itself on first use: the API key that signs the tokens of
 * `denwa token` and of the console's softphone, and the softphone's TwiML Application.
 */
import type { AccountSid } from '@denwa/protocol';
import type { Clock, IdGenerator } from '../core/index.ts';
import type { ApiKeyRecord, ApplicationRecord, Store } from '../store/ports.ts';

const SCAN_LIMIT = 100_000;

/** The account's API key with this friendly name, created when there is none. */
export async function ensureApiKey(store: Store, accountSid: AccountSid, name: string, ids: IdGenerator, clock: Clock): Promise<ApiKeyRecord> {
  for (let offset = 0; offset < SCAN_LIMIT; offset += 100) {
    const page = await store.apiKeys.list(accountSid, { offset, limit: 100 });
    const found = page.items.find((k) => k.friendlyName === name);
    if (found !== undefined) return found;
    if (!page.hasMore) break;
  }
  const now = clock.now();
  const key: ApiKeyRecord = { sid: ids.sid('apiKey'), accountSid, friendlyName: name, secret: ids.secret(), dateCreated: now, dateUpdated: now };
  await store.apiKeys.insert(key);
  return key;
}

/** The account's application with this friendly name, pointed at `voiceUrl` (created or updated). */
export async function ensureApplication(
  store: Store,
  accountSid: AccountSid,
  name: string,
  voiceUrl: string,
  ids: IdGenerator,
  clock: Clock,
): Promise<ApplicationRecord> {
  const now = clock.now();
  const page = await store.applications.list(accountSid, { friendlyName: name }, { offset: 0, limit: 1 });
  const found = page.items[0];
  if (found !== undefined) {
    if (found.voiceUrl === voiceUrl && found.voiceMethod === 'POST') return found;
    return (await store.applications.update(accountSid, found.sid, { voiceUrl, voiceMethod: 'POST', dateUpdated: now })) ?? found;
  }
  const app: ApplicationRecord = {
    sid: ids.sid('application'),
    accountSid,
    friendlyName: name,
    voiceUrl,
    voiceMethod: 'POST',
    voiceFallbackUrl: null,
    voiceFallbackMethod: 'POST',
    statusCallback: null,
    statusCallbackMethod: 'POST',
    voiceCallerIdLookup: false,
    dateCreated: now,
    dateUpdated: now,
  };
  await store.applications.insert(app);
  return app;
}
