import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToyStoreFake } from '../fixtures/plugins/channels/toy/fake';
import { bearer, createKey, signUp, type TestUser } from '../support/accounts';
import { plansWithChannels, startTestApp, type TestApp } from '../support/test-app';

const TOY_PLUGINS = join(__dirname, '../fixtures/plugins/channels');
/** The free plan with the channels feature, so a new organisation can connect stores. */

describe('store connections (the toy channel against its fake store)', () => {
  let store: ToyStoreFake;
  let t: TestApp;
  let user: TestUser;
  let writer: string;
  let reader: string;
  const connections = (key = writer) => t.http().post('/api/v1/channels/connections').set(bearer(key));

  beforeAll(async () => {
    store = await new ToyStoreFake().start();
    t = await startTestApp({ CHANNEL_PLUGINS: 'toy', ALLOW_PRIVATE_URLS: 'true' }, { plansYaml: plansWithChannels(), channelRoots: [TOY_PLUGINS] });
    user = await signUp(t);
    writer = (await createKey(t, user.accessToken, user.orgId, { name: 'w', scopes: ['channels:read', 'channels:write', 'jobs:read'] })).secret;
    reader = (await createKey(t, user.accessToken, user.orgId, { name: 'r', scopes: ['channels:read'] })).secret;
  });
  afterAll(async () => {
    await t.close();
    await store.close();
  });

  it('lists the configured channels with the credentials each takes', async () => {
    const res = await t.http().get('/api/v1/channels').set(bearer(reader)).expect(200);
    expect(res.body.data).toEqual([expect.objectContaining({ id: 'toy', name: expect.any(String), credentialFields: ['storeUrl', 'refreshToken', 'webhookSecret'] })]);
    expect(res.body.data[0].imageSlots[0]).toMatchObject({ id: 'main', firstPosition: expect.any(Number) });
  });

  it('connects a store with good credentials, keeps them (rotated) and never shows them, only a hint', async () => {
    const credentials = store.install();
    const res = await connections().send({ channel: 'toy', name: 'Main store', credentials }).expect(201);
    expect(res.body).toMatchObject({ channel: 'toy', name: 'Main store', status: 'active', accountName: 'Toy Store', lastError: null });
    expect(res.body.credentialHint).toEqual({ storeUrl: `…${credentials.storeUrl.slice(-4)}`, refreshToken: expect.stringMatching(/^….{4}$/), webhookSecret: `…${credentials.webhookSecret.slice(-4)}` });
    expect(JSON.stringify(res.body)).not.toContain(credentials.webhookSecret);
    // The store rotated the refresh token while connecting: the connection works on with the new one.
    store.expireAccessTokens();
    expect((await t.http().post(`/api/v1/channels/connections/${res.body.id}/test`).set(bearer(writer)).expect(200)).body.status).toBe('active');
    const listed = await t.http().get('/api/v1/channels/connections').set(bearer(reader)).expect(200);
    expect(listed.body.data.map((c: { id: string }) => c.id)).toContain(res.body.id);
    expect((await t.http().get(`/api/v1/channels/connections/${res.body.id}`).set(bearer(reader)).expect(200)).body.name).toBe('Main store');
  });

  it("answers 422 channel_credentials_invalid with the store's own words for credentials it refuses, and stores nothing", async () => {
    const before = (await t.http().get('/api/v1/channels/connections').set(bearer(reader)).expect(200)).body.data.length;
    const res = await connections().send({ channel: 'toy', name: 'Bad', credentials: { ...store.install(), refreshToken: 'rt_revoked' } }).expect(422);
    expect(res.body.error).toMatchObject({ code: 'channel_credentials_invalid', message: expect.stringMatching(/^toy: /), channel: 'toy' });
    expect((await t.http().get('/api/v1/channels/connections').set(bearer(reader)).expect(200)).body.data).toHaveLength(before);
  });

  it('refuses credentials the channel does not take, an unknown channel and a reader key', async () => {
    const { storeUrl, refreshToken } = store.install();
    const missing = await connections().send({ channel: 'toy', name: 'x', credentials: { storeUrl, refreshToken } }).expect(400);
    expect(missing.body.error.fields).toEqual([expect.objectContaining({ field: 'credentials.webhookSecret' })]);
    const extra = await connections().send({ channel: 'toy', name: 'x', credentials: { ...store.install(), password: 'p' } }).expect(400);
    expect(extra.body.error.message).toMatch(/toy takes no credential "password"/);
    const unknown = await connections().send({ channel: 'etsy', name: 'x', credentials: {} }).expect(409);
    expect(unknown.body.error).toMatchObject({ code: 'channel_not_configured', configured: ['toy'] });
    expect((await connections(reader).send({ channel: 'toy', name: 'x', credentials: store.install() }).expect(403)).body.error.code).toBe('insufficient_scope');
  });

  it('marks a connection needs_attention when the store stops taking its credentials; disable, enable and delete', async () => {
    const created = (await connections().send({ channel: 'toy', name: 'Soon gone', credentials: store.install() }).expect(201)).body;
    const path = `/api/v1/channels/connections/${created.id}`;
    store.uninstallAll();
    store.expireAccessTokens();
    const tested = await t.http().post(`${path}/test`).set(bearer(writer)).expect(200);
    expect(tested.body).toMatchObject({ status: 'needs_attention', lastError: expect.stringMatching(/^toy: /) });
    expect((await t.http().post(`${path}/disable`).set(bearer(writer)).expect(200)).body.status).toBe('disabled');
    expect((await t.http().post(`${path}/test`).set(bearer(writer)).expect(409)).body.error.code).toBe('conflict');
    expect((await t.http().post(`${path}/enable`).set(bearer(writer)).expect(200)).body.status).toBe('needs_attention');
    await t.http().delete(path).set(bearer(writer)).expect(204);
    await t.http().get(path).set(bearer(reader)).expect(404);
    await t.http().delete(path).set(bearer(writer)).expect(404);
  });

  it('syncs a catalogue of several pages as a job, then only what changed since, and lists it searchable by title or SKU', async () => {
    const old = new Date('2020-01-01T00:00:00Z');
    await store.resetCatalogue(Array.from({ length: 120 }, (_, i) => ({ title: `Mug ${i}`, skus: [`MUG-${i}`, `MUG-${i}-XL`], updatedAt: old })));
    const connection = (await connections().send({ channel: 'toy', name: 'Catalogue', credentials: store.install() }).expect(201)).body;
    const path = `/api/v1/channels/connections/${connection.id}`;
    const sync = async () => {
      const res = await t.http().post(`${path}/sync`).set({ ...bearer(writer), prefer: 'wait=30' }).expect(200);
      expect(res.body, JSON.stringify(res.body.error)).toMatchObject({ type: "channels.sync", status: "completed", cost: 0 });
    };
    await sync();
    const all: { externalId: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { externalId: string }[]; nextCursor: string | null } } = await t.http().get(`${path}/products`).query({ limit: 50, ...(cursor ? { cursor } : {}) }).set(bearer(reader)).expect(200);
      all.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(all).toHaveLength(120);
    expect(new Set(all.map((p: { externalId: string }) => p.externalId)).size).toBe(120);
    expect((await t.http().get(path).set(bearer(reader)).expect(200)).body.lastSyncedAt).not.toBeNull();
    const bySku = await t.http().get(`${path}/products`).query({ search: 'mug-7-xl' }).set(bearer(reader)).expect(200);
    expect(bySku.body.data.map((p: { title: string }) => p.title)).toEqual(['Mug 7']);
    const byTitle = await t.http().get(`${path}/products`).query({ search: 'MUG 11' }).set(bearer(reader)).expect(200);
    expect(byTitle.body.data.map((p: { title: string }) => p.title).sort()).toEqual(['Mug 11', 'Mug 110', 'Mug 111', 'Mug 112', 'Mug 113', 'Mug 114', 'Mug 115', 'Mug 116', 'Mug 117', 'Mug 118', 'Mug 119']);
    // The store changes two products (new ones here): the next sync asks only for what changed since the last.
    await store.resetCatalogue([{ title: 'Teapot', skus: ['POT-1'], updatedAt: new Date(Date.now() + 60_000) }, { title: 'Cup', skus: ['CUP-1'], updatedAt: new Date(Date.now() + 60_000) }]);
    await sync();
    expect((await t.http().get(`${path}/products`).query({ search: 'pot-1' }).set(bearer(reader)).expect(200)).body.data).toHaveLength(1);
    expect((await t.http().get(`${path}/products`).query({ limit: 100 }).set(bearer(reader)).expect(200)).body.nextCursor).not.toBeNull();
    await t.http().post(`${path}/disable`).set(bearer(writer)).expect(200);
    expect((await t.http().post(`${path}/sync`).set(bearer(writer)).expect(409)).body.error.code).toBe('conflict');
  });

  it("answers 404 for another organisation's connection", async () => {
    const other = await signUp(t);
    const theirs = (await createKey(t, other.accessToken, other.orgId, { name: 'o', scopes: ['channels:read', 'channels:write'] })).secret;
    const mine = (await connections().send({ channel: 'toy', name: 'Mine', credentials: { ...store.install() } }).expect(201)).body;
    await t.http().get(`/api/v1/channels/connections/${mine.id}`).set(bearer(theirs)).expect(404);
    await t.http().post(`/api/v1/channels/connections/${mine.id}/test`).set(bearer(theirs)).expect(404);
    await t.http().delete(`/api/v1/channels/connections/${mine.id}`).set(bearer(theirs)).expect(404);
    await t.http().get(`/api/v1/channels/connections/${mine.id}/products`).set(bearer(theirs)).expect(404);
    await t.http().post(`/api/v1/channels/connections/${mine.id}/sync`).set(bearer(theirs)).expect(404);
    expect((await t.http().get('/api/v1/channels/connections').set(bearer(theirs)).expect(200)).body.data).toEqual([]);
  });

  // Last: the store's bucket stays full for a while after it.
  it('waits out a store that throttles the sync and asks for the same page again, instead of failing', async () => {
    await store.resetCatalogue(Array.from({ length: 60 }, (_, i) => ({ title: `Jug ${i}`, skus: [`JUG-${i}`], updatedAt: new Date('2021-01-01T00:00:00Z') })));
    const connection = (await connections().send({ channel: 'toy', name: 'Throttled', credentials: store.install() }).expect(201)).body;
    store.throttleNext();
    const res = await t.http().post(`/api/v1/channels/connections/${connection.id}/sync`).set({ ...bearer(writer), prefer: 'wait=30' }).expect(200);
    expect(res.body, JSON.stringify(res.body.error)).toMatchObject({ status: 'completed' });
    const listed = await t.http().get(`/api/v1/channels/connections/${connection.id}/products`).query({ limit: 100 }).set(bearer(reader)).expect(200);
    expect(listed.body.data).toHaveLength(60);
  }, 40_000);
});

describe('store connections on a plan without channels', () => {
  let t: TestApp;
  afterAll(() => t.close());

  it('answers 403 plan_limit', async () => {
    t = await startTestApp({ CHANNEL_PLUGINS: 'toy' }, { channelRoots: [TOY_PLUGINS] });
    const user = await signUp(t);
    const key = (await createKey(t, user.accessToken, user.orgId, { name: 'w', scopes: ['channels:write'] })).secret;
    const res = await t.http().post('/api/v1/channels/connections').set(bearer(key)).send({ channel: 'toy', name: 'x', credentials: { storeUrl: 'https://shop.example', refreshToken: 'rt', webhookSecret: 'w' } }).expect(403);
    expect(res.body.error).toMatchObject({ code: 'plan_limit', feature: 'channels' });
  });
});
