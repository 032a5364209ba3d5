import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmazonSpApiFake } from '../../plugins/channels/amazon/fake';
import { ShopifyStoreFake } from '../../plugins/channels/shopify/fake';
import { WooCommerceStoreFake } from '../../plugins/channels/woocommerce/fake';
import { settlePublicUrl } from '../../src/config/public-url';
import type { FakeImageKind } from '../../src/plugins/testing/fake-images';
import { bearer, createKey, signUp } from '../support/accounts';
import { plansWithChannels, startTestApp, type TestApp } from '../support/test-app';

const seed = (title: string, images: FakeImageKind[]) => ({ title, skus: [title.toUpperCase().replace(/ /g, '-')], updatedAt: new Date('2024-01-01T00:00:00Z'), images });

interface Product {
  title: string;
  complianceState: string;
  images: { externalId: string; position: number }[];
}

/**
 * What docs/channels.md walks a merchant through, against each shipped store's fake through its
 * official client: connect, sync, see the failing images, fix and publish them in bulk, see them pass
 * after the next sync, and read the activity. Shopify and WooCommerce connections name the amazon
 * pack (a store's own pack rarely fails an image the store already took); Amazon's is its default.
 * WooCommerce and Amazon download the fixed images by their links, so the app listens.
 */
describe('connect, sync, fix and publish on each of the three stores', () => {
  let shopify: ShopifyStoreFake;
  let woo: WooCommerceStoreFake;
  let amazon: AmazonSpApiFake;
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    [shopify, woo, amazon] = await Promise.all([new ShopifyStoreFake().start(), new WooCommerceStoreFake().start(), new AmazonSpApiFake().start()]);
    const lwa = amazon.pluginOptions();
    t = await startTestApp({
      CHANNEL_PLUGINS: 'shopify,woocommerce,amazon', ALLOW_PRIVATE_URLS: 'true', PORT: '0', SHOPIFY_BASE_URL: shopify.baseUrl,
      AMAZON_LWA_CLIENT_ID: lwa.clientId, AMAZON_LWA_CLIENT_SECRET: lwa.clientSecret, AMAZON_SP_API_BASE_URL: amazon.baseUrl, AMAZON_LWA_BASE_URL: amazon.baseUrl,
    }, { plansYaml: plansWithChannels() });
    await t.app.listen(0, '127.0.0.1');
    settlePublicUrl(t.config, (t.app.getHttpServer().address() as AddressInfo).port);
    const user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'k', scopes: ['channels:read', 'channels:write', 'channels:publish', 'jobs:read'] })).secret;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all([shopify?.close(), woo?.close(), amazon?.close()]);
  });

  it.each([
    ['shopify', () => shopify, () => shopify.demo().credentials, 'amazon'],
    ['woocommerce', () => woo, () => woo.demo().credentials, 'amazon'],
    ['amazon', () => amazon, () => amazon.demo().credentials, undefined],
  ] as const)('%s: the failing image is fixed and published in its place, and passes after the next sync', async (channel, store, credentials, rulePack) => {
    await store().resetCatalogue([seed(`${channel} good`, ['passing']), seed(`${channel} grey`, ['failing'])]);
    const created = await t.http().post('/api/v1/channels/connections').set(bearer(key)).send({ channel, name: channel, credentials: credentials(), ...(rulePack ? { rulePack } : {}) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.rulePack).toBe('amazon');
    const id = created.body.id;
    const sync = async () => {
      const res = await t.http().post(`/api/v1/channels/connections/${id}/sync`).set({ ...bearer(key), prefer: 'wait=60' }).expect(200);
      expect(res.body, JSON.stringify(res.body.error)).toMatchObject({ status: 'completed' });
    };
    const products = async (query: Record<string, string> = {}): Promise<Product[]> => (await t.http().get(`/api/v1/channels/connections/${id}/products`).query(query).set(bearer(key)).expect(200)).body.data;
    await sync();
    const failing = await products({ compliance: 'failing' });
    expect(failing.map((p) => p.title)).toEqual([`${channel} grey`]);

    const fix = await t.http().post(`/api/v1/channels/connections/${id}/fix`).set({ ...bearer(key), prefer: 'wait=60' }).send({});
    expect(fix.status, JSON.stringify(fix.body)).toBe(200);
    const [entry] = (await t.http().get('/api/v1/channels/activity').query({ connectionId: id }).set(bearer(key)).expect(200)).body.data;
    expect(fix.body, JSON.stringify(entry)).toMatchObject({ status: 'completed', summary: { completed: 1 } });
    expect(entry).toMatchObject({ status: 'published', compliance: 'fix', productTitle: `${channel} grey`, externalImageId: expect.any(String), error: null });

    await sync();
    expect((await products({ compliance: 'failing' }))).toEqual([]);
    const [fixed] = await products({ search: `${channel} grey` });
    expect(fixed.complianceState).toBe('passing');
    expect(fixed.images).toEqual([expect.objectContaining({ position: 1 })]);
    expect(fixed.images[0].externalId).not.toBe(failing[0].images[0].externalId);
  }, 120_000);
});
