import { describe, expect, it } from 'vitest';
import { ManualClock } from '@denwa/testkit';
import { RandomIdGenerator } from '../../src/core/index.ts';
import { syncTrunksFile } from '../../src/console/index.ts';
import { createMemoryStore } from '../../src/store/index.ts';
import type { TrunkFileEntry } from '../../src/config/index.ts';
import { ACCOUNT, T0 } from '../calls/fakes.ts';

const entry = (host: string, voiceUrl: string): TrunkFileEntry => ({
  name: 'jp', host, transport: 'udp', username: 'u', password: 'p', register: false, registerExpires: 3600, codecs: ['pcmu'], countryCode: '81',
  numberFormat: 'national', allowedSources: [], allowedCountries: ['JP'], srtp: 'off',
  numbers: [{ phoneNumber: '+815012345678', voiceUrl, voiceMethod: 'POST' }],
});

describe('syncTrunksFile', () => {
  it('creates the trunk and its numbers, then updates them in place on the next start', async () => {
    const store = createMemoryStore();
    const ids = new RandomIdGenerator();
    const clock = new ManualClock(T0);
    await store.accounts.upsert({ sid: ACCOUNT, friendlyName: 'a', authToken: 'x'.repeat(32), status: 'active', dateCreated: T0, dateUpdated: T0 });
    expect(await syncTrunksFile(store, ACCOUNT, [entry('sip.a.example', 'https://a.example/voice')], ids, clock)).toEqual({ trunks: 1, numbers: 1 });
    const first = await store.sipTrunks.listAll();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ friendlyName: 'jp', host: 'sip.a.example', codecs: ['PCMU'], allowedCountries: ['JP'] });
    await syncTrunksFile(store, ACCOUNT, [entry('sip.b.example', 'https://b.example/voice')], ids, clock);
    const second = await store.sipTrunks.listAll();
    expect(second.map((t) => [t.sid, t.host])).toEqual([[first[0]?.sid, 'sip.b.example']]);
    const number = await store.phoneNumbers.getByNumber('+815012345678');
    expect(number).toMatchObject({ voiceUrl: 'https://b.example/voice', trunkSid: first[0]?.sid });
  });
});
