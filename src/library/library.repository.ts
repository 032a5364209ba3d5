import { EntityManager } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { databaseKind } from '../config/database-kind';
import { LibraryAsset, type LibraryAssetType } from './library-asset.entity';
import { fts5Expression, tsQueryExpression } from './library-text';

export interface LibraryQuery {
  /** The searching organisation: it sees the installation's assets and its own. */
  orgId: string;
  /** Words to look for (any of them), from queryWords(); none: newest first. */
  words: string[];
  type?: LibraryAssetType;
  /** Every one of these tags. */
  tags: string[];
  limit: number;
  offset: number;
}

export interface LibraryHit {
  asset: LibraryAsset;
  /** Full-text relevance, higher is better, comparable within one search only; null when no words were searched. */
  score: number | null;
}

/** What promoting a gallery image needs of it. */
export interface GalleryImageRow {
  id: string;
  storageKey: string;
  format: string;
  width: number;
  height: number;
  bytes: number;
  prompt: string;
}

/**
 * The library's rows and their full-text search. SQLite ranks with FTS5's bm25 over the
 * library_assets_fts table (title weighed above tags, tags above prompt); PostgreSQL with ts_rank
 * over the weighted search_vector column and its GIN index. Both are filled by the database (triggers,
 * a generated column), so a row can never be missing from its index.
 */
@Injectable()
export class LibraryRepository {
  private readonly postgres: boolean;

  constructor(private readonly em: EntityManager, @Inject(APP_CONFIG) config: AppConfig) {
    this.postgres = databaseKind(config) === 'postgresql';
  }

  async add(asset: LibraryAsset): Promise<void> {
    await this.em.fork().persistAndFlush(asset);
  }

  /** The asset if the organisation may see it (the installation's or its own); orgId null: the installation's only. */
  visible(orgId: string | null, id: string): Promise<LibraryAsset | null> {
    return this.em.fork().findOne(LibraryAsset, orgId ? { id, $or: [{ orgId: null }, { orgId }] } : { id, orgId: null });
  }

  getById(id: string): Promise<LibraryAsset | null> {
    return this.em.fork().findOne(LibraryAsset, { id });
  }

  /** Deletes the asset of that owner (orgId null: the installation); the deleted row, or null when there was none. */
  async delete(orgId: string | null, id: string): Promise<LibraryAsset | null> {
    const em = this.em.fork();
    const asset = await em.findOne(LibraryAsset, { id, orgId });
    if (asset && (await em.nativeDelete(LibraryAsset, { id, orgId })) === 1) return asset;
    return null;
  }

  /**
   * A gallery image of the organisation, read from the images table by its columns: the library sits
   * below images/ in the layering, so generation can ask it for matches, and reads no gallery code.
   */
  async galleryImage(orgId: string, imageId: string): Promise<GalleryImageRow | null> {
    const rows = await this.em.fork().getConnection().execute<Record<string, unknown>[]>(
      'select id, storage_key, format, width, height, bytes, prompt from images where id = ? and org_id = ?',
      [imageId, orgId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: String(row.id), storageKey: String(row.storage_key), format: String(row.format),
      width: Number(row.width), height: Number(row.height), bytes: Number(row.bytes), prompt: String(row.prompt),
    };
  }

  /** One page of a search, ranked by relevance (newest first without words); ties by id, so pages never overlap. */
  async search(query: LibraryQuery): Promise<LibraryHit[]> {
    const { sql, params } = query.words.length ? this.rankedSql(query) : this.newestSql(query);
    const rows: { id: string; score: number | string | null }[] = await this.em.fork().getConnection().execute(sql, params);
    const assets = new Map((await this.em.fork().find(LibraryAsset, { id: { $in: rows.map((r) => r.id) } })).map((a) => [a.id, a]));
    return rows.flatMap((r) => {
      const asset = assets.get(r.id);
      return asset ? [{ asset, score: r.score === null ? null : Number(r.score) }] : [];
    });
  }

  private rankedSql(q: LibraryQuery): { sql: string; params: unknown[] } {
    const filters = this.filters(q);
    if (this.postgres) {
      return {
        sql:
          `select a.id, ts_rank(a.search_vector, to_tsquery('simple', ?)) as score from library_assets a ` +
          `where a.search_vector @@ to_tsquery('simple', ?) and ${filters.sql} order by score desc, a.id limit ? offset ?`,
        params: [tsQueryExpression(q.words), tsQueryExpression(q.words), ...filters.params, q.limit, q.offset],
      };
    }
    // bm25's weights follow the table's columns: asset_id (not indexed), title, tags, prompt. Lower is better, so it is negated.
    return {
      sql:
        'select a.id, -bm25(library_assets_fts, 0.0, 10.0, 5.0, 1.0) as score from library_assets_fts ' +
        `join library_assets a on a.id = library_assets_fts.asset_id where library_assets_fts match ? and ${filters.sql} ` +
        'order by score desc, a.id limit ? offset ?',
      params: [fts5Expression(q.words), ...filters.params, q.limit, q.offset],
    };
  }

  private newestSql(q: LibraryQuery): { sql: string; params: unknown[] } {
    const filters = this.filters(q);
    return {
      sql: `select a.id, null as score from library_assets a where ${filters.sql} order by a.created_at desc, a.id desc limit ? offset ?`,
      params: [...filters.params, q.limit, q.offset],
    };
  }

  /** Who may see a row, its type and its tags (all of them: jsonb containment, or one json_each probe per tag). */
  private filters(q: LibraryQuery): { sql: string; params: unknown[] } {
    const sql = ['(a.org_id is null or a.org_id = ?)'];
    const params: unknown[] = [q.orgId];
    if (q.type) {
      sql.push('a.type = ?');
      params.push(q.type);
    }
    if (q.tags.length && this.postgres) {
      sql.push('a.tags @> cast(? as jsonb)');
      params.push(JSON.stringify(q.tags));
    }
    if (!this.postgres) {
      for (const tag of q.tags) {
        sql.push('exists (select 1 from json_each(a.tags) where json_each.value = ?)');
        params.push(tag);
      }
    }
    return { sql: sql.join(' and '), params };
  }
}
