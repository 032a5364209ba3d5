import { createHash } from 'node:crypto';
import type { ChannelImage, ChannelProduct, ChannelVariant } from '../../../src/plugins';

/** SP-API's JSON (Listings Items API 2021-08-01), the parts this plugin reads. */
export interface ImageLocatorValue {
  marketplace_id?: string;
  media_location: string;
}

export interface ListingsItemJson {
  sku: string;
  summaries?: { marketplaceId: string; productType: string; itemName?: string; lastUpdatedDate: string }[];
  attributes?: Record<string, unknown[] | undefined>;
  relationships?: { marketplaceId: string; relationships: { type: string; childSkus?: string[]; parentSkus?: string[] }[] }[];
  issues?: ListingIssue[];
}

export interface ListingIssue {
  code: string;
  message: string;
  severity: 'ERROR' | 'WARNING' | 'INFO';
  attributeNames?: string[];
}

export interface ItemSearchResultsJson {
  numberOfResults: number;
  pagination?: { nextToken?: string };
  items: ListingsItemJson[];
}

export interface SubmissionJson {
  sku: string;
  status: 'ACCEPTED' | 'INVALID' | 'VALID';
  submissionId: string;
  issues?: ListingIssue[];
}

export const MAIN_LOCATOR = 'main_product_image_locator';
/** other_product_image_locator_1..8: positions 2 to 9. */
export const ADDITIONAL_LOCATORS = Array.from({ length: 8 }, (_, i) => `other_product_image_locator_${i + 1}`);
export const IMAGE_LOCATORS = [MAIN_LOCATOR, ...ADDITIONAL_LOCATORS];

/** The place in the product's images a locator attribute stands for: main is 1, other_N is N + 1. */
export const positionOf = (locator: string) => IMAGE_LOCATORS.indexOf(locator) + 1;

/**
 * Amazon keeps no id for an image, only which locator attribute of which SKU holds which link. The
 * image's id says all three, so a replaced image (same locator, new link) gets a new id and a
 * removal can tell whether the image it was given is still the one there:
 * `<locator>:<digest of the link>:<sku>` (the SKU last, since SKUs may hold any character).
 */
export function imageId(locator: string, mediaLocation: string, sku: string): string {
  return `${locator}:${linkDigest(mediaLocation)}:${sku}`;
}

export function parseImageId(id: string): { locator: string; digest: string; sku: string } | null {
  const match = /^([a-z0-9_]+):([0-9a-f]{16}):(.+)$/.exec(id);
  return match && IMAGE_LOCATORS.includes(match[1]) ? { locator: match[1], digest: match[2], sku: match[3] } : null;
}

/**
 * A link without its query: the core signs the same file's link anew on a retry, and it is the
 * same image.
 */
export function linkDigest(mediaLocation: string): string {
  return createHash('sha256').update(mediaLocation.split('?')[0]).digest('hex').slice(0, 16);
}

/** The link a locator attribute holds for the marketplace (or for all of them), if any. */
export function locatorLink(item: ListingsItemJson, locator: string, marketplaceId: string): string | null {
  const values = (item.attributes?.[locator] ?? []) as ImageLocatorValue[];
  const value = values.find((v) => v.marketplace_id === marketplaceId) ?? values.find((v) => !v.marketplace_id);
  return value?.media_location ?? null;
}

/** The item's images in position order; Amazon's slots are fixed, so positions may have gaps. Amazon keeps no alt text. */
export function imagesOf(item: ListingsItemJson, marketplaceId: string): ChannelImage[] {
  return IMAGE_LOCATORS.flatMap((locator) => {
    const link = locatorLink(item, locator, marketplaceId);
    return link ? [{ externalId: imageId(locator, link, item.sku), url: link, position: positionOf(locator), alt: null }] : [];
  });
}

export function variationParentOf(item: ListingsItemJson): string | null {
  return item.relationships?.flatMap((r) => r.relationships).find((r) => r.type === 'VARIATION' && r.parentSkus?.length)?.parentSkus?.[0] ?? null;
}

export function variationChildrenOf(item: ListingsItemJson): string[] {
  return item.relationships?.flatMap((r) => r.relationships).find((r) => r.type === 'VARIATION' && r.childSkus?.length)?.childSkus ?? [];
}

const summaryOf = (item: ListingsItemJson, marketplaceId: string) => item.summaries?.find((s) => s.marketplaceId === marketplaceId) ?? item.summaries?.[0];

export const productTypeOf = (item: ListingsItemJson, marketplaceId: string) => summaryOf(item, marketplaceId)?.productType ?? null;

function variantOf(item: ListingsItemJson, marketplaceId: string): ChannelVariant {
  const main = locatorLink(item, MAIN_LOCATOR, marketplaceId);
  return { externalId: item.sku, sku: item.sku, title: summaryOf(item, marketplaceId)?.itemName ?? item.sku, imageExternalId: main ? imageId(MAIN_LOCATOR, main, item.sku) : null };
}

/**
 * A product is a variation parent with its children as variants, or a listing on its own that is
 * its own single variant. The product's images are the parent's (or the listing's) locators.
 */
export function toProduct(item: ListingsItemJson, children: ListingsItemJson[], marketplaceId: string): ChannelProduct {
  const summary = summaryOf(item, marketplaceId);
  const isParent = variationChildrenOf(item).length > 0;
  return {
    externalId: item.sku,
    title: summary?.itemName ?? item.sku,
    updatedAt: new Date(summary?.lastUpdatedDate ?? 0),
    variants: isParent ? children.map((c) => variantOf(c, marketplaceId)) : [variantOf(item, marketplaceId)],
    images: imagesOf(item, marketplaceId),
  };
}
