import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FORM, form, makeApp, type AppHarness } from '../harness.ts';

let h: AppHarness;
beforeEach(async () => { h = await makeApp(); });
afterEach(async () => { await h.close(); });

describe('Keys', () => {
  it('returns the secret on create only', async () => {
    const created = await h.app.inject({ method: 'POST', url: `${h.base}/Keys.json`, headers: { ...FORM, authorization: h.auth }, payload: form({ FriendlyName: 'ci' }) });
    expect(created.statusCode).toBe(201);
    const key = created.json();
    expect(key.sid).toMatch(/^SK[0-9a-f]{32}$/);
    expect(key.secret).toMatch(/^[0-9a-f]{32}$/);
    expect(key.friendly_name).toBe('ci');
    const fetched = await h.app.inject({ method: 'GET', url: `${h.base}/Keys/${key.sid}.json`, headers: { authorization: h.auth } });
    expect(fetched.json()).toEqual({ sid: key.sid, friendly_name: 'ci', date_created: key.date_created, date_updated: key.date_updated });
    const list = await h.app.inject({ method: 'GET', url: `${h.base}/Keys.json`, headers: { authorization: h.auth } });
    expect(list.json().keys).toHaveLength(1);
    expect(list.body).not.toContain(key.secret);
  });

  it('renames and deletes; unknown keys are 20404', async () => {
    const key = (await h.app.inject({ method: 'POST', url: `${h.base}/Keys.json`, headers: { ...FORM, authorization: h.auth }, payload: '' })).json();
    const renamed = await h.app.inject({ method: 'POST', url: `${h.base}/Keys/${key.sid}.json`, headers: { ...FORM, authorization: h.auth }, payload: form({ FriendlyName: 'new' }) });
    expect(renamed.json().friendly_name).toBe('new');
    const del = await h.app.inject({ method: 'DELETE', url: `${h.base}/Keys/${key.sid}.json`, headers: { authorization: h.auth } });
    expect(del.statusCode).toBe(204);
    const again = await h.app.inject({ method: 'DELETE', url: `${h.base}/Keys/${key.sid}.json`, headers: { authorization: h.auth } });
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe(20404);
  });
});
