import {
  ChannelPlugin,
  CHANNEL_SDK_VERSION,
  hmacSignatureMatches,
  optionProblems,
  PluginError,
  webhookHeader,
  type ChannelAccount,
  type ChannelCallContext,
  type ChannelConnection,
  type ChannelOAuth,
  type ChannelProductPage,
  type ChannelWebhookEvent,
  type ImageRequirements,
  type ListProductsQuery,
  type PublishImageInput,
  type PublishResult,
  type RemoveImageInput,
  type RuleSource,
  type WebhookHeaders,
} from '../../../src/plugins';
import { ShopifyClient } from './shopify-client';
import { ShopifyCredentials, ShopifyOptions } from './shopify-credentials.dto';
import { toProduct, toWebhookEvent, type ShopifyProductNode } from './shopify-mapping';
import { ShopifyPublisher } from './shopify-publisher';
import { shopifyOAuth } from './shopify-oauth';
import { PRODUCTS, SHOP } from './shopify-queries';

type Connection = ChannelConnection<ShopifyCredentials>;

const MEDIA_GUIDE: RuleSource = { url: 'https://shopify.dev/docs/apps/online-store/media/products', checkedOn: '2026-11-29' };

/** Shopify's upload limits, as the shipped rule pack config/marketplaces/shopify.yaml states them (slot shopify-product). */
const IMAGES: ImageRequirements = {
  formats: ['jpeg', 'png', 'gif', 'webp', 'heic'],
  maxBytes: 20_000_000,
  maxWidth: 4472,
  maxHeight: 4472,
  maxMegapixels: 20,
  sources: [
    { ...MEDIA_GUIDE, note: 'The developer documentation says 4472 x 4472 px or 20 MP and lists PNG, GIF and JPG; third-party pages say 5000 x 5000 px and add WebP and HEIC, which the admin accepts.' },
    { url: 'https://sellshot.ai/', checkedOn: '2026-11-29', note: 'Third-party figure for the 20 MB file size.' },
  ],
};

/**
 * Shopify through the GraphQL Admin API (@shopify/shopify-api): products and their media in cursor
 * pages filtered by updated_at, images uploaded as bytes to a staged upload and attached with
 * productUpdate, processed asynchronously, and webhooks signed with the app's secret.
 */
@ChannelPlugin({
  id: 'shopify',
  sdkVersion: CHANNEL_SDK_VERSION,
  name: 'Shopify',
  description: 'Shopify stores through the GraphQL Admin API: catalogue sync, product images uploaded as files, webhooks.',
  credentials: ShopifyCredentials,
  imageSlots: [
    { id: 'main', name: 'Featured image', firstPosition: 1, maxImages: 1, requirements: IMAGES },
    { id: 'gallery', name: 'Product media', firstPosition: 2, requirements: IMAGES },
  ],
  // Cost-based: a bucket of 1,000 points refilled at 100 a second (standard plans). A page asks
  // for up to ~900 points, so one at a time, but is charged what it returned (about 100 for ten
  // plain products); a publish step costs about 10.
  rateLimits: [
    { calls: ['listProducts'], perSecond: 1, burst: 1 },
    { calls: ['connect', 'publishImage', 'checkPublish', 'removeImage', 'exchange'], perSecond: 2, burst: 20 },
  ],
  maxPageSize: 10,
  webhookEvents: ['product.created', 'product.updated', 'product.deleted', 'app.uninstalled', 'gdpr.customer_data_request', 'gdpr.customer_redact', 'gdpr.shop_redact'],
  rulePack: 'shopify',
})
export class ShopifyChannel implements ChannelPlugin<ShopifyCredentials> {
  readonly oauth?: ChannelOAuth<ShopifyCredentials>;

  static validateOptions(options: Record<string, unknown>): string[] {
    const problems = optionProblems(ShopifyOptions, options);
    if (!problems.length && Boolean(options.clientId) !== Boolean(options.clientSecret)) problems.push('clientId and clientSecret go together');
    return problems;
  }

  constructor(private readonly options: ShopifyOptions = {}) {
    const { clientId, clientSecret } = options;
    if (clientId && clientSecret) this.oauth = shopifyOAuth({ ...options, clientId, clientSecret });
  }

  async connect(connection: Connection, ctx: ChannelCallContext): Promise<ChannelAccount> {
    const { shop } = await this.client(connection, ctx).graphql<{ shop: { id: string; name: string; myshopifyDomain: string } }>(SHOP);
    return { accountId: shop.myshopifyDomain, accountName: shop.name };
  }

  async listProducts(connection: Connection, query: ListProductsQuery, ctx: ChannelCallContext): Promise<ChannelProductPage> {
    const variables = {
      first: Math.min(query.pageSize, 10),
      after: query.cursor,
      query: query.updatedSince ? `updated_at:>='${query.updatedSince.toISOString()}'` : null,
    };
    const { products } = await this.client(connection, ctx).graphql<{ products: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: ShopifyProductNode[] } }>(PRODUCTS, variables);
    const truncated = products.nodes.filter((p) => p.variants.pageInfo.hasNextPage || p.media.pageInfo.hasNextPage).map((p) => p.id);
    if (truncated.length) ctx.logger.warn('Shopify products with more variants or media than one page lists; the rest are left out', { products: truncated });
    return { products: products.nodes.map(toProduct), nextCursor: products.pageInfo.hasNextPage ? products.pageInfo.endCursor : null };
  }

  async publishImage(connection: Connection, input: PublishImageInput, ctx: ChannelCallContext): Promise<PublishResult> {
    if (input.slot !== 'main' && input.slot !== 'gallery') throw new PluginError('invalid_input', `Shopify has no image slot "${input.slot}"`);
    return new ShopifyPublisher(this.client(connection, ctx)).publish(input);
  }

  checkPublish(connection: Connection, externalRef: string, ctx: ChannelCallContext): Promise<PublishResult> {
    return new ShopifyPublisher(this.client(connection, ctx)).check(externalRef);
  }

  removeImage(connection: Connection, input: RemoveImageInput, ctx: ChannelCallContext): Promise<void> {
    return new ShopifyPublisher(this.client(connection, ctx)).remove(input);
  }

  /**
   * Signed with the secret of the app the shop installed: the merchant's own, else Darkroom's. Shopify
   * lets no one choose that key, so the connection's webhook secret is not used.
   */
  parseWebhook(headers: WebhookHeaders, rawBody: Buffer, connection: Connection): ChannelWebhookEvent | null {
    const topic = webhookHeader(headers, 'x-shopify-topic');
    const secret = connection.credentials.clientSecret ?? this.options.clientSecret;
    if (!topic || !secret || !hmacSignatureMatches(rawBody, secret, webhookHeader(headers, 'x-shopify-hmac-sha256'))) return null;
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return null;
    }
    return toWebhookEvent(topic, body as Parameters<typeof toWebhookEvent>[1], webhookHeader(headers, 'x-shopify-webhook-id') ?? null);
  }

  private client(connection: Connection, ctx: ChannelCallContext): ShopifyClient {
    return new ShopifyClient(connection, ctx, this.options);
  }
}
