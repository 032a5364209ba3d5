import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { newId } from '../common/ids';
import type { ChannelProduct } from '../plugins/channel-catalogue';
import { ChannelProductRecord } from './channel-product.entity';

/** What search reads of a product: its title and its variants' SKUs, lower-cased. */
export const searchTextOf = (product: ChannelProduct) => [product.title, ...product.variants.map((v) => v.sku ?? '')].join(' ').toLowerCase();

/** A search term as LIKE reads search_text: lower-cased, its wildcards dropped (SQLite has no default escape character). */
const likeTerm = (term: string) => term.toLowerCase().replace(/[%_\\]/g, '');

@Injectable()
export class ChannelProductsRepository {
  constructor(private readonly em: EntityManager) {}

  /** Writes a page of the store's products over what the last sync saw, one row per store product. */
  async upsertPage(orgId: string, connectionId: string, products: ChannelProduct[], syncedAt: Date): Promise<void> {
    if (!products.length) return;
    // A new row's id, which a row already there keeps (the merge leaves it out).
    const rows = products.map((p) => ({
      id: newId(),
      orgId, connectionId, externalId: p.externalId, title: p.title, searchText: searchTextOf(p), variants: p.variants, images: p.images, storeUpdatedAt: p.updatedAt, syncedAt,
    }));
    await this.em.fork().upsertMany(ChannelProductRecord, rows, {
      onConflictFields: ['connectionId', 'externalId'],
      onConflictAction: 'merge',
      onConflictMergeFields: ['title', 'searchText', 'variants', 'images', 'storeUpdatedAt', 'syncedAt'],
    });
  }

  /** A page of a connection's products, newest row first; `search` is found in the title or a SKU, whatever the case. */
  page(orgId: string, connectionId: string, opts: { search?: string; after?: string; limit: number }): Promise<ChannelProductRecord[]> {
    const term = opts.search ? likeTerm(opts.search) : '';
    const where = {
      orgId,
      connectionId,
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
}
