import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmazonSpApiFake } from '../../plugins/channels/amazon/fake';
import { ShopifyStoreFake } from '../../plugins/channels/shopify/fake';
import { WooCommerceStoreFake } from '../../plugins/channels/woocommerce/fake';
import { bearer, createKey, signUp } from '../support/accounts';
import { plansWithChannels, startTestApp, type TestApp } from '../support/test-app';

const seeds = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ title: `${prefix} ${i}`, skus: [`${prefix.toUpperCase()}-${i}`], updatedAt: new Date('2024-01-01T00:00:00Z') }));

/** The three shipped channel plugins, loaded as an operator configures them, each against its fake store through the API. */
describe('Shopify, WooCommerce and Amazon connections and syncs against their fakes', () => {
  let shopify: ShopifyStoreFake;
  let woo: WooCommerceStoreFake;
  let amazon: AmazonSpApiFake;
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    [shopify, woo, amazon] = await Promise.all([new ShopifyStoreFake().start(), new WooCommerceStoreFake().start(), new AmazonSpApiFake().start()]);
    const lwa = amazon.pluginOptions();
    t = await startTestApp({
      CHANNEL_PLUGINS: 'shopify,woocommerce,amazon',
      ALLOW_PRIVATE_URLS: 'true',
      SHOPIFY_BASE_URL: shopify.baseUrl,
      AMAZON_LWA_CLIENT_ID: lwa.clientId,
      AMAZON_LWA_CLIENT_SECRET: lwa.clientSecret,
      AMAZON_SP_API_BASE_URL: amazon.baseUrl,
      AMAZON_LWA_BASE_URL: amazon.baseUrl,
    }, { plansYaml: plansWithChannels() });
    const user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'k', scopes: ['channels:read', 'channels:write', 'jobs:read'] })).secret;
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([shopify.close(), woo.close(), amazon.close()]);
  });

  it('lists the three channels', async () => {
    const res = await t.http().get('/api/v1/channels').set(bearer(key)).expect(200);
    expect(res.body.data.map((c: { id: string }) => c.id)).toEqual(['shopify', 'woocommerce', 'amazon']);
  });

  it.each([
    ['shopify', () => shopify, () => shopify.demo().credentials],
    ['woocommerce', () => woo, () => woo.demo().credentials],
    ['amazon', () => amazon, () => amazon.demo().credentials],
  ] as const)('connects %s, syncs its catalogue and lists it', async (channel, store, credentials) => {
    await store().resetCatalogue(seeds(channel, 25));
    const created = await t.http().post('/api/v1/channels/connections').set(bearer(key)).send({ channel, name: channel, credentials: credentials() });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const sync = await t.http().post(`/api/v1/channels/connections/${created.body.id}/sync`).set({ ...bearer(key), prefer: 'wait=60' }).expect(200);
    expect(sync.body, JSON.stringify(sync.body.error)).toMatchObject({ status: 'completed' });
    const products = await t.http().get(`/api/v1/channels/connections/${created.body.id}/products`).query({ limit: 100 }).set(bearer(key)).expect(200);
    expect(products.body.data).toHaveLength(25);
    const found = await t.http().get(`/api/v1/channels/connections/${created.body.id}/products`).query({ search: `${channel}-7` }).set(bearer(key)).expect(200);
    expect(found.body.data.map((p: { title: string }) => p.title)).toEqual([`${channel} 7`]);
  }, 60_000);

  it('refuses credentials each store refuses, in its own words', async () => {
    const bad = {
      shopify: { ...shopify.demo().credentials, accessToken: 'shpat_revoked_0000000000' },
      woocommerce: { ...woo.demo().credentials, consumerSecret: 'cs_wrong00000000000000000000000000000000000' },
      amazon: { ...amazon.demo().credentials, refreshToken: 'Atzr|revoked' },
    };
    for (const [channel, credentials] of Object.entries(bad)) {
      const res = await t.http().post('/api/v1/channels/connections').set(bearer(key)).send({ channel, name: 'bad', credentials });
      expect(res.status, `${channel}: ${JSON.stringify(res.body)}`).toBe(422);
      expect(res.body.error.code).toBe('channel_credentials_invalid');
    }
  });
});
