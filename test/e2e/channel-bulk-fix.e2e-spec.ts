import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settlePublicUrl } from '../../src/config/public-url';
import type { FakeImageKind } from '../../src/plugins/testing/fake-images';
import { ToyStoreFake } from '../fixtures/plugins/channels/toy/fake';
import { bearer, createKey, settledCredits, signUp } from '../support/accounts';
import { galleryImage, greyPhoto } from '../support/gallery-images';
import { plansWithChannels, startTestApp, type TestApp } from '../support/test-app';

const TOY_PLUGINS = join(__dirname, '../fixtures/plugins/channels');
const FIX_PRICE = 2;
// Updated now: a catalogue reset after a sync is seen by the next, incremental one.
const seed = (sku: string, images: FakeImageKind[]) => ({ title: `Product ${sku}`, skus: [sku], updatedAt: new Date(), images });

interface Product {
  id: string;
  title: string;
  complianceState: string;
  images: { externalId: string; position: number; compliance: { state: string } | null }[];
}

/**
 * Bulk fix (POST .../connections/:id/fix) and check-fix-publish to several stores
 * (POST /api/v1/listings/images), on toy stores connected with Amazon's rule pack: the toy store
 * fetches published images by their signed links, so the app listens.
 */
describe('fixing failing images in bulk, and one image to several stores', () => {
  let store: ToyStoreFake;
  let other: ToyStoreFake;
  let t: TestApp;
  let key: string;
  let connectionId: string;
  let orgId: string;

  const connect = async (fake: ToyStoreFake, name: string) => (await t.http().post('/api/v1/channels/connections').set(bearer(key)).send({ channel: 'toy', name, rulePack: 'amazon', credentials: fake.install() }).expect(201)).body.id as string;
  const sync = async (id: string) => {
    const res = await t.http().post(`/api/v1/channels/connections/${id}/sync`).set({ ...bearer(key), prefer: 'wait=60' }).expect(200);
    expect(res.body, JSON.stringify(res.body.error)).toMatchObject({ status: 'completed' });
  };
  const products = async (id: string, query: Record<string, string> = {}): Promise<Map<string, Product>> => {
    const res = await t.http().get(`/api/v1/channels/connections/${id}/products`).query({ limit: 100, ...query }).set(bearer(key)).expect(200);
    return new Map(res.body.data.map((p: Product) => [p.title.replace('Product ', ''), p]));
  };
  const fix = (id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) => t.http().post(`/api/v1/channels/connections/${id}/fix`).set({ ...bearer(key), ...headers }).send(body);
  const balance = async () => (await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body.creditsBalance as number;

  beforeAll(async () => {
    [store, other] = await Promise.all([new ToyStoreFake().start(), new ToyStoreFake().start()]);
    t = await startTestApp({ CHANNEL_PLUGINS: 'toy', ALLOW_PRIVATE_URLS: 'true', PORT: '0', STUDIO_PRICE_COMPLIANCE_FIX: String(FIX_PRICE) }, { plansYaml: plansWithChannels(), channelRoots: [TOY_PLUGINS] });
    await t.app.listen(0, '127.0.0.1');
    settlePublicUrl(t.config, (t.app.getHttpServer().address() as AddressInfo).port);
    const user = await signUp(t);
    orgId = user.orgId;
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'k', scopes: ['channels:read', 'channels:write', 'channels:publish', 'jobs:read', 'credits:read', 'images:read'] })).secret;
    await store.resetCatalogue([seed('TWO', ['failing', 'passing']), seed('ONE', ['failing']), seed('GOOD', ['passing']), seed('BARE', [])]);
    connectionId = await connect(store, 'Main');
    await sync(connectionId);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all([store?.close(), other?.close()]);
  });

  it('lists the failing images a fix would replace with dryRun, up to a limit, charging nothing', async () => {
    const before = await balance();
    const plan = (await fix(connectionId, { dryRun: true }).expect(200)).body;
    expect(plan.more).toBe(false);
    expect(plan.images.map((i: { productTitle: string; position: number; slot: string }) => [i.productTitle, i.position, i.slot]).sort()).toEqual([['Product ONE', 1, 'main'], ['Product TWO', 1, 'main']]);
    expect(plan.images[0].failingRules).toEqual(expect.arrayContaining([expect.any(String)]));
    const limited = (await fix(connectionId, { dryRun: true, limit: 1 }).expect(200)).body;
    expect(limited).toMatchObject({ more: true, images: [expect.any(Object)] });
    const searched = (await fix(connectionId, { dryRun: true, search: 'one' }).expect(200)).body;
    expect(searched.images.map((i: { productTitle: string }) => i.productTitle)).toEqual(['Product ONE']);
    expect(await balance()).toBe(before);
  });

  it('fixes and publishes every failing image in its place as one batch; the next sync and scan find them passing', async () => {
    const before = await balance();
    const seen = await products(connectionId);
    const res = await fix(connectionId, {}, { prefer: 'wait=60' }).expect(200);
    expect(res.body, JSON.stringify(res.body)).toMatchObject({ type: 'batch', status: 'completed', progress: { done: 2, total: 2 }, summary: { completed: 2 } });
    expect(res.body.children.map((c: { status: string }) => c.status)).toEqual(['completed', 'completed']);
    await settledCredits(t, key, { creditsBalance: before - 2 * FIX_PRICE, reserved: 0 });
    const activity = (await t.http().get('/api/v1/channels/activity').query({ connectionId }).set(bearer(key)).expect(200)).body.data;
    expect(activity).toHaveLength(2);
    // Each source was fixed on the scan's word (nothing downloaded in the request); the fix reports it as it found it.
    for (const entry of activity) {
      expect(entry).toMatchObject({ status: 'published', compliance: 'fix', imageId: null, fixedImageId: expect.any(String), sourceImageExternalId: entry.replaceImageExternalId });
      expect(entry.report).toMatchObject({ before: { slot: 'amazon-main', pass: false }, after: { slot: 'amazon-main', pass: true } });
    }
    await sync(connectionId);
    const after = await products(connectionId);
    for (const sku of ['ONE', 'TWO']) {
      expect(after.get(sku)!.complianceState, sku).toBe('passing');
      expect(after.get(sku)!.images.map((i) => i.position)).toEqual(seen.get(sku)!.images.map((i) => i.position));
      expect(after.get(sku)!.images[0].externalId).not.toBe(seen.get(sku)!.images[0].externalId);
    }
    expect(after.get('TWO')!.images[1].externalId).toBe(seen.get('TWO')!.images[1].externalId);
    expect(after.get('BARE')!.complianceState).toBe('failing');
    const again = await fix(connectionId, {}).expect(409);
    expect(again.body.error.message).toMatch(/No failing image matches/);
  }, 120_000);

  it('refuses a connection without a rule pack, another organisation’s connection and a bad limit', async () => {
    const bare = (await t.http().post('/api/v1/channels/connections').set(bearer(key)).send({ channel: 'toy', name: 'No pack', rulePack: null, credentials: store.install() }).expect(201)).body.id;
    expect((await fix(bare, { dryRun: true }).expect(409)).body.error.message).toMatch(/no rule pack/);
    const stranger = await signUp(t);
    const theirs = (await createKey(t, stranger.accessToken, stranger.orgId, { name: 'k', scopes: ['channels:publish'] })).secret;
    await t.http().post(`/api/v1/channels/connections/${connectionId}/fix`).set(bearer(theirs)).send({ dryRun: true }).expect(404);
    expect((await fix(connectionId, { limit: 0 }).expect(400)).body.error.code).toBe('validation_failed');
  });

  it('checks, fixes and publishes one image to the product with a SKU at several stores, each store on its own', async () => {
    await Promise.all([store.resetCatalogue([seed('MUG', [])]), other.resetCatalogue([seed('MUG', [])])]);
    const otherId = await connect(other, 'Other');
    await Promise.all([sync(connectionId), sync(otherId)]);
    const imageId = await galleryImage(t, orgId, await greyPhoto());
    const before = await balance();
    const res = await t.http().post('/api/v1/listings/images').set({ ...bearer(key), prefer: 'wait=60' }).send({ imageId, sku: 'mug', connectionIds: [connectionId, otherId], alt: 'A mug' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body, JSON.stringify(res.body)).toMatchObject({ status: 'completed', results: [{ connectionId, jobStatus: 'completed' }, { connectionId: otherId, jobStatus: 'completed' }] });
    for (const { publish } of res.body.results) {
      expect(publish).toMatchObject({ status: 'published', compliance: 'fix', imageId, fixedImageId: expect.any(String), report: { before: { pass: false }, after: { pass: true } } });
    }
    await settledCredits(t, key, { creditsBalance: before - 2 * FIX_PRICE, reserved: 0 });
    const again = await t.http().get(`/api/v1/listings/images/${res.body.jobId}`).set(bearer(key)).expect(200);
    expect(again.body).toEqual(res.body);
    await Promise.all([sync(connectionId), sync(otherId)]);
    for (const id of [connectionId, otherId]) expect((await products(id)).get('MUG')!.images, id).toEqual([expect.objectContaining({ position: 1, compliance: expect.objectContaining({ state: 'passing' }) })]);
  }, 120_000);

  it('publishes to the stores it can when another refuses at run time, and refuses the call whole before anything is queued', async () => {
    const otherId = (await t.http().get('/api/v1/channels/connections').set(bearer(key)).expect(200)).body.data.find((c: { name: string }) => c.name === 'Other').id;
    const imageId = await galleryImage(t, orgId, await greyPhoto());
    // The other store's product is gone since the last sync: its publish fails, this store's goes through.
    await other.resetCatalogue([seed('CUP', [])]);
    const res = await t.http().post('/api/v1/listings/images').set({ ...bearer(key), prefer: 'wait=60' }).send({ imageId, sku: 'MUG', connectionIds: [connectionId, otherId], compliance: 'skip' }).expect(200);
    expect(res.body.results.map((r: { jobStatus: string; publish: { status: string } }) => [r.jobStatus, r.publish.status])).toEqual([['completed', 'published'], ['failed', 'failed']]);
    expect(res.body.results[1].publish.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });

    const missing = await t.http().post('/api/v1/listings/images').set(bearer(key)).send({ imageId, sku: 'NO-SUCH-SKU', connectionIds: [connectionId] }).expect(404);
    expect(missing.body.error).toMatchObject({ code: 'not_found', connectionId, message: expect.stringMatching(/^connectionIds\[0\] \(/) });
    await t.http().post(`/api/v1/channels/connections/${otherId}/disable`).set(bearer(key)).expect(200);
    const disabled = await t.http().post('/api/v1/listings/images').set(bearer(key)).send({ imageId, sku: 'MUG', connectionIds: [connectionId, otherId] }).expect(409);
    expect(disabled.body.error).toMatchObject({ code: 'conflict', connectionId: otherId });
    const activity = (await t.http().get('/api/v1/channels/activity').query({ connectionId }).set(bearer(key)).expect(200)).body.data;
    expect(activity.filter((e: { imageId: string }) => e.imageId === imageId)).toHaveLength(1);
    const bad = await t.http().post('/api/v1/listings/images').set(bearer(key)).send({ imageId, sku: 'MUG', connectionIds: [connectionId, connectionId] }).expect(400);
    expect(bad.body.error.code).toBe('validation_failed');
    await t.http().get(`/api/v1/listings/images/${res.body.results[0].jobId}`).set(bearer(key)).expect(404);
  }, 120_000);
});
