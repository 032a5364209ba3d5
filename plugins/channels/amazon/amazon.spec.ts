import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PluginError, type ChannelProduct, type PublishImageInput, type PublishResult } from '../../../src/plugins';
import { channelTestConnection, channelTestContext, startFakeServer, type FakeServer, type TestChannelConnection } from '../../../src/plugins/testing';
import type { AmazonCredentials } from './amazon-credentials.dto';
import { AmazonChannel } from './amazon.channel';
import { AMAZON_FAKE_SELLER_ID, AmazonSpApiFake } from './fake';

const kind = (k: string) => (err: unknown) => err instanceof PluginError && err.kind === k;
const caught = (promise: Promise<unknown>) => promise.then(() => null, (err: unknown) => err as PluginError);

describe('amazon channel', () => {
  let store: AmazonSpApiFake;
  let files: FakeServer;
  let amazon: AmazonChannel;
  let connection: TestChannelConnection<AmazonCredentials>;
  const ctx = channelTestContext();
  const image = (name: string, query = 'signature=first'): PublishImageInput['image'] => ({ data: Buffer.from('jpeg'), mimeType: 'image/jpeg', width: 2000, height: 2000, filename: name, url: `${files.url}/files/${name}?${query}` });
  const settle = async (result: PublishResult): Promise<string> => {
    for (let checks = 0; result.status === 'pending'; checks++) {
      if (checks === 10) throw new Error('still pending');
      result = await amazon.checkPublish(connection, result.externalRef, ctx);
    }
    return result.externalImageId;
  };
  const publish = async (input: Omit<PublishImageInput, 'image'> & { image?: PublishImageInput['image'] }, name = `${Math.random().toString(36).slice(2)}.jpg`) =>
    settle(await amazon.publishImage(connection, { image: image(name), ...input }, ctx));
  const all = async (updatedSince: Date | null = null, pageSize = 20) => {
    const seen: ChannelProduct[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await amazon.listProducts(connection, { cursor, updatedSince, pageSize }, ctx);
      seen.push(...page.products);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    return { seen, pages };
  };
  const product = async (id: string) => (await all()).seen.find((p) => p.externalId === id)!;

  beforeAll(async () => {
    store = await new AmazonSpApiFake({ burst: 1000 }).start();
    files = await startFakeServer((req) => (req.url.startsWith('/files/') ? { headers: { 'content-type': 'image/jpeg' }, body: Buffer.from('ffd8ffe0', 'hex') } : { status: 404, body: 'not found' }));
    amazon = new AmazonChannel(store.pluginOptions());
  });
  afterAll(async () => {
    await store?.close();
    await files?.close();
  });
  beforeEach(() => {
    connection = channelTestConnection(store.install());
  });

  it('connects as the seller, and refuses a revoked refresh token, a wrong app secret and another seller id as invalid_credentials', async () => {
    await expect(amazon.connect(connection, ctx)).resolves.toEqual({ accountId: AMAZON_FAKE_SELLER_ID, accountName: 'Darkroom Demo Store (Amazon.com)' });
    await expect(amazon.connect(channelTestConnection({ ...store.install(), refreshToken: 'Atzr|revoked' }), ctx)).rejects.toSatisfy(kind('invalid_credentials'));
    const wrongApp = new AmazonChannel({ ...store.pluginOptions(), clientSecret: 'amzn1.oa2-cs.v1.wrong' });
    await expect(wrongApp.connect(channelTestConnection(store.install()), ctx)).rejects.toSatisfy(kind('invalid_credentials'));
    await expect(amazon.connect(channelTestConnection({ ...store.install(), sellerId: 'A1OTHERSELLER' }), ctx)).rejects.toSatisfy(kind('invalid_credentials'));
  });

  it('refuses, as invalid_input, a marketplace the seller does not sell in', async () => {
    await expect(amazon.connect(channelTestConnection({ ...store.install(), marketplaceIds: ['A1PA6795UKMFR9'] }), ctx)).rejects.toSatisfy(kind('invalid_input'));
  });

  it('signs in once for many calls, and once more when SP-API ends the access token early', async () => {
    const before = store.tokensIssued;
    await Promise.all([amazon.connect(connection, ctx), amazon.listProducts(connection, { cursor: null, updatedSince: null, pageSize: 5 }, ctx)]);
    expect(store.tokensIssued - before).toBe(1);
    store.expireAccessTokens();
    await amazon.listProducts(connection, { cursor: null, updatedSince: null, pageSize: 5 }, ctx);
    expect(store.tokensIssued - before).toBe(2);
  });

  it('syncs a catalogue of several pages, each variation parent once with its children as variants', async () => {
    const ids = await store.resetCatalogue(Array.from({ length: 45 }, (_, i) => ({ title: `Tee ${i}`, skus: [`TEE-${String(i).padStart(2, '0')}-S`, `TEE-${String(i).padStart(2, '0')}-M`], updatedAt: new Date() })));
    const { seen, pages } = await all(null, 20);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.map((p) => p.externalId).sort()).toEqual([...ids].sort());
    expect(seen.find((p) => p.externalId === 'TEE-07-S-PARENT')).toMatchObject({ title: 'Tee 7', images: [], variants: [{ externalId: 'TEE-07-S', sku: 'TEE-07-S' }, { externalId: 'TEE-07-M', sku: 'TEE-07-M' }] });
  });

  it('lists, in an incremental sync, the parent of a variation that changed alone', async () => {
    const old = new Date(Date.now() - 86_400_000);
    await store.resetCatalogue([{ title: 'Hoodie', skus: ['HOOD-S', 'HOOD-M'], updatedAt: old }, { title: 'Cap', skus: ['CAP'], updatedAt: old }]);
    const since = new Date();
    await publish({ productExternalId: 'HOOD-S-PARENT', variantExternalId: 'HOOD-M', slot: 'main' });
    const { seen } = await all(since);
    expect(seen.map((p) => p.externalId)).toEqual(['HOOD-S-PARENT']);
    expect(seen[0].variants.find((v) => v.externalId === 'HOOD-M')?.imageExternalId).toMatch(/^main_product_image_locator:/);
  });

  it('publishes on the locators, replaces the main image, and removes an image (twice); Amazon keeps no alt text', async () => {
    const [id] = await store.resetCatalogue([{ title: 'Mug', skus: ['MUG'], updatedAt: new Date() }]);
    const main = await publish({ productExternalId: id, slot: 'main', alt: 'Front' });
    const back = await publish({ productExternalId: id, slot: 'additional', position: 2, alt: 'Back' });
    const side = await publish({ productExternalId: id, slot: 'additional', position: 4 });
    expect((await product(id)).images.map((i) => [i.externalId, i.position, i.alt])).toEqual([[main, 1, null], [back, 2, null], [side, 4, null]]);
    expect(back).toMatch(/^other_product_image_locator_1:/);
    const replacement = await publish({ productExternalId: id, slot: 'main', replaceImageExternalId: main });
    expect(replacement).not.toBe(main);
    await amazon.removeImage(connection, { productExternalId: id, imageExternalId: back }, ctx);
    await amazon.removeImage(connection, { productExternalId: id, imageExternalId: back }, ctx);
    await amazon.removeImage(connection, { productExternalId: id, imageExternalId: main }, ctx);
    const after = await product(id);
    expect(after.images.map((i) => [i.externalId, i.position])).toEqual([[replacement, 1], [side, 4]]);
    expect(after.variants[0].imageExternalId).toBe(replacement);
  });

  it('puts an additional image without a position after the last one, and refuses a tenth image or a position off the slots', async () => {
    const [id] = await store.resetCatalogue([{ title: 'Lamp', skus: ['LAMP'], updatedAt: new Date() }]);
    await publish({ productExternalId: id, slot: 'additional', position: 3 });
    expect(await publish({ productExternalId: id, slot: 'additional' })).toMatch(/^other_product_image_locator_3:/);
    await publish({ productExternalId: id, slot: 'additional', position: 9 });
    await expect(amazon.publishImage(connection, { productExternalId: id, slot: 'additional', image: image('tenth.jpg') }, ctx)).rejects.toSatisfy(kind('invalid_input'));
    await expect(amazon.publishImage(connection, { productExternalId: id, slot: 'additional', position: 10, image: image('x.jpg') }, ctx)).rejects.toSatisfy(kind('invalid_input'));
    await expect(amazon.publishImage(connection, { productExternalId: id, slot: 'swatch', image: image('x.jpg') }, ctx)).rejects.toSatisfy(kind('invalid_input'));
  });

  it('does not take a second slot when a publish is retried after its answer timed out', async () => {
    const [id] = await store.resetCatalogue([{ title: 'Bag', skus: ['BAG'], updatedAt: new Date() }]);
    store.delayNextSubmission(1500);
    const submissions = () => store.requests.filter((r) => r.method === 'PATCH' && !r.url.includes('VALIDATION_PREVIEW')).length;
    const before = submissions();
    await expect(amazon.publishImage(connection, { productExternalId: id, slot: 'additional', image: image('bag.jpg') }, channelTestContext(AbortSignal.timeout(300)))).rejects.toMatchObject({ name: 'TimeoutError' });
    // The core signs the link anew for the retry: the same file under another signature.
    const retried = await amazon.publishImage(connection, { productExternalId: id, slot: 'additional', image: image('bag.jpg', 'signature=second') }, ctx);
    expect(retried).toEqual({ status: 'done', externalImageId: expect.stringMatching(/^other_product_image_locator_1:/) });
    expect(submissions() - before).toBe(1);
    expect((await product(id)).images).toHaveLength(1);
  });

  it("answers a throttled call with rate_limited, waiting as long as the operation's x-amzn-RateLimit-Limit says", async () => {
    store.throttleNext();
    const listing = await caught(amazon.listProducts(connection, { cursor: null, updatedSince: null, pageSize: 1 }, ctx));
    expect(listing).toSatisfy(kind('rate_limited'));
    expect(listing?.retryAfterMs).toBe(200);
    store.throttleNext();
    // getMarketplaceParticipations is allowed 0.016 requests a second: one more in 62.5 s.
    expect((await caught(amazon.connect(connection, ctx)))?.retryAfterMs).toBe(62_500);
  });

  it("throttles at the operation's documented burst", async () => {
    const strict = await new AmazonSpApiFake().start();
    try {
      const plugin = new AmazonChannel(strict.pluginOptions());
      const seller = channelTestConnection(strict.install());
      const results = await Promise.all(Array.from({ length: 6 }, () => caught(plugin.listProducts(seller, { cursor: null, updatedSince: null, pageSize: 1 }, ctx))));
      expect(results.filter((r) => r === null)).toHaveLength(5);
      expect(results.find((r) => r !== null)).toSatisfy(kind('rate_limited'));
    } finally {
      await strict.close();
    }
  });

  it('answers content_rejected for a link Amazon refuses at once, and for an image it cannot download later', async () => {
    const [id] = await store.resetCatalogue([{ title: 'Vase', skus: ['VASE'], updatedAt: new Date() }]);
    const notPublic = { ...image('vase.jpg'), url: 'http://example.com/vase.jpg' };
    await expect(amazon.publishImage(connection, { productExternalId: id, slot: 'main', image: notPublic }, ctx)).rejects.toSatisfy(kind('content_rejected'));
    const missing = { ...image('vase.jpg'), url: `${files.url}/missing/vase.jpg` };
    store.publishAsynchronously(2);
    const pending = await amazon.publishImage(connection, { productExternalId: id, slot: 'main', image: missing }, ctx);
    expect(pending.status).toBe('pending');
    const ref = (pending as { externalRef: string }).externalRef;
    await expect(amazon.checkPublish(connection, ref, ctx)).resolves.toEqual(pending);
    await expect(amazon.checkPublish(connection, ref, ctx)).rejects.toSatisfy(kind('content_rejected'));
  });

  it('answers invalid_input for a product that vanished, and transient for a 5xx', async () => {
    await store.resetCatalogue([]);
    await expect(amazon.publishImage(connection, { productExternalId: 'GONE', slot: 'main', image: image('x.jpg') }, ctx)).rejects.toSatisfy(kind('invalid_input'));
    await expect(amazon.removeImage(connection, { productExternalId: 'GONE', imageExternalId: 'main_product_image_locator:0123456789abcdef:GONE' }, ctx)).resolves.toBeUndefined();
    store.failNext(500);
    await expect(amazon.listProducts(connection, { cursor: null, updatedSince: null, pageSize: 1 }, ctx)).rejects.toSatisfy(kind('transient'));
    store.failNext(503);
    await expect(amazon.listProducts(connection, { cursor: null, updatedSince: null, pageSize: 1 }, ctx)).rejects.toSatisfy(kind('transient'));
  });

  it("connects through Seller Central's consent page, taking the callback's spapi_oauth_code once, and asks for the region first", async () => {
    const redirectUri = 'https://darkroom.example/api/v1/channels/oauth/callback';
    expect(() => amazon.oauth!.authorizeUrl({ state: 's', redirectUri, params: {} })).toThrow(PluginError);
    const consent = await fetch(amazon.oauth!.authorizeUrl({ state: 's', redirectUri, params: { region: 'na' } }), { redirect: 'manual' });
    const query = Object.fromEntries(new URL(consent.headers.get('location')!).searchParams);
    expect(Object.keys(query).sort()).toEqual(['selling_partner_id', 'spapi_oauth_code', 'state']);
    const credentials = await amazon.oauth!.exchange({ code: '', redirectUri, query }, ctx);
    expect(credentials).toEqual({ sellerId: AMAZON_FAKE_SELLER_ID, marketplaceIds: ['ATVPDKIKX0DER'], region: 'na', refreshToken: expect.stringMatching(/^Atzr\|/) });
    await expect(amazon.oauth!.exchange({ code: '', redirectUri, query }, ctx)).rejects.toSatisfy(kind('invalid_credentials'));
  });

  it('names every problem with its options', () => {
    expect(AmazonChannel.validateOptions(store.pluginOptions() as unknown as Record<string, unknown>)).toEqual([]);
    expect(new AmazonChannel({ clientId: 'a', clientSecret: 'b' }).oauth).toBeUndefined();
    expect(AmazonChannel.validateOptions({ clientId: 'a', spApiBaseUrl: 'not a url', region: 'na' }).sort()).toEqual([
      'clientSecret must be a string',
      'clientSecret should not be empty',
      'region is not a field this plugin takes',
      'spApiBaseUrl must be a URL address',
    ]);
  });
});
