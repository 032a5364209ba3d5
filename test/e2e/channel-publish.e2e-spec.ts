import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settlePublicUrl } from '../../src/config/public-url';
import { ToyStoreFake } from '../fixtures/plugins/channels/toy/fake';
import { bearer, createKey, signUp } from '../support/accounts';
import { plansWithChannels, startTestApp, type TestApp } from '../support/test-app';

const TOY_PLUGINS = join(__dirname, '../fixtures/plugins/channels');

interface Activity {
  id: string;
  status: string;
  externalImageId: string | null;
  attempts: number;
  imageId: string;
}

/** Publishing gallery images to the toy store, which fetches them from their signed links. */
describe('publishing to a store', () => {
  let store: ToyStoreFake;
  let t: TestApp;
  let key: string;
  let connectionId: string;
  let imageId: string;
  const publish = (body: Record<string, unknown>, headers: Record<string, string> = {}) => t.http().post('/api/v1/channels/publish').set({ ...bearer(key), ...headers }).send(body);
  const activity = async (): Promise<Activity[]> => (await t.http().get('/api/v1/channels/activity').set(bearer(key)).expect(200)).body.data;
  const productOf = async (sku: string) => (await t.http().get(`/api/v1/channels/connections/${connectionId}/products`).query({ search: sku }).set(bearer(key)).expect(200)).body.data[0];
  const sync = () => t.http().post(`/api/v1/channels/connections/${connectionId}/sync`).set({ ...bearer(key), prefer: 'wait=30' }).expect(200);

  beforeAll(async () => {
    store = await new ToyStoreFake().start();
    t = await startTestApp({ CHANNEL_PLUGINS: 'toy', ALLOW_PRIVATE_URLS: 'true', PORT: '0' }, { plansYaml: plansWithChannels(), channelRoots: [TOY_PLUGINS] });
    // The store fetches images by their signed links: the app listens, and its links name its port.
    await t.app.listen(0, '127.0.0.1');
    settlePublicUrl(t.config, (t.app.getHttpServer().address() as AddressInfo).port);
    const user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'k', scopes: ['channels:read', 'channels:write', 'channels:publish', 'jobs:read', 'images:generate'] })).secret;
    await store.resetCatalogue([{ title: 'Blue mug', skus: ['MUG-B', 'MUG-B-XL'], updatedAt: new Date('2024-01-01') }, { title: 'Red mug', skus: ['MUG-R'], updatedAt: new Date('2024-01-01') }]);
    connectionId = (await t.http().post('/api/v1/channels/connections').set(bearer(key)).send({ channel: 'toy', name: 'Toy', credentials: store.install() }).expect(201)).body.id;
    await sync();
    const generated = await t.http().post('/api/v1/images/generations').set({ ...bearer(key), prefer: 'wait=30' }).send({ prompt: 'a blue mug', size: '512x512' }).expect(200);
    imageId = generated.body.outputs[0].id;
  });
  afterAll(async () => {
    await t.close();
    await store.close();
  });

  it('answers a dry run with what would be sent, and records nothing', async () => {
    const res = await publish({ connectionId, sku: 'mug-b-xl', imageId, slot: 'main', alt: 'Front', dryRun: true }).expect(200);
    expect(res.body).toMatchObject({ connectionId, channel: 'toy', productTitle: 'Blue mug', variantExternalId: expect.any(String), slot: 'main', alt: 'Front', imageId, width: 512, height: 512 });
    expect(await activity()).toEqual([]);
  });

  it('publishes by SKU as a job, records it in the activity log, and the next sync shows the image on the product', async () => {
    const res = await publish({ connectionId, sku: 'MUG-B', imageId, alt: 'Front' }, { prefer: 'wait=30' }).expect(200);
    expect(res.body, JSON.stringify(res.body.error)).toMatchObject({ type: 'channels.publish', status: 'completed', cost: 0, report: { status: 'published', externalImageId: expect.any(String) } });
    const [entry] = await activity();
    expect(entry).toMatchObject({ status: 'published', attempts: 1, imageId, externalImageId: res.body.report.externalImageId, error: null });
    await sync();
    const product = await productOf('MUG-B');
    expect(product.images).toEqual([expect.objectContaining({ externalId: entry.externalImageId, position: 1 })]);
  });

  it('follows a publish the store processes later through to its end', async () => {
    store.publishAsynchronously();
    const red = await productOf('MUG-R');
    const res = await publish({ connectionId, productId: red.id, imageId }, { prefer: 'wait=30' }).expect(200);
    expect(res.body, JSON.stringify(res.body.error)).toMatchObject({ status: 'completed', report: { status: 'published' } });
  });

  it('replaces an image in its place', async () => {
    const before = (await productOf('MUG-B')).images[0];
    const res = await publish({ connectionId, sku: 'MUG-B', imageId, replaceImageId: before.externalId }, { prefer: 'wait=30' }).expect(200);
    expect(res.body.report.status).toBe('published');
    await sync();
    const after = (await productOf('MUG-B')).images;
    expect(after).toHaveLength(1);
    expect(after[0].externalId).not.toBe(before.externalId);
  });

  it('refuses what cannot be published before anything is recorded', async () => {
    const count = (await activity()).length;
    expect((await publish({ connectionId, sku: 'MUG-B', imageId, slot: 'hero' }).expect(400)).body.error.message).toMatch(/slot must be one of: main/);
    expect((await publish({ connectionId, imageId }).expect(400)).body.error.message).toMatch(/productId or sku/);
    await publish({ connectionId, sku: 'NOPE', imageId }).expect(404);
    await publish({ connectionId, sku: 'MUG-B', imageId: '01a229e5-0000-7000-8000-000000000000' }).expect(404);
    const other = await signUp(t);
    const theirs = (await createKey(t, other.accessToken, other.orgId, { name: 'o', scopes: ['channels:publish', 'channels:read'] })).secret;
    await t.http().post('/api/v1/channels/publish').set(bearer(theirs)).send({ connectionId, sku: 'MUG-B', imageId }).expect(404);
    expect((await t.http().get('/api/v1/channels/activity').set(bearer(theirs)).expect(200)).body.data).toEqual([]);
    const reader = (await createKey(t, other.accessToken, other.orgId, { name: 'r', scopes: ['channels:read'] })).secret;
    expect((await t.http().post('/api/v1/channels/publish').set(bearer(reader)).send({ connectionId, sku: 'MUG-B', imageId }).expect(403)).body.error.code).toBe('insufficient_scope');
    expect(await activity()).toHaveLength(count);
  });
});
