import { createHash } from 'node:crypto';
import { PluginError, type ChannelProduct, type ChannelWebhookEvent, type PublishableImage } from '../../../src/plugins';

/** A product as the GraphQL Admin API answers PRODUCT_FIELDS (shopify-queries.ts). */
export interface ShopifyProductNode {
  id: string;
  title: string;
  updatedAt: string;
  variants: { pageInfo: { hasNextPage: boolean }; nodes: { id: string; sku: string | null; title: string; media: { nodes: { id: string }[] } }[] };
  media: { pageInfo: { hasNextPage: boolean }; nodes: ShopifyMediaNode[] };
}

export interface ShopifyMediaNode {
  id: string;
  alt: string | null;
  mediaContentType: string;
  status: string;
  image?: { url: string } | null;
}

/** Media are the product's images, videos and 3D models in one order; positions count them all. */
export function toProduct(node: ShopifyProductNode): ChannelProduct {
  return {
    externalId: node.id,
    title: node.title,
    updatedAt: new Date(node.updatedAt),
    variants: node.variants.nodes.map((v) => ({ externalId: v.id, sku: v.sku || null, title: v.title, imageExternalId: v.media.nodes[0]?.id ?? null })),
    images: node.media.nodes
      .map((m, index) => ({ media: m, position: index + 1 }))
      .filter(({ media }) => media.mediaContentType === 'IMAGE' && media.image)
      .map(({ media, position }) => ({ externalId: media.id, url: media.image!.url, position, alt: media.alt })),
  };
}

/**
 * The file name an image is uploaded under, from its bytes: Shopify keeps it in the image's URL,
 * so a publish retried after a timeout finds the image it already attached instead of adding it twice.
 */
export function stagedFilename(image: PublishableImage): string {
  const extension = image.mimeType.split('/')[1]?.replace('jpeg', 'jpg') ?? 'img';
  return `darkroom-${createHash('sha256').update(image.data).digest('hex').slice(0, 24)}.${extension}`;
}

/** Whether a media node holds the file uploaded as `filename` (Shopify may add a suffix to a name it already has). */
export function holdsFile(media: ShopifyMediaNode, filename: string): boolean {
  const stem = filename.replace(/\.[^.]+$/, '');
  const path = media.image?.url ? new URL(media.image.url).pathname : '';
  return path.split('/').pop()?.startsWith(stem) ?? false;
}

/** What checkPublish needs to finish a publish once Shopify has processed the image. */
export interface PendingPublish {
  productId: string;
  mediaId: string;
  /** Variants to show the new image. */
  variantIds: string[];
  /** The image it replaces, removed once the new one is ready. */
  replacesMediaId: string | null;
}

export function encodePending(pending: PendingPublish): string {
  return Buffer.from(JSON.stringify(pending)).toString('base64url');
}

export function decodePending(ref: string): PendingPublish {
  try {
    const pending = JSON.parse(Buffer.from(ref, 'base64url').toString('utf8')) as PendingPublish;
    if (typeof pending.productId === 'string' && typeof pending.mediaId === 'string' && Array.isArray(pending.variantIds)) return pending;
  } catch {
    // refused below, as any other reference this plugin did not make
  }
  throw new PluginError('invalid_input', 'not a Shopify publish reference');
}

interface ShopifyWebhookBody {
  id?: number;
  admin_graphql_api_id?: string;
  customer?: { id?: number; email?: string };
  data_request?: { id?: number };
}

/** A verified webhook by its X-Shopify-Topic; the body is the REST-shaped resource. */
export function toWebhookEvent(topic: string, body: ShopifyWebhookBody, deliveryId: string | null): ChannelWebhookEvent {
  const product = { productExternalId: body.admin_graphql_api_id ?? `gid://shopify/Product/${body.id}` };
  const customer = { customerExternalId: body.customer?.id === undefined ? null : String(body.customer.id), email: body.customer?.email ?? null };
  switch (topic) {
    case 'products/create':
      return { deliveryId, event: 'product.created', data: product };
    case 'products/update':
      return { deliveryId, event: 'product.updated', data: product };
    case 'products/delete':
      return { deliveryId, event: 'product.deleted', data: product };
    case 'app/uninstalled':
      return { deliveryId, event: 'app.uninstalled', data: {} };
    case 'customers/data_request':
      return { deliveryId, event: 'gdpr.customer_data_request', data: { ...customer, requestExternalId: body.data_request?.id === undefined ? null : String(body.data_request.id) } };
    case 'customers/redact':
      return { deliveryId, event: 'gdpr.customer_redact', data: customer };
    case 'shop/redact':
      return { deliveryId, event: 'gdpr.shop_redact', data: {} };
    default:
      return { deliveryId, event: 'other', data: { topic } };
  }
}
