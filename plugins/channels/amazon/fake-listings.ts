import { randomUUID } from 'node:crypto';
import type { ChannelProductSeed } from '../../../src/plugins/testing';
import type { FakeImage, FakeImages } from '../../../src/plugins/testing/fake-images';
import { IMAGE_LOCATORS, type ImageLocatorValue, type ListingIssue, type ListingsItemJson, type SubmissionJson } from './amazon-mapping';

/** An answer the fake refuses with, in SP-API's error shape. */
export class SpApiHttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details = '') {
    super(message);
  }
}

interface FakeListing {
  sku: string;
  productType: string;
  itemName: string;
  created: Date;
  updated: Date;
  attributes: Record<string, ImageLocatorValue[]>;
  parent: string | null;
  children: string[];
  issues: ListingIssue[];
}

interface PatchOperation {
  op: string;
  path: string;
  value?: ImageLocatorValue[];
}

interface Submission {
  sku: string;
  patches: PatchOperation[];
  /** getListingsItem calls on the SKU before it is applied. */
  checksLeft: number;
}

const INCLUDED = ['summaries', 'attributes', 'issues', 'offers', 'fulfillmentAvailability', 'procurement', 'relationships', 'productTypes'];
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/tiff'];

/**
 * One seller's listings as the Listings Items API 2021-08-01 serves them: variation parents with
 * their children, image locator attributes, searches with filters, sorting and page tokens, and
 * patches validated against the product type and applied later, when Amazon has downloaded the
 * image from its link (an image it cannot download or read is an ERROR issue on its locator).
 * Issues have Amazon's shape; their numeric codes are the fake's picks, as Amazon documents no
 * fixed code for each of these refusals.
 */
export class FakeListings {
  private readonly listings = new Map<string, FakeListing>();
  private readonly submissions: Submission[] = [];
  /** The seeded images, by the path the fake serves them under. */
  private readonly images = new Map<string, FakeImage>();
  private asyncChecks = 0;

  constructor(readonly marketplaceId: string) {}

  /** A new catalogue; each seed's images are the locators of its listing (the parent's, for a family), served by the fake under `imageBase`. */
  reset(seeds: ChannelProductSeed[], images: FakeImages, imageBase: string): string[] {
    this.listings.clear();
    this.submissions.length = 0;
    this.images.clear();
    const locators = (seed: ChannelProductSeed, sku: string): Record<string, ImageLocatorValue[]> =>
      Object.fromEntries((seed.images ?? []).slice(0, IMAGE_LOCATORS.length).map((kind, i) => {
        const path = `/images/I/${encodeURIComponent(sku)}-${i + 1}.${images[kind].extension}`;
        this.images.set(path, images[kind]);
        return [IMAGE_LOCATORS[i], [{ marketplace_id: this.marketplaceId, media_location: `${imageBase}${path}` }]];
      }));
    return seeds.map((seed) => {
      const listing = (sku: string, itemName: string, parent: string | null): FakeListing => ({ sku, productType: 'SHIRT', itemName, created: seed.updatedAt, updated: seed.updatedAt, attributes: {}, parent, children: [], issues: [] });
      if (seed.skus.length === 1) {
        this.listings.set(seed.skus[0], { ...listing(seed.skus[0], seed.title, null), attributes: locators(seed, seed.skus[0]) });
        return seed.skus[0];
      }
      const parentSku = `${seed.skus[0]}-PARENT`;
      this.listings.set(parentSku, { ...listing(parentSku, seed.title, null), children: seed.skus, attributes: locators(seed, parentSku) });
      for (const sku of seed.skus) this.listings.set(sku, listing(sku, `${seed.title} ${sku}`, parentSku));
      return parentSku;
    });
  }

  image(path: string): FakeImage | undefined {
    return this.images.get(path);
  }

  /** The next patch is applied at the this-many-th getListingsItem call on its SKU, not at once. */
  processNextAsynchronously(checks: number): void {
    this.asyncChecks = checks;
  }

  search(query: URLSearchParams): object {
    const list = (name: string) => query.get(name)?.split(',').filter(Boolean);
    const pageSize = Number(query.get('pageSize') ?? 10);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 20) throw new SpApiHttpError(400, 'InvalidInput', 'Invalid input', 'pageSize must be between 1 and 20.');
    const identifiers = list('identifiers');
    if (identifiers && query.get('identifiersType') !== 'SKU') throw new SpApiHttpError(400, 'InvalidInput', 'Invalid input', 'identifiersType is required with identifiers; this fake knows SKU.');
    const after = (name: string) => (query.get(name) ? new Date(query.get(name)!) : null);
    const [updatedAfter, updatedBefore, createdAfter] = [after('lastUpdatedAfter'), after('lastUpdatedBefore'), after('createdAfter')];
    const parentSku = query.get('variationParentSku');
    const sortBy = query.get('sortBy') ?? 'lastUpdatedDate';
    const direction = (query.get('sortOrder') ?? 'DESC') === 'ASC' ? 1 : -1;
    const key = (l: FakeListing) => (sortBy === 'sku' ? l.sku : String((sortBy === 'createdDate' ? l.created : l.updated).getTime()).padStart(15, '0'));
    const matching = [...this.listings.values()]
      .filter((l) => (!identifiers || identifiers.includes(l.sku)) && (!parentSku || l.parent === parentSku))
      .filter((l) => (!updatedAfter || l.updated >= updatedAfter) && (!updatedBefore || l.updated <= updatedBefore) && (!createdAfter || l.created >= createdAfter))
      .sort((a, b) => direction * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.sku.localeCompare(b.sku)));
    const offset = query.get('pageToken') ? Number(Buffer.from(query.get('pageToken')!, 'base64url').toString()) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw new SpApiHttpError(400, 'InvalidInput', 'Invalid input', 'pageToken is not valid.');
    const next = offset + pageSize < matching.length ? Buffer.from(String(offset + pageSize)).toString('base64url') : undefined;
    const included = list('includedData') ?? ['summaries'];
    return { numberOfResults: matching.length, pagination: next ? { nextToken: next } : {}, items: matching.slice(offset, offset + pageSize).map((l) => this.json(l, included)) };
  }

  async get(sku: string, query: URLSearchParams): Promise<ListingsItemJson> {
    await this.applyDue(sku);
    return this.json(this.listing(sku), query.get('includedData')?.split(',') ?? ['summaries']);
  }

  /**
   * Validates a patch request; in VALIDATION_PREVIEW mode that is all, otherwise it is queued and
   * applied at once or, after processNextAsynchronously, a few checks later.
   */
  async patch(sku: string, body: { productType?: string; patches?: PatchOperation[] }, query: URLSearchParams): Promise<SubmissionJson> {
    const listing = this.listing(sku);
    if (!body.productType || !Array.isArray(body.patches) || !body.patches.length) throw new SpApiHttpError(400, 'InvalidInput', 'Invalid input', 'productType and patches are required.');
    const submissionId = randomUUID().replaceAll('-', '');
    const issues = this.validate(listing, body.productType, body.patches);
    if (issues.length) return { sku, status: 'INVALID', submissionId, issues };
    if (query.get('mode') === 'VALIDATION_PREVIEW') return { sku, status: 'VALID', submissionId, issues: [] };
    if (this.asyncChecks) this.submissions.push({ sku, patches: body.patches, checksLeft: this.asyncChecks });
    else for (const patch of body.patches) await this.apply(listing, patch);
    this.asyncChecks = 0;
    return { sku, status: 'ACCEPTED', submissionId, issues: [] };
  }

  private validate(listing: FakeListing, productType: string, patches: PatchOperation[]): ListingIssue[] {
    const issue = (attribute: string, message: string): ListingIssue => ({ code: '90220', message, severity: 'ERROR', attributeNames: [attribute] });
    if (productType !== listing.productType) return [{ code: '4000001', message: `The product type '${productType}' does not match the listing's product type '${listing.productType}'.`, severity: 'ERROR' }];
    return patches.flatMap((p) => {
      const attribute = p.path.replace(/^\/attributes\//, '');
      if (!['add', 'replace', 'merge', 'delete'].includes(p.op)) return [issue(attribute, `'${p.op}' is not a supported patch operation.`)];
      if (!IMAGE_LOCATORS.includes(attribute)) return [issue(attribute, `'${attribute}' is not an image attribute this fake validates.`)];
      if (!Array.isArray(p.value) || !p.value.length) return [issue(attribute, `'${attribute}' requires a value.`)];
      return p.value.flatMap((v) => {
        if (v.marketplace_id !== this.marketplaceId) return [issue(attribute, `'marketplace_id' must be ${this.marketplaceId}.`)];
        if (p.op === 'delete') return [];
        // Amazon requires https; the fake also takes http on this machine, where tests and `npm run fakes` serve images.
        const url = URL.canParse(v.media_location) ? new URL(v.media_location) : null;
        if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)))) return [issue(attribute, `'media_location' must be a public HTTPS URL.`)];
        return [];
      });
    });
  }

  private async applyDue(sku: string): Promise<void> {
    for (const submission of this.submissions.filter((s) => s.sku === sku)) {
      if (--submission.checksLeft > 0) continue;
      this.submissions.splice(this.submissions.indexOf(submission), 1);
      const listing = this.listings.get(sku);
      if (listing) for (const patch of submission.patches) await this.apply(listing, patch);
    }
  }

  private async apply(listing: FakeListing, patch: PatchOperation): Promise<void> {
    const attribute = patch.path.replace(/^\/attributes\//, '');
    const values = patch.value ?? [];
    listing.issues = listing.issues.filter((i) => !i.attributeNames?.includes(attribute));
    listing.updated = new Date();
    if (patch.op === 'delete') {
      const left = (listing.attributes[attribute] ?? []).filter((v) => !values.some((d) => d.marketplace_id === v.marketplace_id));
      if (left.length) listing.attributes[attribute] = left;
      else delete listing.attributes[attribute];
      return;
    }
    const problem = await downloadProblem(values[0].media_location);
    if (problem) listing.issues.push({ code: '18027', message: `The image at media_location could not be used: ${problem}.`, severity: 'ERROR', attributeNames: [attribute] });
    else listing.attributes[attribute] = values.map((v) => ({ marketplace_id: v.marketplace_id, media_location: v.media_location }));
  }

  private listing(sku: string): FakeListing {
    const listing = this.listings.get(sku);
    if (!listing) throw new SpApiHttpError(404, 'NOT_FOUND', `SKU '${sku}' not found in marketplace ${this.marketplaceId}`);
    return listing;
  }

  private json(l: FakeListing, included: string[]): ListingsItemJson {
    if (included.some((i) => !INCLUDED.includes(i))) throw new SpApiHttpError(400, 'InvalidInput', 'Invalid input', `includedData must be some of ${INCLUDED.join(', ')}.`);
    const mp = this.marketplaceId;
    const main = l.attributes.main_product_image_locator?.[0];
    const summary = { marketplaceId: mp, asin: `B0${l.sku.replace(/[^A-Z0-9]/gi, '').slice(0, 8).toUpperCase().padEnd(8, 'X')}`, productType: l.productType, conditionType: 'new_new', status: ['BUYABLE', 'DISCOVERABLE'], itemName: l.itemName, createdDate: l.created.toISOString(), lastUpdatedDate: l.updated.toISOString(), ...(main ? { mainImage: { link: main.media_location, height: 2000, width: 2000 } } : {}) };
    const relationships = l.parent ? [{ type: 'VARIATION', parentSkus: [l.parent] }] : l.children.length ? [{ type: 'VARIATION', childSkus: l.children, variationTheme: { attributes: ['size'], theme: 'SIZE_NAME' } }] : [];
    return {
      sku: l.sku,
      ...(included.includes('summaries') ? { summaries: [summary] } : {}),
      ...(included.includes('attributes') ? { attributes: { item_name: [{ value: l.itemName, language_tag: 'en_US', marketplace_id: mp }], ...l.attributes } } : {}),
      ...(included.includes('relationships') ? { relationships: [{ marketplaceId: mp, relationships }] } : {}),
      ...(included.includes('issues') ? { issues: l.issues } : {}),
    };
  }
}

/** Why Amazon could not use the image at a link (it downloads it), or null. */
async function downloadProblem(link: string): Promise<string | null> {
  try {
    const res = await fetch(link, { signal: AbortSignal.timeout(5000) });
    const type = res.headers.get('content-type')?.split(';')[0] ?? '';
    if (!res.ok) return `HTTP ${res.status}`;
    if (!IMAGE_TYPES.includes(type)) return `${type || 'no content type'} is not JPEG, PNG, GIF or TIFF`;
    await res.arrayBuffer();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
