import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PluginError, type PublishImageInput } from '../../../src/plugins';
import { channelTestConnection, channelTestContext, describeChannelContract, startFakeServer, type FakeServer } from '../../../src/plugins/testing';
import { WooCommerceStoreFake } from './fake';
import { WooCommerceChannel } from './woocommerce.channel';
import type { WooCommerceCredentials } from './woocommerce-credentials.dto';

describeChannelContract('woocommerce', {
  plugin: WooCommerceChannel,
  startStore: () => new WooCommerceStoreFake().start(),
  credentials: (store) => ({ good: store.install(), bad: { ...store.install(), consumerSecret: 'cs_revoked0000000000000000000000000000000' } }),
});

const kind = (k: string) => (err: unknown) => err instanceof PluginError && err.kind === k;

describe('woocommerce channel', () => {
  let store: WooCommerceStoreFake;
  let files: FakeServer;
  let photo: Buffer;
  const woo = new WooCommerceChannel();
  const ctx = channelTestContext();
  const image = (name = 'photo.jpg', data = photo) => ({ data, mimeType: 'image/jpeg', width: 600, height: 600, filename: name, url: `${files.url}/${name}?signature=s` });
  const productOf = async (credentials: WooCommerceCredentials, id: string) => {
    const page = await woo.listProducts(channelTestConnection(credentials), { cursor: null, updatedSince: null, pageSize: 100 }, ctx);
    return page.products.find((p) => p.externalId === id)!;
  };
  const updates = () => store.requests.filter((r) => r.method === 'PUT' && /\/products\/\d+\?/.test(r.url)).length;

  beforeAll(async () => {
    store = await new WooCommerceStoreFake().start();
    photo = await sharp({ create: { width: 600, height: 600, channels: 3, background: '#ffffff' } }).jpeg().toBuffer();
    files = await startFakeServer((req) => (/\.jpg\?/.test(req.url) ? { headers: { 'content-type': 'image/jpeg' }, body: photo } : { headers: { 'content-type': 'image/jpeg' }, body: Buffer.from('not an image') }));
  });
  afterAll(async () => {
    await store.close();
    await files.close();
  });

  it('sends every request of the official client through the call context’s HTTP client', async () => {
    const credentials = store.install();
    const sent: string[] = [];
    const base = channelTestContext();
    const traced = { ...base, http: { fetch: (input: string | URL | Request, init?: RequestInit) => (sent.push(input instanceof Request ? input.url : String(input)), base.http.fetch(input, init)) } };
    await woo.connect(channelTestConnection(credentials), traced);
    expect(sent).toHaveLength(1);
    expect(new URL(sent[0]).pathname).toBe('/wp-json/wc/v3/products');
  });

  it('signs with Basic auth over https, as the official client does, and sends the query as given', async () => {
    const credentials = { ...store.install(), storeUrl: 'https://shop.example' };
    const base = channelTestContext();
    // The store behind a TLS-terminating proxy: the request goes to the fake, saying it came over https.
    const tls = {
      ...base,
      http: {
        fetch: async (input: string | URL | Request, init?: RequestInit) => {
          const request = new Request(input, init);
          const headers = new Headers(request.headers);
          headers.set('x-forwarded-proto', 'https');
          const url = new URL(request.url);
          return base.http.fetch(new URL(`${url.pathname}${url.search}`, store.baseUrl), { method: request.method, headers, body: request.body ? await request.arrayBuffer() : undefined });
        },
      },
    };
    const since = new Date();
    const [, recent] = await store.resetCatalogue([
      { title: 'Old', skus: ['OLD'], updatedAt: new Date(since.getTime() - 86_400_000) },
      { title: 'New', skus: ['NEW'], updatedAt: since },
    ]);
    const page = await woo.listProducts(channelTestConnection(credentials), { cursor: null, updatedSince: since, pageSize: 10 }, tls);
    expect(page.products.map((p) => p.externalId)).toEqual([recent]);
    const sent = store.requests.at(-1)!;
    expect(String(sent.headers.authorization)).toMatch(/^Basic /);
    expect(sent.url).not.toContain('oauth_');
    await expect(woo.connect(channelTestConnection({ ...credentials, consumerSecret: 'cs_wrong' }), tls)).rejects.toSatisfy(kind('invalid_credentials'));
  });

  it('syncs a catalogue of several pages, with the variations of variable products, following X-WP-TotalPages', async () => {
    const credentials = store.install();
    const ids = await store.resetCatalogue(Array.from({ length: 23 }, (_, i) => ({ title: `Tee ${i}`, skus: i % 2 ? [`T${i}`] : [`T${i}-S`, `T${i}-M`], updatedAt: new Date() })));
    const cursors: (string | null)[] = [];
    const seen = [];
    let cursor: string | null = null;
    do {
      const page = await woo.listProducts(channelTestConnection(credentials), { cursor, updatedSince: null, pageSize: 10 }, ctx);
      seen.push(...page.products);
      cursor = page.nextCursor;
      cursors.push(cursor);
    } while (cursor);
    expect(cursors).toEqual(['2', '3', null]);
    expect(seen.map((p) => p.externalId)).toEqual(ids);
    expect(seen[0].variants.map((v) => v.sku)).toEqual(['T0-S', 'T0-M']);
    expect(seen[1].variants).toEqual([{ externalId: ids[1], sku: 'T1', title: 'Tee 1', imageExternalId: null }]);
  });

  it('moves the variations that showed a replaced image to the new one', async () => {
    const credentials = store.install();
    const connection = channelTestConnection(credentials);
    const [id] = await store.resetCatalogue([{ title: 'Shirt', skus: ['S', 'M', 'L'], updatedAt: new Date() }]);
    const [small, medium] = (await productOf(credentials, id)).variants;
    const old = await woo.publishImage(connection, { productExternalId: id, variantExternalId: small.externalId, slot: 'main', image: image('old.jpg') }, ctx);
    const white = await sharp({ create: { width: 600, height: 600, channels: 3, background: '#fefefe' } }).jpeg().toBuffer();
    const replacement = await woo.publishImage(connection, { productExternalId: id, slot: 'main', replaceImageExternalId: (old as { externalImageId: string }).externalImageId, image: image('new.jpg', white) }, ctx);
    const product = await productOf(credentials, id);
    const newId = (replacement as { externalImageId: string }).externalImageId;
    expect(product.images.map((i) => i.externalId)).toEqual([newId]);
    expect(product.variants.map((v) => v.imageExternalId)).toEqual([newId, null, null]);
    expect(medium.imageExternalId).toBeNull();
  });

  it('takes the wait a throttled answer names from Retry-After', async () => {
    store.throttleNext(3);
    const err = await woo.connect(channelTestConnection(store.install()), ctx).catch((e: unknown) => e);
    expect(err).toSatisfy(kind('rate_limited'));
    expect((err as PluginError).retryAfterMs).toBe(3000);
  });

  it('finds the image a timed-out publish attached instead of attaching it again', async () => {
    const credentials = store.install();
    const [id] = await store.resetCatalogue([{ title: 'Mug', skus: ['MUG'], updatedAt: new Date() }]);
    const input: PublishImageInput = { productExternalId: id, slot: 'main', alt: 'A white mug', image: image('mug.jpg') };
    store.stallNextUpdate(400);
    const before = updates();
    await expect(woo.publishImage(channelTestConnection(credentials), input, channelTestContext(AbortSignal.timeout(150)))).rejects.toThrow();
    const retried = await woo.publishImage(channelTestConnection(credentials), input, ctx);
    expect(updates() - before).toBe(1);
    expect((await productOf(credentials, id)).images).toEqual([{ externalId: (retried as { externalImageId: string }).externalImageId, url: expect.stringMatching(/\/mug\.jpg$/), position: 1, alt: 'A white mug' }]);
  });

  it('uploads to the media library with an Application Password, attaches by id, and uploads once when retried', async () => {
    const credentials = store.install({ mediaLibrary: true });
    const [id] = await store.resetCatalogue([{ title: 'Lamp', skus: ['LAMP'], updatedAt: new Date() }]);
    const lamp = await sharp({ create: { width: 600, height: 600, channels: 3, background: '#f0f0f0' } }).jpeg().toBuffer();
    const input: PublishImageInput = { productExternalId: id, slot: 'main', alt: 'Lamp, lit', image: { ...image('lamp.jpg', lamp), url: 'https://not-reachable.example/lamp' } };
    const uploads = () => store.requests.filter((r) => r.method === 'POST' && r.url.startsWith('/wp-json/wp/v2/media')).length;
    store.stallNextUpdate(400);
    await expect(woo.publishImage(channelTestConnection(credentials), input, channelTestContext(AbortSignal.timeout(150)))).rejects.toThrow();
    // This time the product update is lost (a fresh catalogue): only the media library remembers the upload.
    await store.resetCatalogue([{ title: 'Lamp', skus: ['LAMP'], updatedAt: new Date() }]).then(([again]) => Object.assign(input, { productExternalId: again }));
    const result = await woo.publishImage(channelTestConnection(credentials), input, ctx);
    expect(uploads()).toBe(1);
    const put = store.requests.filter((r) => r.method === 'PUT').at(-1)!;
    expect(JSON.parse(put.body.toString()).images).toEqual([{ id: Number((result as { externalImageId: string }).externalImageId), name: expect.stringMatching(/^darkroom-/), alt: 'Lamp, lit' }]);
    expect((await productOf(credentials, input.productExternalId)).images[0]).toMatchObject({ position: 1, alt: 'Lamp, lit', url: expect.stringMatching(/\/lamp\.jpg$/) });
    await expect(woo.publishImage(channelTestConnection({ ...credentials, applicationPassword: 'abcd efgh ijkl mnop' }), { ...input, image: image('other.jpg', Buffer.concat([photo, Buffer.from([0])])) }, ctx)).rejects.toSatisfy(kind('invalid_credentials'));
  });

  it('answers the store’s refusals with their kinds: a vanished product, an image it cannot take, a bad gateway', async () => {
    const connection = channelTestConnection(store.install());
    const [id] = await store.resetCatalogue([{ title: 'Vase', skus: ['VASE'], updatedAt: new Date() }]);
    await expect(woo.publishImage(connection, { productExternalId: '999999', slot: 'main', image: image() }, ctx)).rejects.toSatisfy(kind('invalid_input'));
    await expect(woo.publishImage(connection, { productExternalId: id, slot: 'main', image: { ...image(), url: `${files.url}/photo?signature=s` } }, ctx)).rejects.toSatisfy(kind('content_rejected'));
    await expect(woo.publishImage(connection, { productExternalId: id, slot: 'main', image: image('broken.png') }, ctx)).rejects.toSatisfy(kind('content_rejected'));
    await expect(woo.publishImage(connection, { productExternalId: id, slot: 'gallery', position: 1, image: image() }, ctx)).rejects.toSatisfy(kind('invalid_input'));
    store.failNext(502);
    await expect(woo.connect(connection, ctx)).rejects.toSatisfy(kind('transient'));
    await expect(woo.removeImage(connection, { productExternalId: '999999', imageExternalId: '1' }, ctx)).resolves.toBeUndefined();
  });

  it('answers transient when the store does not answer, with nothing in the error that carries the key', async () => {
    const credentials = { ...store.install(), storeUrl: 'http://127.0.0.1:9' };
    const err = await woo.connect(channelTestConnection(credentials), ctx).catch((e: unknown) => e);
    expect(err).toSatisfy(kind('transient'));
    expect(inspect(err, { depth: 8 })).not.toContain(credentials.consumerKey);
  });

  it('follows no redirect, and names the address a moved store answers from', async () => {
    const moved = await startFakeServer((req) => ({ status: 301, headers: { location: `https://shop.example${req.url}` } }));
    try {
      const err = await woo.connect(channelTestConnection({ ...store.install(), storeUrl: moved.url }), ctx).catch((e: unknown) => e);
      expect(err).toSatisfy(kind('invalid_input'));
      expect((err as Error).message).toContain('https://shop.example;');
      expect(moved.requests).toHaveLength(1);
    } finally {
      await moved.close();
    }
  });

  it('reads webhooks by their signed topic, takes the store’s ping, and refuses a delivery without the secret', () => {
    const connection = channelTestConnection(store.install());
    const secret = 'whsec_connection';
    const signed = (topic: string, body: object, signedWith = secret) => {
      const rawBody = Buffer.from(JSON.stringify(body));
      return { headers: { 'X-WC-Webhook-Topic': topic, 'X-WC-Webhook-Signature': createHmac('sha256', signedWith).update(rawBody).digest('base64') }, rawBody };
    };
    const restored = signed('product.restored', { id: 5 });
    expect(woo.parseWebhook(restored.headers, restored.rawBody, connection, secret)).toEqual({ deliveryId: null, event: 'product.updated', data: { productExternalId: '5' } });
    const order = signed('order.created', { id: 9 });
    expect(woo.parseWebhook(order.headers, order.rawBody, connection, secret)).toEqual({ deliveryId: null, event: 'other', data: { topic: 'order.created' } });
    const forged = signed('product.deleted', { id: 5 }, 'not-the-secret');
    expect(woo.parseWebhook(forged.headers, forged.rawBody, connection, secret)).toBeNull();
    expect(woo.parseWebhook(restored.headers, restored.rawBody, connection, '')).toBeNull();
    expect(woo.parseWebhook({ 'content-type': 'application/x-www-form-urlencoded' }, Buffer.from('webhook_id=17'), connection, secret)).toEqual({ deliveryId: null, event: 'other', data: { topic: 'webhook.ping' } });
  });

  it('takes no options, and hands out fixed demo credentials that work', async () => {
    expect(WooCommerceChannel.validateOptions({ baseUrl: 'http://x' })).toEqual(['baseUrl is not a field this plugin takes']);
    const demo = store.demo();
    expect(store.demo()).toEqual(demo);
    expect(WooCommerceChannel.validateOptions(demo.options)).toEqual([]);
    await expect(woo.connect(channelTestConnection(demo.credentials), ctx)).resolves.toEqual({ accountId: new URL(store.baseUrl).host, accountName: new URL(store.baseUrl).host });
  });
});
