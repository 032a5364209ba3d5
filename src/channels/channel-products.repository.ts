import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { newId } from '../common/ids';
import type { ChannelProduct } from '../plugins/channel-catalogue';
import { ChannelProductRecord, type ComplianceState, type ImageCompliance } from './channel-product.entity';
import { complianceStateOf, keptEntries } from './product-compliance';

/** What the scan reads of an unchecked product. */
export type UncheckedProduct = Pick<ChannelProductRecord, 'id' | 'images' | 'compliance' | 'syncedAt'>;

/** What search reads of a product: its title and its variants' SKUs, lower-cased. */
export const searchTextOf = (product: ChannelProduct) => [product.title, ...product.variants.map((v) => v.sku ?? '')].join(' ').toLowerCase();

/** A search term as LIKE reads search_text: lower-cased, its wildcards dropped (SQLite has no default escape character). */
const likeTerm = (term: string) => term.toLowerCase().replace(/[%_\\]/g, '');

@Injectable()
export class ChannelProductsRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Writes a page of the store's products over what the last sync saw, one row per store product.
   * Each product keeps the compliance entries of the images it still has (same id and URL); one with
   * an image not checked yet goes back to `unchecked`, for the scan after the sync.
   */
  async upsertPage(orgId: string, connectionId: string, products: ChannelProduct[], syncedAt: Date): Promise<void> {
    if (!products.length) return;
    const em = this.em.fork();
    const saved = await em.find(ChannelProductRecord, { connectionId, externalId: { $in: products.map((p) => p.externalId) } }, { fields: ['externalId', 'compliance'] });
    const entriesOf = new Map(saved.map((row) => [row.externalId, row.compliance]));
    // A new row's id, which a row already there keeps (the merge leaves it out).
    const rows = products.map((p) => {
      const compliance = keptEntries(p.images, entriesOf.get(p.externalId) ?? []);
      return {
        id: newId(),
        orgId, connectionId, externalId: p.externalId, title: p.title, searchText: searchTextOf(p), variants: p.variants, images: p.images, storeUpdatedAt: p.updatedAt, syncedAt,
        compliance, complianceState: complianceStateOf(p.images, compliance),
      };
    });
    await em.upsertMany(ChannelProductRecord, rows, {
      onConflictFields: ['connectionId', 'externalId'],
      onConflictAction: 'merge',
      onConflictMergeFields: ['title', 'searchText', 'variants', 'images', 'storeUpdatedAt', 'syncedAt', 'compliance', 'complianceState'],
    });
  }

  /** The connection's unchecked products after `afterId` (null: from the first), in id order: the scan's batches. */
  uncheckedAfter(orgId: string, connectionId: string, afterId: string | null, limit: number): Promise<UncheckedProduct[]> {
    const where = { orgId, connectionId, complianceState: 'unchecked' as const, ...(afterId ? { id: { $gt: afterId } } : {}) };
    return this.em.fork().find(ChannelProductRecord, where, { orderBy: { id: 'asc' }, limit, fields: ['id', 'images', 'compliance', 'syncedAt'] });
  }

  /**
   * Saves what the scan found for a batch of products, in one transaction (one commit for the batch,
   * not one per product), each unless a sync or a webhook rewrote it meanwhile (its syncedAt moved
   * on): that version is checked by the next scan instead. How many were saved.
   */
  async saveCompliance(found: { product: Pick<ChannelProductRecord, 'id' | 'syncedAt'>; compliance: ImageCompliance[]; complianceState: ComplianceState }[]): Promise<number> {
    if (!found.length) return 0;
    return this.em.fork().transactional(async (em) => {
      let saved = 0;
      for (const { product, compliance, complianceState } of found) saved += await em.nativeUpdate(ChannelProductRecord, { id: product.id, syncedAt: product.syncedAt }, { compliance, complianceState });
      return saved;
    });
  }

  /** A page of a connection's products, newest row first; `search` is found in the title or a SKU, whatever the case; `compliance`: in that state only. */
  page(orgId: string, connectionId: string, opts: { search?: string; compliance?: ComplianceState; after?: string; limit: number }): Promise<ChannelProductRecord[]> {
    const term = opts.search ? likeTerm(opts.search) : '';
    const where = {
      orgId,
      connectionId,
      ...(opts.compliance ? { complianceState: opts.compliance } : {}),
      ...(opts.after ? { id: { $lt: opts.after } } : {}),
      ...(term ? { searchText: { $like: `%${term}%` } } : {}),
    };
    return this.em.fork().find(ChannelProductRecord, where, { orderBy: { id: 'desc' }, limit: opts.limit });
  }

  countOf(orgId: string, connectionId: string): Promise<number> {
    return this.em.fork().count(ChannelProductRecord, { orgId, connectionId });
  }

  getInConnection(orgId: string, connectionId: string, id: string): Promise<ChannelProductRecord | null> {
    return this.em.fork().findOne(ChannelProductRecord, { orgId, connectionId, id });
  }

  /** The products with a variant of exactly this SKU, whatever the case. */
  async withSku(orgId: string, connectionId: string, sku: string): Promise<ChannelProductRecord[]> {
    const wanted = sku.toLowerCase();
    const candidates = await this.em.fork().find(ChannelProductRecord, { orgId, connectionId, searchText: { $like: `%${likeTerm(sku)}%` } }, { limit: 100 });
    return candidates.filter((p) => p.variants.some((v) => v.sku?.toLowerCase() === wanted));
  }

  /** Every product of the connection back to unchecked, for the next scan (its rule pack changed). */
  async forgetCompliance(orgId: string, connectionId: string): Promise<void> {
    await this.em.fork().nativeUpdate(ChannelProductRecord, { orgId, connectionId }, { complianceState: 'unchecked', compliance: [] });
  }

  /** Removes a product the store deleted; false when it was not synced. */
  async deleteByExternalId(orgId: string, connectionId: string, externalId: string): Promise<boolean> {
    return (await this.em.fork().nativeDelete(ChannelProductRecord, { orgId, connectionId, externalId })) === 1;
  }

  /** A connection's failing products in id order, after `after`: what a bulk fix goes through. */
  failing(orgId: string, connectionId: string, opts: { search?: string; productIds?: string[]; after?: string; limit: number }): Promise<ChannelProductRecord[]> {
    const term = opts.search ? likeTerm(opts.search) : '';
    const where = {
      orgId,
      connectionId,
      complianceState: 'failing' as const,
      ...(opts.after ? { id: { $gt: opts.after } } : {}),
      ...(opts.productIds ? { id: { $in: opts.productIds, ...(opts.after ? { $gt: opts.after } : {}) } } : {}),
      ...(term ? { searchText: { $like: `%${term}%` } } : {}),
    };
    return this.em.fork().find(ChannelProductRecord, where, { orderBy: { id: 'asc' }, limit: opts.limit });
  }
}
