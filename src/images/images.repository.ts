import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Image } from './image.entity';

@Injectable()
export class ImagesRepository {
  constructor(private readonly em: EntityManager) {}

  /** `endUserId`, when given, finds the image only if it was made for that end user. */
  getInOrg(orgId: string, id: string, endUserId?: string): Promise<Image | null> {
    return this.em.fork().findOne(Image, { orgId, id, ...(endUserId ? { endUserId } : {}) });
  }

  getById(id: string): Promise<Image | null> {
    return this.em.fork().findOne(Image, { id });
  }

  /** The images these jobs made, oldest first. */
  ofJobs(jobIds: string[]): Promise<Image[]> {
    return jobIds.length ? this.em.fork().find(Image, { jobId: { $in: jobIds } }, { orderBy: { id: 'asc' } }) : Promise.resolve([]);
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
