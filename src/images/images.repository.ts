import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Image } from './image.entity';

@Injectable()
export class ImagesRepository {
  constructor(private readonly em: EntityManager) {}

  getInOrg(orgId: string, id: string, createdBy?: string): Promise<Image | null> {
    return this.em.fork().findOne(Image, { orgId, id, ...(createdBy ? { createdBy } : {}) });
  }

  getById(id: string): Promise<Image | null> {
    return this.em.fork().findOne(Image, { id });
  }

  async page(orgId: string, opts: { after?: string; limit: number; createdBy?: string }): Promise<{ rows: Image[]; total: number }> {
    const em = this.em.fork();
    const where = { orgId, ...(opts.createdBy ? { createdBy: opts.createdBy } : {}) };
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
