import {
  ChannelPlugin,
  CHANNEL_SDK_VERSION,
  hmacSignatureMatches,
  PluginError,
  webhookHeader,
  type ChannelAccount,
  type ChannelCallContext,
  type ChannelConnection,
  type ChannelProductPage,
  type ChannelWebhookEvent,
  type ImageRequirements,
  type ListProductsQuery,
  type PublishImageInput,
  type PublishResult,
  type RemoveImageInput,
  type WebhookHeaders,
} from '../../../src/plugins';
import { WooCommerceClient } from './woocommerce-client';
import { WooCommerceCredentials } from './woocommerce-credentials.dto';
import { hasVariations, imageMarker, modifiedAfter, productImages, toProduct, toWebhookEvent, type WooImageEntry, type WooProductJson, type WooVariationJson } from './woocommerce-mapping';

type Connection = ChannelConnection<WooCommerceCredentials>;

/** REST v3 pages hold at most 100 items (`per_page`). */
const MAX_PAGE = 100;

const THEME_SIZES = 'https://github.com/woocommerce/woocommerce/blob/trunk/docs/theme-development/image-sizes.md';

/**
 * WooCommerce sets no image rules of its own; these mirror the shipped rule pack
 * (config/marketplaces/woocommerce.yaml): the theme's default sizes, and the types WordPress shows.
 */
const PRODUCT_IMAGE: ImageRequirements = {
  formats: ['jpeg', 'png', 'gif', 'webp'],
  minWidth: 600,
  aspectRatio: { width: 1, height: 1, tolerance: 0.01 },
  sources: [{ url: THEME_SIZES, checkedOn: '2026-11-29', note: 'Theme defaults (woocommerce_single 600 px wide, woocommerce_thumbnail 300 px square), not platform rules; a theme can change them.' }],
};

/**
 * WooCommerce through REST v3 and the official `@woocommerce/woocommerce-rest-api`: products and
 * their variations paged by `X-WP-TotalPages`, images attached by the link the store downloads
 * (`src`), or uploaded to the WordPress media library with an Application Password and attached
 * by id; product webhooks verified by `X-WC-Webhook-Signature`.
 */
@ChannelPlugin({
  id: 'woocommerce',
  sdkVersion: CHANNEL_SDK_VERSION,
  name: 'WooCommerce',
  description: 'A WooCommerce store, through its REST API v3 keys: catalogue sync, product images published by link or to the media library, product webhooks.',
  credentials: WooCommerceCredentials,
  imageSlots: [
    { id: 'main', name: 'Product image', firstPosition: 1, maxImages: 1, requirements: PRODUCT_IMAGE },
    { id: 'gallery', name: 'Product gallery', firstPosition: 2, requirements: PRODUCT_IMAGE },
  ],
  // WooCommerce documents no limit for REST v3: the merchant's own server is the limit. This pace is
  // one a shared WordPress host bears; a host's own 429 still comes back as rate_limited.
  rateLimits: [{ perSecond: 4, burst: 8 }],
  maxPageSize: MAX_PAGE,
  webhookEvents: ['product.created', 'product.updated', 'product.deleted'],
  rulePack: 'woocommerce',
})
export class WooCommerceChannel implements ChannelPlugin<WooCommerceCredentials> {
  /** The plugin takes no options: a store's address and keys are the connection's. */
  static validateOptions(options: Record<string, unknown>): string[] {
    return Object.keys(options).map((key) => `${key} is not a field this plugin takes`);
  }

  /** Lists one product to prove the keys: the store refuses unknown keys and bad signatures with 401. */
  async connect(connection: Connection, ctx: ChannelCallContext): Promise<ChannelAccount> {
    await new WooCommerceClient(connection.credentials, ctx).get('products', { per_page: 1, _fields: 'id' });
    const site = new URL(connection.credentials.storeUrl);
    const address = `${site.host}${site.pathname.replace(/\/+$/, '')}`.toLowerCase();
    return { accountId: address, accountName: address };
  }

  async listProducts(connection: Connection, query: ListProductsQuery, ctx: ChannelCallContext): Promise<ChannelProductPage> {
    const page = query.cursor === null ? 1 : Number(query.cursor);
    if (!Number.isInteger(page) || page < 1) throw new PluginError('invalid_input', 'the cursor is not a WooCommerce page number');
    const client = new WooCommerceClient(connection.credentials, ctx);
    const params: Record<string, string | number | boolean> = { per_page: Math.min(query.pageSize, MAX_PAGE), page, orderby: 'id', order: 'asc' };
    if (query.updatedSince) Object.assign(params, { modified_after: modifiedAfter(query.updatedSince), dates_are_gmt: true });
    const { data, headers } = await client.get<WooProductJson[]>('products', params);
    const products = [];
    for (const product of data) products.push(toProduct(product, hasVariations(product) ? await this.variations(client, product.id) : []));
    return { products, nextCursor: page < Number(headers.get('x-wp-totalpages') ?? 0) ? String(page + 1) : null };
  }

  /**
   * Puts the image in the product's list where the slot and position say (WooCommerce's list is
   * ordered, featured image first; what was there moves down) and saves the list. Named after its
   * bytes, so a retry after a timeout finds it attached and does not attach it again.
   */
  async publishImage(connection: Connection, input: PublishImageInput, ctx: ChannelCallContext): Promise<PublishResult> {
    const index = slotIndex(input);
    const client = new WooCommerceClient(connection.credentials, ctx);
    const marker = imageMarker(input.image.data);
    let product = (await client.get<WooProductJson>(`products/${productId(input.productExternalId)}`)).data;
    let attached = productImages(product).find((image) => image.name === marker);
    if (!attached) {
      const images: WooImageEntry[] = productImages(product).map((image) => ({ id: image.id }));
      const entry = await this.imageEntry(client, input, marker);
      if (input.replaceImageExternalId !== undefined) {
        const replaced = productImages(product).findIndex((image) => String(image.id) === input.replaceImageExternalId);
        if (replaced < 0) throw new PluginError('invalid_input', `image ${input.replaceImageExternalId} is not an image of product ${input.productExternalId}`);
        images.splice(replaced, 1, entry);
      } else {
        images.splice(Math.min(index, images.length), 0, entry);
      }
      product = (await client.put<WooProductJson>(`products/${product.id}`, { images })).data;
      attached = product.images.find((image) => image.name === marker);
      if (!attached) throw new PluginError('transient', `WooCommerce saved product ${product.id} without the new image`);
    }
    await this.pointVariations(client, product, input, attached.id);
    return { status: 'done', externalImageId: String(attached.id) };
  }

  /** Takes the image out of the product's list; the attachment stays in the media library, as the store's admin does. */
  async removeImage(connection: Connection, input: RemoveImageInput, ctx: ChannelCallContext): Promise<void> {
    const client = new WooCommerceClient(connection.credentials, ctx);
    const product = await client
      .get<WooProductJson>(`products/${productId(input.productExternalId)}`)
      .then((answer) => answer.data)
      .catch((err: unknown) => {
        // A product that is gone has no images left to remove.
        if (err instanceof PluginError && err.detail === 'woocommerce_rest_product_invalid_id') return null;
        throw err;
      });
    if (!product || !productImages(product).some((image) => String(image.id) === input.imageExternalId)) return;
    await client.put(`products/${product.id}`, { images: productImages(product).filter((image) => String(image.id) !== input.imageExternalId).map((image) => ({ id: image.id })) });
  }

  /**
   * A delivery signed with the connection's webhook secret, which the merchant pasted into the
   * store's webhook (base64 HMAC-SHA256 of the body). The store's ping
   * when a webhook is saved carries only `webhook_id=<id>` and no signature; it is read as `other`
   * so that saving the webhook in the store's admin is not answered 401.
   */
  parseWebhook(headers: WebhookHeaders, rawBody: Buffer, _connection: Connection, secret: string): ChannelWebhookEvent | null {
    const signature = webhookHeader(headers, 'x-wc-webhook-signature');
    if (!signature && /^webhook_id=\d+$/.test(rawBody.toString('utf8'))) return { deliveryId: null, event: 'other', data: { topic: 'webhook.ping' } };
    const topic = webhookHeader(headers, 'x-wc-webhook-topic');
    if (!secret || !topic || !hmacSignatureMatches(rawBody, secret, signature)) return null;
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return null;
    }
    return toWebhookEvent(topic, (body ?? {}) as { id?: unknown }, webhookHeader(headers, 'x-wc-webhook-delivery-id') ?? null);
  }

  private async variations(client: WooCommerceClient, id: number): Promise<WooVariationJson[]> {
    const all: WooVariationJson[] = [];
    for (let page = 1, pages = 1; page <= pages; page++) {
      const { data, headers } = await client.get<WooVariationJson[]>(`products/${id}/variations`, { per_page: MAX_PAGE, page });
      all.push(...data);
      pages = Number(headers.get('x-wp-totalpages') ?? 1);
    }
    return all;
  }

  /** Uploaded to the media library when the connection can (found there first, on a retry), else fetched by the store from the signed link. */
  private async imageEntry(client: WooCommerceClient, input: PublishImageInput, marker: string): Promise<WooImageEntry> {
    if (!client.canUploadMedia) return { src: input.image.url, name: marker, alt: input.alt };
    const uploaded = (await client.findMedia(marker)).find((media) => media.title.rendered === marker);
    const id = uploaded?.id ?? (await client.uploadMedia(input.image, marker, input.alt));
    return { id, name: marker, alt: input.alt };
  }

  /**
   * A variation shows one image of its own: the new one for the variant asked, and for every
   * variation that showed the replaced image. Setting it again on a retry changes nothing.
   */
  private async pointVariations(client: WooCommerceClient, product: WooProductJson, input: PublishImageInput, imageId: number): Promise<void> {
    if (!hasVariations(product)) return;
    const ids = new Set<string>(input.variantExternalId ? [input.variantExternalId] : []);
    if (input.replaceImageExternalId !== undefined) {
      for (const variation of await this.variations(client, product.id)) if (String(variation.image?.id) === input.replaceImageExternalId) ids.add(String(variation.id));
    }
    for (const id of ids) await client.put(`products/${product.id}/variations/${productId(id)}`, { image: { id: imageId } });
  }
}

/** Where in the product's list the slot puts the image, 0-based; `invalid_input` for a slot or position it does not have. */
function slotIndex(input: PublishImageInput): number {
  if (input.slot === 'main') {
    if (input.position !== undefined && input.position !== 1) throw new PluginError('invalid_input', 'the main image is at position 1');
    return 0;
  }
  if (input.slot !== 'gallery') throw new PluginError('invalid_input', `WooCommerce has no image slot "${input.slot}"`);
  if (input.position === undefined) return Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(input.position) || input.position < 2) throw new PluginError('invalid_input', 'a gallery position is a whole number from 2');
  return input.position - 1;
}

/** WooCommerce ids are numbers; anything else would name another route. */
function productId(id: string): string {
  if (!/^\d+$/.test(id)) throw new PluginError('invalid_input', `"${id}" is not a WooCommerce id`);
  return id;
}
