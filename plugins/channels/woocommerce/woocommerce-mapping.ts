import { createHash } from 'node:crypto';
import type { ChannelProduct, ChannelVariant, ChannelWebhookEvent } from '../../../src/plugins';

/** The parts of WooCommerce REST v3's JSON the plugin reads (woocommerce.github.io/woocommerce-rest-api-docs). */
export interface WooImageJson {
  id: number;
  src: string;
  name: string;
  alt: string;
}

export interface WooProductJson {
  id: number;
  name: string;
  sku: string;
  /** Site-independent, without a zone: "2026-11-29T10:00:00". */
  date_modified_gmt: string;
  images: WooImageJson[];
  variations: number[];
}

export interface WooVariationJson {
  id: number;
  sku: string;
  attributes: { name: string; option: string }[];
  image: WooImageJson | null;
}

/** An entry of a product's `images` on update: an attachment kept or uploaded (`id`), or one the store downloads (`src`). */
export type WooImageEntry = { id: number; name?: string; alt?: string } | { src: string; name: string; alt?: string };

/**
 * A product's own images. Some versions list a placeholder (id 0) for a product without any; it is
 * not the product's, and the store refuses it back as an image id.
 */
export function productImages(json: WooProductJson): WooImageJson[] {
  return json.images.filter((image) => image.id > 0);
}

/** Variable products (and the types that extend them, such as subscriptions) list their variations' ids. */
export const hasVariations = (json: WooProductJson) => json.variations.length > 0;

const gmt = (value: string) => new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
const imageId = (image: WooImageJson | null | undefined) => (image?.id ? String(image.id) : null);

/**
 * A product and, for a variable one, its variations. A simple product is its own single variant,
 * showing the product's main image.
 */
export function toProduct(json: WooProductJson, variations: WooVariationJson[]): ChannelProduct {
  const images = productImages(json);
  const variants: ChannelVariant[] = hasVariations(json)
    ? variations.map((v) => ({
        externalId: String(v.id),
        sku: v.sku || null,
        title: v.attributes.map((a) => a.option).join(' / ') || v.sku || String(v.id),
        imageExternalId: imageId(v.image),
      }))
    : [{ externalId: String(json.id), sku: json.sku || null, title: json.name, imageExternalId: imageId(images[0]) }];
  return {
    externalId: String(json.id),
    title: json.name,
    updatedAt: gmt(json.date_modified_gmt),
    variants,
    // WooCommerce lists the featured image first, then the gallery in order.
    images: images.map((image, index) => ({ externalId: String(image.id), url: image.src, position: index + 1, alt: image.alt || null })),
  };
}

/**
 * The name an image is given in the media library, from its bytes: a publish retried after a
 * timeout finds the image it already attached by this name instead of attaching it twice.
 */
export function imageMarker(data: Buffer): string {
  return `darkroom-${createHash('sha256').update(data).digest('hex').slice(0, 16)}`;
}

/** `modified_after` is strict and to the second: asked a second early, so nothing at `since` is missed. */
export function modifiedAfter(since: Date): string {
  return new Date(Math.floor(since.getTime() / 1000) * 1000 - 1000).toISOString().slice(0, 19);
}

/** A verified delivery by its `X-WC-Webhook-Topic`; a product's payload is the product (only its `id` once deleted). */
export function toWebhookEvent(topic: string, body: { id?: unknown }, deliveryId: string | null): ChannelWebhookEvent {
  const product = { productExternalId: String(body.id) };
  switch (topic) {
    case 'product.created':
      return { deliveryId, event: 'product.created', data: product };
    case 'product.updated':
    case 'product.restored':
      return { deliveryId, event: 'product.updated', data: product };
    case 'product.deleted':
      return { deliveryId, event: 'product.deleted', data: product };
    default:
      return { deliveryId, event: 'other', data: { topic } };
  }
}
