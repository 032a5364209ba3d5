import { createHmac } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PluginError, type PublishResult } from '../../../src/plugins';
import { channelTestConnection, channelTestContext, describeChannelContract, type TestChannelConnection } from '../../../src/plugins/testing';
import { SHOPIFY_FAKE_APP, SHOPIFY_FAKE_SHOP, ShopifyStoreFake } from './fake';
import type { ShopifyCredentials } from './shopify-credentials.dto';
import { ShopifyChannel } from './shopify.channel';

describeChannelContract('shopify', {
  plugin: ShopifyChannel,
  // A roomier bucket than a standard shop's 1,000 points: the suite runs its cases back to back, and on a
  // loaded machine whether one of them ran dry was a matter of timing. Throttling itself is tested by
  // throttleNext here and by this plugin's own cases below, on the standard bucket.
  startStore: () => new ShopifyStoreFake({ maximumAvailable: 20_000, restoreRate: 100 }).start(),
  options: (store) => ({ ...SHOPIFY_FAKE_APP, baseUrl: store.baseUrl }),
  credentials: (store) => ({ good: store.install(), bad: { shop: SHOPIFY_FAKE_SHOP, accessToken: 'shpat_revoked_0000000000' } }),
  oauthParams: () => ({ shop: SHOPIFY_FAKE_SHOP }),
});

const kind = (k: string) => (err: unknown) => err instanceof PluginError && err.kind === k;
const png = (shade: number) => sharp({ create: { width: 64, height: 64, channels: 3, background: { r: shade, g: 40, b: 40 } } }).png().toBuffer();
const image = async (shade: number) => ({ data: await png(shade), mimeType: 'image/png', width: 64, height: 64, filename: `p${shade}.png`, url: 'https://files.darkroom.example/p.png' });

describe('shopify channel', () => {
  let store: ShopifyStoreFake;
  let shopify: ShopifyChannel;
  const ctx = channelTestContext();
  const pageOf = async (connection: TestChannelConnection<ShopifyCredentials>, id: string) => {
    const { products } = await shopify.listProducts(connection, { cursor: null, updatedSince: null, pageSize: 10 }, ctx);
    return products.find((p) => p.externalId === id)!;
  };
  const done = (result: PublishResult) => (result as { externalImageId: string }).externalImageId;
  beforeAll(async () => {
    store = await new ShopifyStoreFake({ maximumAvailable: 100_000, restoreRate: 10_000 }).start();
    shopify = new ShopifyChannel({ ...SHOPIFY_FAKE_APP, baseUrl: store.baseUrl });
  });
  afterAll(() => store.close());

  it('syncs a catalogue of several pages, each product once, and shows a publish in the next sync', async () => {
    const connection = channelTestConnection(store.install());
    const ids = await store.resetCatalogue(Array.from({ length: 23 }, (_, i) => ({ title: `Tee ${i}`, skus: [`TEE-${i}`], updatedAt: new Date(Date.now() - (i + 1) * 60_000) })));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await shopify.listProducts(connection, { cursor, updatedSince: null, pageSize: 10 }, ctx);
      seen.push(...page.products.map((p) => p.externalId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...ids].sort());
    const published = done(await shopify.publishImage(connection, { productExternalId: ids[5], slot: 'main', alt: 'Front', image: await image(10) }, ctx));
    const product = await shopify.listProducts(connection, { cursor: null, updatedSince: new Date(Date.now() - 500), pageSize: 10 }, ctx);
    expect(product.products.map((p) => [p.externalId, p.images.map((i) => [i.externalId, i.position, i.alt])])).toEqual([[ids[5], [[published, 1, 'Front']]]]);
  });

  it('uploads the bytes to a staged upload, all through ctx.http, and never sends them by URL', async () => {
    const connection = channelTestConnection(store.install());
    const [id] = await store.resetCatalogue([{ title: 'Mug', skus: ['MUG'], updatedAt: new Date() }]);
    const urls: string[] = [];
    const recording = { ...ctx, http: { fetch: (input: string | URL | Request, init?: RequestInit) => (urls.push(String(input)), ctx.http.fetch(input, init)) } };
    const picture = await image(20);
    const published = done(await shopify.publishImage(connection, { productExternalId: id, slot: 'main', image: picture }, recording));
    expect(urls.every((u) => u.startsWith(store.baseUrl))).toBe(true);
    expect(urls.filter((u) => u.endsWith('/admin/api/2026-07/graphql.json')).length).toBeGreaterThanOrEqual(3);
    expect(urls.filter((u) => u.endsWith('/staged-uploads'))).toHaveLength(1);
    const served = await fetch((await pageOf(connection, id)).images[0].url);
    expect(Buffer.from(await served.arrayBuffer()).equals(picture.data)).toBe(true);
    expect(published).toMatch(/^gid:\/\/shopify\/MediaImage\//);
  });

  it('replaces an image in its place, moving the variants that showed it, and detaches the old one', async () => {
    const connection = channelTestConnection(store.install());
    const [id] = await store.resetCatalogue([{ title: 'Cap', skus: ['CAP-S', 'CAP-L'], updatedAt: new Date() }]);
    const variant = (await pageOf(connection, id)).variants[1].externalId;
    const main = done(await shopify.publishImage(connection, { productExternalId: id, slot: 'main', image: await image(30) }, ctx));
    const side = done(await shopify.publishImage(connection, { productExternalId: id, slot: 'gallery', variantExternalId: variant, image: await image(31) }, ctx));
    const back = done(await shopify.publishImage(connection, { productExternalId: id, slot: 'gallery', image: await image(32) }, ctx));
    const newSide = done(await shopify.publishImage(connection, { productExternalId: id, slot: 'gallery', replaceImageExternalId: side, alt: 'Side', image: await image(33) }, ctx));
    const product = await pageOf(connection, id);
    expect(product.images.map((i) => [i.externalId, i.position])).toEqual([[main, 1], [newSide, 2], [back, 3]]);
    expect(product.variants.find((v) => v.externalId === variant)?.imageExternalId).toBe(newSide);
  });

  it('does not attach an image twice when a publish that timed out after reaching Shopify is tried again', async () => {
    const connection = channelTestConnection(store.install());
    const [id] = await store.resetCatalogue([{ title: 'Bag', skus: ['BAG'], updatedAt: new Date() }]);
    const picture = await image(40);
    store.stallNext('productUpdate', 1000);
    const timedOut = channelTestContext(AbortSignal.timeout(300));
    await expect(shopify.publishImage(connection, { productExternalId: id, slot: 'main', image: picture }, timedOut)).rejects.toThrow();
    const attachments = store.calls.filter((c) => c === 'productUpdate').length;
    const again = done(await shopify.publishImage(connection, { productExternalId: id, slot: 'main', image: picture }, ctx));
    expect(store.calls.filter((c) => c === 'productUpdate').length).toBe(attachments);
    expect((await pageOf(connection, id)).images.map((i) => i.externalId)).toEqual([again]);
  });

  it("waits as long as the cost data says the bucket needs to hold the query's cost again", async () => {
    const connection = channelTestConnection(store.install());
    const slow = await new ShopifyStoreFake({ maximumAvailable: 1000, restoreRate: 50 }).start();
    try {
      const plugin = new ShopifyChannel({ baseUrl: slow.baseUrl });
      const own = channelTestConnection(slow.install());
      slow.throttleNext();
      const err = (await plugin.listProducts(own, { cursor: null, updatedSince: null, pageSize: 10 }, ctx).catch((e: unknown) => e)) as PluginError;
      expect(err).toSatisfy(kind('rate_limited'));
      // products(first: 10) requests 2 + 10 × 89 = 892 points; at 50 a second from an empty bucket, 17.84 s,
      // less what the bucket refilled (50 points a second) while the call was on its way.
      expect(err.retryAfterMs).toBeLessThanOrEqual(17_840);
      expect(err.retryAfterMs).toBeGreaterThan(16_840);
      expect(err.detail).toBe('THROTTLED');
    } finally {
      await slow.close();
    }
    store.failNext(503);
    await expect(shopify.connect(connection, ctx)).rejects.toSatisfy(kind('transient'));
  });

  it('answers content_rejected for a file Shopify cannot process, at once or while processing, and invalid_input for a vanished product', async () => {
    const connection = channelTestConnection(store.install());
    const [id] = await store.resetCatalogue([{ title: 'Sock', skus: ['SOCK'], updatedAt: new Date() }]);
    const junk = { ...(await image(50)), data: Buffer.from('not an image at all') };
    await expect(shopify.publishImage(connection, { productExternalId: id, slot: 'main', image: junk }, ctx)).rejects.toSatisfy(kind('content_rejected'));
    store.publishAsynchronously(1);
    const pending = await shopify.publishImage(connection, { productExternalId: id, slot: 'main', image: { ...junk, data: Buffer.from('still not an image') } }, ctx);
    expect(pending.status).toBe('pending');
    await expect(shopify.checkPublish(connection, (pending as { externalRef: string }).externalRef, ctx)).rejects.toSatisfy(kind('content_rejected'));
    const gone = await shopify.publishImage(connection, { productExternalId: 'gid://shopify/Product/999999', slot: 'main', image: await image(51) }, ctx).catch((e: unknown) => e);
    expect(gone).toSatisfy(kind('invalid_input'));
    expect((gone as PluginError).detail).toBe('product_not_found');
  });

  it("gets tokens by the client-credentials grant of the merchant's own app, once for many calls, and again after a refusal", async () => {
    const connection = channelTestConnection(store.installOwnApp());
    await Promise.all([shopify.connect(connection, ctx), shopify.connect(connection, ctx)]);
    expect(store.calls.filter((c) => c === 'shop').length).toBeGreaterThanOrEqual(2);
    store.revokeTokens();
    await expect(shopify.connect(connection, ctx)).resolves.toEqual({ accountId: SHOPIFY_FAKE_SHOP, accountName: 'Darkroom Demo' });
    await expect(shopify.connect(channelTestConnection({ ...connection.credentials, clientSecret: 'shpss_wrong_secret_000' }), ctx)).rejects.toSatisfy(kind('invalid_credentials'));
    await expect(shopify.connect(channelTestConnection({ shop: SHOPIFY_FAKE_SHOP }), ctx)).rejects.toSatisfy(kind('invalid_credentials'));
  });

  it("verifies webhooks with the installed app's secret, the merchant's own app's first", () => {
    const darkroomApp = store.install();
    const update = store.webhook(darkroomApp, 'product.updated', 'gid://shopify/Product/1001');
    expect(shopify.parseWebhook(update.headers, update.rawBody, channelTestConnection(darkroomApp))).toEqual({ deliveryId: update.headers['x-shopify-webhook-id'], event: 'product.updated', data: { productExternalId: 'gid://shopify/Product/1001' } });
    const forged = { ...update.headers, 'x-shopify-hmac-sha256': createHmac('sha256', 'another-secret').update(update.rawBody).digest('base64') };
    expect(shopify.parseWebhook(forged, update.rawBody, channelTestConnection(darkroomApp))).toBeNull();
    expect(new ShopifyChannel({ baseUrl: store.baseUrl }).parseWebhook(update.headers, update.rawBody, channelTestConnection(darkroomApp))).toBeNull();
    const ownApp = store.installOwnApp();
    const own = store.webhook(ownApp, 'product.deleted', 'gid://shopify/Product/1002');
    expect(shopify.parseWebhook(own.headers, own.rawBody, channelTestConnection(ownApp))?.event).toBe('product.deleted');
    expect(shopify.parseWebhook(own.headers, own.rawBody, channelTestConnection(darkroomApp))).toBeNull();
    const orders = Buffer.from('{"id":1}');
    const signed = { 'X-Shopify-Topic': 'orders/create', 'X-Shopify-Hmac-Sha256': createHmac('sha256', SHOPIFY_FAKE_APP.clientSecret).update(orders).digest('base64') };
    expect(shopify.parseWebhook(signed, orders, channelTestConnection(darkroomApp))).toEqual({ deliveryId: null, event: 'other', data: { topic: 'orders/create' } });
  });

  it('sends the app secret to no shop the OAuth callback signature does not vouch for, and offers OAuth only with the app', async () => {
    const query = { code: 'c', shop: 'evil-store.myshopify.com', state: 's', timestamp: String(Math.trunc(Date.now() / 1000)) };
    const hmac = createHmac('sha256', 'not-the-app-secret').update(new URLSearchParams(query).toString()).digest('hex');
    const before = store.tokenRequests;
    await expect(shopify.oauth!.exchange({ code: 'c', redirectUri: 'https://darkroom.example/cb', query: { ...query, hmac } }, ctx)).rejects.toSatisfy(kind('invalid_credentials'));
    expect(store.tokenRequests).toBe(before);
    expect(() => shopify.oauth!.authorizeUrl({ state: 's', redirectUri: 'https://darkroom.example/cb', params: { shop: 'https://evil.example' } })).toThrow(PluginError);
    expect(new ShopifyChannel({ baseUrl: store.baseUrl }).oauth).toBeUndefined();
  });

  it('names every problem with its options', () => {
    expect(ShopifyChannel.validateOptions({})).toEqual([]);
    expect(ShopifyChannel.validateOptions({ clientId: 'a' })).toEqual(['clientId and clientSecret go together']);
    expect(ShopifyChannel.validateOptions({ baseUrl: 'not a url', region: 'eu' })).toEqual(['region is not a field this plugin takes', 'baseUrl must be a URL address']);
  });
});
