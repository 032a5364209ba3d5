import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { PreparedSql, placeholders } from '../database/prepared-sql';
import { Image } from './image.entity';

/** The columns of an image a job's outputs show. */
export type ImageOutputRow = Pick<Image, 'id' | 'jobId' | 'format' | 'width' | 'height' | 'bytes' | 'provider' | 'test'>;

@Injectable()
export class ImagesRepository {
  constructor(private readonly em: EntityManager, private readonly sql: PreparedSql) {}

  /** `endUserId`, when given, finds the image only if it was made for that end user. */
  getInOrg(orgId: string, id: string, endUserId?: string): Promise<Image | null> {
    return this.em.fork().findOne(Image, { orgId, id, ...(endUserId ? { endUserId } : {}) });
  }

  getById(id: string): Promise<Image | null> {
    return this.em.fork().findOne(Image, { id });
  }

  /**
   * What a job's answer lists of the images these jobs made, oldest first. A prepared statement, not
   * the query builder and entities: every job view reads it, a Prefer: wait answer included.
   */
  async outputsOfJobs(jobIds: string[]): Promise<ImageOutputRow[]> {
    if (!jobIds.length) return [];
    const rows = await this.sql.all<Record<string, unknown>>(
      `select id, job_id, format, width, height, bytes, provider, test from images where job_id in (${placeholders(jobIds)}) order by id asc`,
      jobIds,
    );
    return rows.map((r) => ({
      id: String(r.id), jobId: String(r.job_id), format: String(r.format), width: Number(r.width), height: Number(r.height), bytes: Number(r.bytes),
      provider: String(r.provider),
      // SQLite keeps booleans as 0 and 1.
      test: Boolean(r.test),
    }));
  }

  async page(orgId: string, opts: { after?: string; limit: number; endUserId?: string; test?: boolean }): Promise<{ rows: Image[]; total: number }> {
    const em = this.em.fork();
    const where = { orgId, ...(opts.endUserId ? { endUserId: opts.endUserId } : {}), ...(opts.test === undefined ? {} : { test: opts.test }) };
    const [rows, total] = await Promise.all([
      em.find(Image, { ...where, ...(opts.after ? { id: { $lt: opts.after } } : {}) }, { orderBy: { id: 'desc' }, limit: opts.limit }),
      em.count(Image, where),
    ]);
    return { rows, total };
  }

  olderThan(cutoff: Date, limit: number): Promise<Image[]> {
    return this.em.fork().find(Image, { createdAt: { $lt: cutoff } }, { orderBy: { createdAt: 'asc' }, limit });
  }

  async remove(image: Image): Promise<void> {
    await this.em.fork().nativeDelete(Image, { id: image.id });
  }
}
