import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelProduct, PublishImageInput } from '../channel-catalogue';
import { channelPluginProblems } from '../channel-checks';
import { channelMetadataOf, type ChannelPlugin, type ChannelPluginClass, type ChannelPluginMetadata } from '../channel-plugin';
import type { ChannelWebhookEventKind } from '../channel-webhooks';
import { PluginError } from '../plugin-call';
import { ImageHost, secretStrings, settle } from './channel-contract-fixtures';
import type { FakeImageKind } from './fake-images';
import { channelTestConnection, channelTestContext, type TestChannelConnection } from './channel-test-context';

export interface ChannelProductSeed {
  title: string;
  /** One variant per SKU. */
  skus: string[];
  updatedAt: Date;
  /** Images the store serves itself (fake-images.ts), in position order; none when absent. */
  images?: FakeImageKind[];
}

export interface ChannelWebhookRequest {
  headers: Record<string, string>;
  rawBody: Buffer;
}

/** What the contract suite asks of a plugin's fake store (its fake.ts), besides serving the store's API. */
export interface ChannelContractStore<C extends object> {
  /** Replaces the whole catalogue with the products (without images unless a seed names some); their external ids, in order. */
  resetCatalogue(products: ChannelProductSeed[]): Promise<string[]>;
  /** The store answers the next API request with its real throttled answer. */
  throttleNext(): void;
  /** The next image publish is processed asynchronously, done after a few status checks. Absent: the store never does that. */
  publishAsynchronously?(): void;
  /**
   * A webhook delivery as the store signs it for these credentials, with `secret` (the one the core
   * made for the connection) where the merchant gives the store its secret; needed when the plugin
   * declares webhook events.
   */
  webhook?(credentials: C, event: ChannelWebhookEventKind, productExternalId: string, secret: string): ChannelWebhookRequest;
  close(): Promise<void>;
}

export interface ChannelContractSetup<C extends object, S extends ChannelContractStore<C>> {
  /** The class the plugin folder default-exports. */
  plugin: ChannelPluginClass;
  /** Starts the plugin's fake store, once for the suite. */
  startStore(): Promise<S>;
  /** The options the plugin is made with (and that its validateOptions must pass), e.g. a `baseUrl` pointing at the store. */
  options?(store: S): Record<string, unknown>;
  /** Credentials the store takes, and credentials it refuses. */
  credentials(store: S): { good: C; bad: C };
  /**
   * For plugins with `oauth`: what the merchant types before the consent page. The fake's authorise
   * URL must redirect to the redirect URI with `code` and `state`, as a merchant's consent does.
   */
  oauthParams?(store: S): Record<string, string>;
}

const day = 86_400_000;
const isKind = (kind: string) => (err: unknown) => err instanceof PluginError && err.kind === kind;

/**
 * The conformance suite every channel plugin's spec runs against its fake store: connecting, paging,
 * incremental sync, publishing (at a position, replacing, removing, asynchronously), webhooks and
 * throttling, through the SDK's contract only:
 * `describeChannelContract('toy', { plugin: ToyChannel, startStore: () => new ToyStoreFake().start(), credentials: ... })`.
 */
export function describeChannelContract<C extends object, S extends ChannelContractStore<C>>(name: string, setup: ChannelContractSetup<C, S>): void {
  describe(`channel contract: ${name}`, () => {
    let store: S;
    let plugin: ChannelPlugin<C>;
    let metadata: ChannelPluginMetadata;
    let connection: TestChannelConnection<C>;
    let bad: C;
    /** The connections the plugin was given, for the check that no credential leaks into the logs. */
    const connections: TestChannelConnection<C>[] = [];
    const images = new ImageHost();
    const ctx = channelTestContext();
    const all = async (query: { updatedSince?: Date | null; pageSize?: number } = {}) => {
      const seen: ChannelProduct[] = [];
      let cursor: string | null = null;
      do {
        expect(seen.length, 'pages keep coming: is the cursor followed?').toBeLessThan(1000);
        const page = await plugin.listProducts(connection, { cursor, updatedSince: query.updatedSince ?? null, pageSize: query.pageSize ?? metadata.maxPageSize }, ctx);
        expect(page.products.length).toBeLessThanOrEqual(query.pageSize ?? metadata.maxPageSize);
        seen.push(...page.products);
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    const product = async (id: string) => (await all()).find((p) => p.externalId === id)!;
    const slot = (id: string) => metadata.imageSlots.find((s) => s.id === id)!;
    const publish = async (input: Omit<PublishImageInput, 'image'>) => settle(plugin, connection, await plugin.publishImage(connection, { ...input, image: await images.imageFor(slot(input.slot)) }, ctx), ctx);
    const options = () => setup.options?.(store) ?? {};
    const oneProduct = async () => (await store.resetCatalogue([{ title: 'Contract tee', skus: ['CT-S', 'CT-M'], updatedAt: new Date() }]))[0];

    beforeAll(async () => {
      store = await setup.startStore();
      plugin = new setup.plugin(options()) as unknown as ChannelPlugin<C>;
      metadata = channelMetadataOf(setup.plugin)!;
      const credentials = setup.credentials(store);
      connection = channelTestConnection(credentials.good);
      bad = credentials.bad;
      connections.push(connection);
      await images.start();
    });
    afterAll(async () => {
      await images?.close();
      await store?.close();
    });

    it('is marked @ChannelPlugin, its metadata and methods agree, and it takes its options', () => {
      expect(metadata, 'the class carries @ChannelPlugin({...})').toBeDefined();
      expect(channelPluginProblems(metadata, plugin as ChannelPlugin)).toEqual([]);
      expect(setup.plugin.validateOptions?.(options()) ?? []).toEqual([]);
    });

    it('connects with good credentials and refuses bad ones with invalid_credentials', async () => {
      const account = await plugin.connect(connection, ctx);
      expect(account.accountId).toEqual(expect.any(String));
      expect(account.accountName).toEqual(expect.any(String));
      await expect(plugin.connect(channelTestConnection(bad), ctx)).rejects.toSatisfy(isKind('invalid_credentials'));
    });

    it('stores credentials that still work on a fresh connection with no cached token', async () => {
      const fresh = channelTestConnection(connection.credentials as C);
      await plugin.connect(fresh, ctx);
      connection = fresh;
      connections.push(fresh);
      expect((await plugin.connect(channelTestConnection(fresh.credentials as C), ctx)).accountId).toEqual(expect.any(String));
    });

    it('pages through every product exactly once', async () => {
      const ids = await store.resetCatalogue(Array.from({ length: 7 }, (_, i) => ({ title: `Product ${i}`, skus: [`SKU-${i}-A`, `SKU-${i}-B`], updatedAt: new Date(Date.now() - (7 - i) * 60_000) })));
      const seen = await all({ pageSize: Math.min(3, metadata.maxPageSize) });
      expect(seen.map((p) => p.externalId).sort()).toEqual([...ids].sort());
      const first = seen.find((p) => p.externalId === ids[0])!;
      expect(first).toMatchObject({ title: 'Product 0', images: [] });
      expect(first.updatedAt).toBeInstanceOf(Date);
      expect(first.variants.map((v) => v.sku).sort()).toEqual(['SKU-0-A', 'SKU-0-B']);
    });

    it('lists only products updated at or after updatedSince', async () => {
      const since = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000);
      const ids = await store.resetCatalogue([-2 * day, -day, 0, 60_000, day / 2].map((offset, i) => ({ title: `P${i}`, skus: [`S${i}`], updatedAt: new Date(since.getTime() + offset) })));
      expect((await all({ updatedSince: since })).map((p) => p.externalId).sort()).toEqual(ids.slice(2).sort());
    });

    it('publishes images at their position, then replaces and removes one', async () => {
      expect(metadata.imageSlots[1], 'a slot after main').toBeDefined();
      const id = await oneProduct();
      const main = await publish({ productExternalId: id, slot: 'main', alt: 'Front' });
      const gallery = await publish({ productExternalId: id, slot: metadata.imageSlots[1].id, position: 2, alt: 'Back' });
      expect((await product(id)).images.map((i) => [i.externalId, i.position, i.alt])).toEqual([[main, 1, 'Front'], [gallery, 2, 'Back']]);
      const replacement = await publish({ productExternalId: id, slot: 'main', alt: 'Front, white', replaceImageExternalId: main });
      expect((await product(id)).images.map((i) => [i.externalId, i.position])).toEqual([[replacement, 1], [gallery, 2]]);
      await plugin.removeImage(connection, { productExternalId: id, imageExternalId: gallery }, ctx);
      await plugin.removeImage(connection, { productExternalId: id, imageExternalId: gallery }, ctx);
      expect((await product(id)).images.map((i) => i.externalId)).toEqual([replacement]);
    });

    it("sets a variant's image", async () => {
      const id = await oneProduct();
      const variant = (await product(id)).variants[1];
      const image = await publish({ productExternalId: id, variantExternalId: variant.externalId, slot: 'main' });
      expect((await product(id)).variants.find((v) => v.externalId === variant.externalId)?.imageExternalId).toBe(image);
    });

    it('follows a pending publish through checkPublish', async (test) => {
      if (!store.publishAsynchronously) return test.skip('the store always publishes at once');
      const id = await oneProduct();
      store.publishAsynchronously();
      const result = await plugin.publishImage(connection, { productExternalId: id, slot: 'main', image: await images.imageFor(slot('main')) }, ctx);
      expect(result).toEqual({ status: 'pending', externalRef: expect.any(String) });
      const image = await settle(plugin, connection, result, ctx);
      expect((await product(id)).images.map((i) => i.externalId)).toEqual([image]);
    });

    it('parses each signed webhook it declares, and refuses a tampered or unsigned one', async (test) => {
      if (!metadata.webhookEvents.length) return test.skip('the plugin declares no webhook events');
      expect(store.webhook, "the fake store must sign webhooks for the plugin's declared events").toBeDefined();
      const id = await oneProduct();
      const secret = 'whsec_contract_connection_secret';
      for (const event of metadata.webhookEvents) {
        const request = store.webhook!(connection.credentials as C, event, id, secret);
        const parsed = plugin.parseWebhook!(request.headers, request.rawBody, connection, secret);
        expect(parsed?.event, event).toBe(event);
        if (event.startsWith('product.')) expect(parsed?.data).toEqual({ productExternalId: id });
        expect(plugin.parseWebhook!(request.headers, Buffer.concat([request.rawBody, Buffer.from(' ')]), connection, secret), `${event}, tampered`).toBeNull();
        expect(plugin.parseWebhook!({ 'content-type': 'application/json' }, request.rawBody, connection, secret), `${event}, unsigned`).toBeNull();
      }
    });

    it('connects through OAuth when it offers it, and refuses a code the store did not issue', async (test) => {
      if (!plugin.oauth) return test.skip('the plugin has no OAuth');
      const redirectUri = 'https://darkroom.example/api/v1/channels/oauth/callback';
      const consent = await fetch(plugin.oauth.authorizeUrl({ state: 'contract-state', redirectUri, params: setup.oauthParams?.(store) ?? {} }), { redirect: 'manual' });
      const callback = new URL(consent.headers.get('location') ?? 'about:blank');
      expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
      expect(callback.searchParams.get('state')).toBe('contract-state');
      const query = Object.fromEntries(callback.searchParams);
      const credentials = await plugin.oauth.exchange({ code: query.code, redirectUri, query }, ctx);
      expect((await plugin.connect(channelTestConnection(credentials), ctx)).accountId).toEqual(expect.any(String));
      await expect(plugin.oauth.exchange({ code: 'not-issued', redirectUri, query: { ...query, code: 'not-issued' } }, ctx)).rejects.toSatisfy(isKind('invalid_credentials'));
    });

    it('stops when the call is aborted', async () => {
      const aborted = channelTestContext(AbortSignal.abort());
      await expect(plugin.listProducts(connection, { cursor: null, updatedSince: null, pageSize: 1 }, aborted)).rejects.toThrow();
    });

    it('maps a throttled answer to rate_limited with retryAfterMs', async () => {
      store.throttleNext();
      const err = await plugin.listProducts(connection, { cursor: null, updatedSince: null, pageSize: 1 }, ctx).catch((e: unknown) => e);
      expect(err).toSatisfy(isKind('rate_limited'));
      expect((err as PluginError).retryAfterMs).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, Math.min((err as PluginError).retryAfterMs ?? 0, 5000)));
    });

    it('never logs a secret of its credentials', () => {
      const secrets = connections.flatMap((c) => [c.initialCredentials, ...c.updates]).flatMap((c) => secretStrings(c));
      const text = JSON.stringify(ctx.logged);
      expect(secrets.filter((s) => text.includes(s))).toEqual([]);
    });
  });
}
