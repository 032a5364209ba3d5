import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WooCommerceStoreFake } from '../../plugins/channels/woocommerce/fake';
import { bearer, createKey, signUp } from '../support/accounts';
import { galleryImage, whitePhoto } from '../support/gallery-images';
import { plansWithChannels, startTestApp, type TestApp } from '../support/test-app';


/**
 * A publish through the API meets a store that throttles it, and one that saves the image but
 * answers an error: the job is tried again with backoff and the store ends with the image once.
 * WooCommerce with an Application Password: the bytes go to its media library, attached by id.
 */
describe('publishing to a store that throttles or fails half-way', () => {
  let woo: WooCommerceStoreFake;
  let t: TestApp;
  let key: string;
  let connectionId: string;
  let imageId: string;

  const sync = async () => {
    const res = await t.http().post(`/api/v1/channels/connections/${connectionId}/sync`).set({ ...bearer(key), prefer: 'wait=60' }).expect(200);
    expect(res.body, JSON.stringify(res.body.error)).toMatchObject({ status: 'completed' });
  };
  const imagesOf = async (sku: string) => (await t.http().get(`/api/v1/channels/connections/${connectionId}/products`).query({ search: sku }).set(bearer(key)).expect(200)).body.data[0].images;
  const publish = async (sku: string) => {
    const res = await t.http().post('/api/v1/channels/publish').set({ ...bearer(key), prefer: 'wait=60' }).send({ connectionId, sku, imageId, compliance: 'skip', alt: sku });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body, JSON.stringify(res.body.error)).toMatchObject({ status: 'completed', report: { status: 'published' } });
    return (await t.http().get('/api/v1/channels/activity').query({ connectionId }).set(bearer(key)).expect(200)).body.data.find((e: { jobId: string }) => e.jobId === res.body.id);
  };

  beforeAll(async () => {
    woo = await new WooCommerceStoreFake().start();
    t = await startTestApp({ CHANNEL_PLUGINS: 'woocommerce', ALLOW_PRIVATE_URLS: 'true' }, { plansYaml: plansWithChannels() });
    const user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'k', scopes: ['channels:read', 'channels:write', 'channels:publish', 'jobs:read'] })).secret;
    await woo.resetCatalogue(['THROTTLED', 'HALFWAY'].map((sku) => ({ title: sku, skus: [sku], updatedAt: new Date() })));
    connectionId = (await t.http().post('/api/v1/channels/connections').set(bearer(key)).send({ channel: 'woocommerce', name: 'Woo', credentials: woo.install({ mediaLibrary: true }) }).expect(201)).body.id;
    await sync();
    imageId = await galleryImage(t, user.orgId, await whitePhoto());
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await woo?.close();
  });

  it('waits out a store that throttles the publish and sends it again', async () => {
    woo.throttleNext(1);
    const entry = await publish('THROTTLED');
    expect(entry).toMatchObject({ status: 'published', attempts: 2, error: null });
    await sync();
    expect(await imagesOf('THROTTLED')).toEqual([expect.objectContaining({ externalId: entry.externalImageId, position: 1, alt: 'THROTTLED' })]);
  }, 60_000);

  it('finds the image a publish the store saved but answered with an error attached, instead of attaching it twice', async () => {
    woo.failNextUpdateAfterSaving(504);
    const entry = await publish('HALFWAY');
    expect(entry).toMatchObject({ status: 'published', attempts: 2, error: null });
    await sync();
    expect(await imagesOf('HALFWAY')).toEqual([expect.objectContaining({ externalId: entry.externalImageId, position: 1 })]);
  }, 60_000);
});
