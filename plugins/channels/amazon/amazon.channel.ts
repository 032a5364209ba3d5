import {
  ChannelPlugin,
  CHANNEL_SDK_VERSION,
  optionProblems,
  PluginError,
  type ChannelAccount,
  type ChannelCallContext,
  type ChannelConnection,
  type ChannelOAuth,
  type ChannelProductPage,
  type ImageRequirements,
  type ListProductsQuery,
  type PublishImageInput,
  type PublishResult,
  type RemoveImageInput,
} from '../../../src/plugins';
import { AmazonClient } from './amazon-client';
import { AmazonCredentials, AmazonOptions } from './amazon-credentials.dto';
import { AmazonListings } from './amazon-listings';
import { amazonOAuth } from './amazon-oauth';
import { ADDITIONAL_LOCATORS, imageId, linkDigest, locatorLink, MAIN_LOCATOR, parseImageId, productTypeOf, toProduct, type ListingsItemJson } from './amazon-mapping';

type Connection = ChannelConnection<AmazonCredentials>;

const SOURCE = { url: 'https://sellercentral.amazon.com/gp/help/external/G9FUUH87RBNXGKB7', checkedOn: '2026-11-29' };
/** Mirrors config/marketplaces/amazon.yaml (amazon-additional), which the studio checks against. */
const ADDITIONAL: ImageRequirements = { formats: ['jpeg', 'tiff', 'png', 'gif'], maxBytes: 10_000_000, minLongestSide: 500, maxLongestSide: 10_000, sources: [SOURCE] };
/** amazon-main: pure white, the product filling 85% of the frame, nothing added. */
const MAIN: ImageRequirements = {
  ...ADDITIONAL,
  background: { color: '#FFFFFF', tolerance: 0, allowTransparent: false },
  minProductFill: 0.85,
  forbidden: ['text', 'logo', 'watermark', 'border', 'badge'],
  sources: [SOURCE, { url: 'https://sellercentral.amazon.es/help/hub/reference/external/75PWC4THA8J269P', checkedOn: '2026-11-29', note: 'Background rules from the Spanish page; the 85% fill and content rules only on third-party pages quoting Amazon.' }],
};

/**
 * Amazon, through the Selling Partner API (amazon-sp-api): listings read with Listings Items
 * `searchListingsItems`, images set by link on a listing's `main_product_image_locator` and
 * `other_product_image_locator_1..8` with `patchListingsItem`, checked first in
 * VALIDATION_PREVIEW mode against the listing's product type. Amazon downloads the image from its
 * public HTTPS link and processes the submission later, so a publish is pending until the listing
 * shows it. Sellers connect through Seller Central's consent page when the app's `applicationId`
 * is set (amazon-oauth.ts). Notifications go to SQS, not HTTP, so there is no parseWebhook.
 */
@ChannelPlugin({
  id: 'amazon',
  sdkVersion: CHANNEL_SDK_VERSION,
  name: 'Amazon',
  description: 'Amazon Seller Central listings through the Selling Partner API: main and eight additional images per SKU, published by link.',
  credentials: AmazonCredentials,
  imageSlots: [
    { id: 'main', name: 'Main image', firstPosition: 1, maxImages: 1, requirements: MAIN },
    { id: 'additional', name: 'Additional images', firstPosition: 2, maxImages: 8, requirements: ADDITIONAL },
  ],
  // The Listings Items usage plans (requests per second, burst): search 5/5, get 5/10, patch 5/5.
  // A sync page is a search plus one for its variations; a publish or a removal is a get and two
  // patches (the validation preview, then the submission), from one patch budget.
  rateLimits: [
    { calls: ['connect', 'listProducts'], perSecond: 2.5, burst: 2 },
    { calls: ['publishImage', 'removeImage'], perSecond: 2.5, burst: 2 },
    { calls: ['checkPublish'], perSecond: 5, burst: 10 },
  ],
  maxPageSize: 20,
  webhookEvents: [],
  rulePack: 'amazon',
  fetchesImageLinks: true,
})
export class AmazonChannel implements ChannelPlugin<AmazonCredentials> {
  readonly oauth?: ChannelOAuth<AmazonCredentials>;

  static validateOptions(options: Record<string, unknown>): string[] {
    return optionProblems(AmazonOptions, options);
  }

  constructor(private readonly options: AmazonOptions) {
    if (options.applicationId) this.oauth = amazonOAuth({ ...options, applicationId: options.applicationId });
  }

  async connect(connection: Connection, ctx: ChannelCallContext): Promise<ChannelAccount> {
    const { sellerId, marketplaceIds } = connection.credentials;
    const client = this.client(connection, ctx);
    const { payload } = await client.call<{ payload: { marketplace: { id: string; name: string }; participation: { isParticipating: boolean }; storeName?: string }[] }>({ operation: 'sellers.getMarketplaceParticipations' });
    const selling = payload.filter((p) => p.participation.isParticipating);
    const missing = marketplaceIds.filter((id) => !selling.some((p) => p.marketplace.id === id));
    if (missing.length) throw new PluginError('invalid_input', `this Amazon seller does not sell in marketplace(s) ${missing.join(', ')}`);
    // The token is the seller's; a seller id that is not its own answers 403 here.
    await new AmazonListings(client, connection.credentials).search({ pageSize: 1 });
    const first = selling.find((p) => p.marketplace.id === marketplaceIds[0])!;
    return { accountId: sellerId, accountName: `${first.storeName ?? sellerId} (${first.marketplace.name})` };
  }

  async listProducts(connection: Connection, query: ListProductsQuery, ctx: ChannelCallContext): Promise<ChannelProductPage> {
    const listings = new AmazonListings(this.client(connection, ctx), connection.credentials);
    const page = await listings.search({ pageSize: Math.min(query.pageSize, 20), pageToken: query.cursor ?? undefined, lastUpdatedAfter: query.updatedSince?.toISOString() });
    const products = await listings.withVariations(page.items, query.updatedSince !== null);
    return { products: products.map(({ item, children }) => toProduct(item, children, listings.marketplaceId)), nextCursor: page.pagination?.nextToken ?? null };
  }

  async publishImage(connection: Connection, input: PublishImageInput, ctx: ChannelCallContext): Promise<PublishResult> {
    if (input.slot !== 'main' && input.slot !== 'additional') throw new PluginError('invalid_input', `Amazon has no image slot "${input.slot}"; it has main and additional`);
    const listings = new AmazonListings(this.client(connection, ctx), connection.credentials);
    const sku = input.variantExternalId ?? input.productExternalId;
    const item = await listings.get(sku);
    const productType = productTypeOf(item, listings.marketplaceId);
    if (!productType) throw new PluginError('invalid_input', `the Amazon listing ${sku} has no product type in marketplace ${listings.marketplaceId}`);
    const digest = linkDigest(input.image.url);
    const holding = (locator: string) => {
      const link = locatorLink(item, locator, listings.marketplaceId);
      return link !== null && linkDigest(link) === digest;
    };
    const locator = this.locatorFor(input, sku, item, listings.marketplaceId, holding);
    // Already there: a publish retried after its answer was lost must not take a second slot.
    if (holding(locator)) return { status: 'done', externalImageId: imageId(locator, input.image.url, sku) };
    const patch = { op: 'replace', path: `/attributes/${locator}`, value: connection.credentials.marketplaceIds.map((id) => ({ marketplace_id: id, media_location: input.image.url })) };
    const submission = await listings.patch(sku, productType, [patch], locator);
    return { status: 'pending', externalRef: JSON.stringify({ imageId: imageId(locator, input.image.url, sku), submissionId: submission.submissionId }) };
  }

  /** Done once the listing's locator holds the submitted link; an error Amazon filed against that locator is the image's refusal. */
  async checkPublish(connection: Connection, externalRef: string, ctx: ChannelCallContext): Promise<PublishResult> {
    const ref = parseRef(externalRef);
    const image = parseImageId(ref.imageId)!;
    const listings = new AmazonListings(this.client(connection, ctx), connection.credentials);
    const item = await listings.get(image.sku, ['summaries', 'attributes', 'issues']);
    const link = locatorLink(item, image.locator, listings.marketplaceId);
    if (link && linkDigest(link) === image.digest) return { status: 'done', externalImageId: ref.imageId };
    const refusals = (item.issues ?? []).filter((i) => i.severity === 'ERROR' && i.attributeNames?.includes(image.locator));
    if (refusals.length) throw new PluginError('content_rejected', `Amazon refused the image: ${refusals.map((i) => `${i.code}: ${i.message}`).join('; ')}`, { detail: ref.submissionId });
    return { status: 'pending', externalRef };
  }

  async removeImage(connection: Connection, input: RemoveImageInput, ctx: ChannelCallContext): Promise<void> {
    const image = parseImageId(input.imageExternalId);
    if (!image) throw new PluginError('invalid_input', `${input.imageExternalId} is not an Amazon image id of this plugin`);
    const listings = new AmazonListings(this.client(connection, ctx), connection.credentials);
    const item = await listings.get(image.sku).catch((err: unknown) => {
      // A listing that is gone has no image left to remove.
      if (err instanceof PluginError && err.detail === 'HTTP 404') return null;
      throw err;
    });
    const link = item && locatorLink(item, image.locator, listings.marketplaceId);
    if (!item || !link || linkDigest(link) !== image.digest) return;
    const patch = { op: 'delete', path: `/attributes/${image.locator}`, value: connection.credentials.marketplaceIds.map((id) => ({ marketplace_id: id, media_location: link })) };
    await listings.patch(image.sku, productTypeOf(item, listings.marketplaceId) ?? '', [patch], image.locator);
  }

  /**
   * Which locator attribute the image goes in. Amazon's slots are fixed: position N is
   * other_product_image_locator_(N-1), and the image there is replaced; without a position it is the
   * one after the last taken, unless the image is in one already.
   */
  private locatorFor(input: PublishImageInput, sku: string, item: ListingsItemJson, marketplaceId: string, holding: (locator: string) => boolean): string {
    if (input.replaceImageExternalId) {
      const replaced = parseImageId(input.replaceImageExternalId);
      if (!replaced || replaced.sku !== sku) throw new PluginError('invalid_input', `${input.replaceImageExternalId} is not an image of the Amazon listing ${sku}`);
      return replaced.locator;
    }
    if (input.slot === 'main') return MAIN_LOCATOR;
    if (input.position !== undefined) {
      const locator = ADDITIONAL_LOCATORS[input.position - 2];
      if (!locator) throw new PluginError('invalid_input', `Amazon's additional images take positions 2 to 9, not ${input.position}`);
      return locator;
    }
    const already = ADDITIONAL_LOCATORS.find(holding);
    if (already) return already;
    const taken = ADDITIONAL_LOCATORS.map((l) => locatorLink(item, l, marketplaceId) !== null).lastIndexOf(true);
    const next = ADDITIONAL_LOCATORS[taken + 1];
    if (!next) throw new PluginError('invalid_input', `the Amazon listing ${sku} has all eight additional images; give a position to replace one`);
    return next;
  }

  private client(connection: Connection, ctx: ChannelCallContext): AmazonClient {
    return new AmazonClient(this.options, connection, ctx);
  }
}

function parseRef(externalRef: string): { imageId: string; submissionId: string } {
  try {
    const ref = JSON.parse(externalRef) as { imageId?: unknown; submissionId?: unknown };
    if (typeof ref.imageId === 'string' && parseImageId(ref.imageId) && typeof ref.submissionId === 'string') return { imageId: ref.imageId, submissionId: ref.submissionId };
  } catch {
    // not JSON: refused below
  }
  throw new PluginError('invalid_input', 'not a publish reference of the Amazon plugin');
}
