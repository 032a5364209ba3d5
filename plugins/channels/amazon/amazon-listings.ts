import { PluginError } from '../../../src/plugins';
import type { AmazonClient } from './amazon-client';
import type { AmazonCredentials } from './amazon-credentials.dto';
import { variationChildrenOf, variationParentOf, type ItemSearchResultsJson, type ListingsItemJson, type SubmissionJson } from './amazon-mapping';

type IncludedData = 'summaries' | 'attributes' | 'relationships' | 'issues';

const LISTED: IncludedData[] = ['summaries', 'attributes', 'relationships'];
/** The most SKUs `identifiers` and `pageSize` take in one search. */
const SEARCH_MAX = 20;

/**
 * The Listings Items operations the plugin uses, for one seller. Listings are read in the
 * connection's first marketplace; patches go to all of its marketplaces.
 */
export class AmazonListings {
  readonly marketplaceId: string;

  constructor(private readonly client: AmazonClient, private readonly credentials: AmazonCredentials) {
    this.marketplaceId = credentials.marketplaceIds[0];
  }

  /** A page of the seller's listings in SKU order, which stays put while listings change. */
  search(query: { pageSize: number; pageToken?: string; lastUpdatedAfter?: string; identifiers?: string[] }): Promise<ItemSearchResultsJson> {
    return this.client.call<ItemSearchResultsJson>({
      operation: 'listingsItems.searchListingsItems',
      path: { sellerId: this.credentials.sellerId },
      query: {
        marketplaceIds: [this.marketplaceId],
        includedData: LISTED,
        pageSize: query.pageSize,
        pageToken: query.pageToken,
        lastUpdatedAfter: query.lastUpdatedAfter,
        ...(query.identifiers ? { identifiers: query.identifiers, identifiersType: 'SKU' } : { sortBy: 'sku', sortOrder: 'ASC' }),
      },
    });
  }

  /** 404 (the SKU is not listed in the marketplace) is invalid_input with detail `HTTP 404`. */
  get(sku: string, includedData: IncludedData[] = LISTED): Promise<ListingsItemJson> {
    return this.client.call<ListingsItemJson>({
      operation: 'listingsItems.getListingsItem',
      path: { sellerId: this.credentials.sellerId, sku },
      query: { marketplaceIds: [this.marketplaceId], includedData },
    });
  }

  /**
   * The page's products with their variations: a variation child is listed with its parent. In an
   * incremental sync a child may have changed alone, so its parent is fetched and listed too (a
   * product listed twice is harmless, one missed is not).
   */
  async withVariations(items: ListingsItemJson[], parentsOfChildren: boolean): Promise<{ item: ListingsItemJson; children: ListingsItemJson[] }[]> {
    const top = items.filter((i) => !variationParentOf(i));
    if (parentsOfChildren) {
      const parents = [...new Set(items.map(variationParentOf).filter((p): p is string => p !== null && !top.some((t) => t.sku === p)))];
      top.push(...(await this.bySku(parents)));
    }
    const children = await this.bySku(top.flatMap(variationChildrenOf));
    return top.map((item) => ({ item, children: variationChildrenOf(item).flatMap((sku) => children.filter((c) => c.sku === sku)) }));
  }

  /**
   * Validates the patches against the listing's product type (VALIDATION_PREVIEW), then submits
   * them. Amazon answers ACCEPTED and applies them later; INVALID names the issues, which are the
   * image's fault when they concern its locator.
   */
  async patch(sku: string, productType: string, patches: object[], locator: string): Promise<SubmissionJson> {
    const send = (mode?: 'VALIDATION_PREVIEW') =>
      this.client.call<SubmissionJson>({
        operation: 'listingsItems.patchListingsItem',
        path: { sellerId: this.credentials.sellerId, sku },
        query: { marketplaceIds: this.credentials.marketplaceIds, includedData: ['issues'], mode },
        body: { productType, patches },
      });
    refuseInvalid(await send('VALIDATION_PREVIEW'), locator);
    return refuseInvalid(await send(), locator);
  }

  private async bySku(skus: string[]): Promise<ListingsItemJson[]> {
    const found: ListingsItemJson[] = [];
    for (let i = 0; i < skus.length; i += SEARCH_MAX) {
      const chunk = skus.slice(i, i + SEARCH_MAX);
      found.push(...(await this.search({ pageSize: SEARCH_MAX, identifiers: chunk })).items);
    }
    return found;
  }
}

function refuseInvalid(submission: SubmissionJson, locator: string): SubmissionJson {
  if (submission.status !== 'INVALID') return submission;
  const errors = (submission.issues ?? []).filter((i) => i.severity === 'ERROR');
  const message = `Amazon refused the listing update: ${errors.map((i) => `${i.code}: ${i.message}`).join('; ') || 'no reason given'}`;
  const aboutImage = errors.some((i) => i.attributeNames?.includes(locator));
  throw new PluginError(aboutImage ? 'content_rejected' : 'invalid_input', message, { detail: submission.submissionId });
}
