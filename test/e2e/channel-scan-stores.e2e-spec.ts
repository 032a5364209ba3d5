import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmazonSpApiFake } from '../../plugins/channels/amazon/fake';
import { ShopifyStoreFake } from '../../plugins/channels/shopify/fake';
import type { FakeImageKind } from '../../src/plugins/testing/fake-images';
import { bearer, createKey, signUp } from '../support/accounts';
import { plansWithChannels, startTestApp, type TestApp } from '../support/test-app';

const seed = (title: string, images: FakeImageKind[]) => ({ title, skus: [title.toUpperCase().replace(/ /g, '-')], updatedAt: new Date('2024-01-01T00:00:00Z'), images });

interface Product {
  title: string;
  complianceState: string;
  images: { compliance: { state: string; packSlot: string } | null }[];
}

/** The Shopify and Amazon fakes serve their products' images too: the scan reads them through each plugin's mapping. */
describe('the compliance scan of the Shopify and Amazon fakes', () => {
  let shopify: ShopifyStoreFake;
  let amazon: AmazonSpApiFake;
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    [shopify, amazon] = await Promise.all([new ShopifyStoreFake().start(), new AmazonSpApiFake().start()]);
    const lwa = amazon.pluginOptions();
    t = await startTestApp({
      CHANNEL_PLUGINS: 'shopify,amazon', ALLOW_PRIVATE_URLS: 'true', SHOPIFY_BASE_URL: shopify.baseUrl,
      AMAZON_LWA_CLIENT_ID: lwa.clientId, AMAZON_LWA_CLIENT_SECRET: lwa.clientSecret, AMAZON_SP_API_BASE_URL: amazon.baseUrl, AMAZON_LWA_BASE_URL: amazon.baseUrl,
    }, { plansYaml: plansWithChannels() });
    const user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'k', scopes: ['channels:read', 'channels:write', 'jobs:read'] })).secret;
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([shopify?.close(), amazon?.close()]);
  });

  it.each([
    // Shopify has one image slot, held against the pack's first slot; Amazon's other images against amazon-additional.
    ['shopify', () => shopify, () => shopify.demo().credentials, 'amazon-main'],
    ['amazon', () => amazon, () => amazon.demo().credentials, 'amazon-additional'],
  ] as const)('%s: a compliant photo passes the amazon pack and a small grey one fails it', async (channel, store, credentials, secondSlot) => {
    await store().resetCatalogue([seed('good lamp', ['passing', 'passing']), seed('grey lamp', ['failing'])]);
    const created = await t.http().post('/api/v1/channels/connections').set(bearer(key)).send({ channel, name: channel, credentials: credentials(), rulePack: 'amazon' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const sync = await t.http().post(`/api/v1/channels/connections/${created.body.id}/sync`).set({ ...bearer(key), prefer: 'wait=60' }).expect(200);
    expect(sync.body, JSON.stringify(sync.body.error)).toMatchObject({ status: 'completed', progress: { done: 3, total: 3 } });
    const res = await t.http().get(`/api/v1/channels/connections/${created.body.id}/products`).set(bearer(key)).expect(200);
    const states = Object.fromEntries(res.body.data.map((p: Product) => [p.title, [p.complianceState, ...p.images.map((i) => `${i.compliance?.packSlot}:${i.compliance?.state}`)]]));
    expect(states).toEqual({ 'good lamp': ['passing', 'amazon-main:passing', `${secondSlot}:passing`], 'grey lamp': ['failing', 'amazon-main:failing'] });
  }, 60_000);
});
