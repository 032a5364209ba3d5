import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Video } from './video.entity';

@Injectable()
export class VideosRepository {
  constructor(private readonly em: EntityManager) {}

  /** `endUserId`, when given, finds the video only if it was made for that end user. */
  getInOrg(orgId: string, id: string, endUserId?: string): Promise<Video | null> {
    return this.em.fork().findOne(Video, { orgId, id, ...(endUserId ? { endUserId } : {}) });
  }

  getById(id: string): Promise<Video | null> {
    return this.em.fork().findOne(Video, { id });
  }

  /** The videos these jobs made, oldest first. */
  ofJobs(jobIds: string[]): Promise<Video[]> {
    return jobIds.length ? this.em.fork().find(Video, { jobId: { $in: jobIds } }, { orderBy: { id: 'asc' } }) : Promise.resolve([]);
  }

  olderThan(cutoff: Date, limit: number): Promise<Video[]> {
    return this.em.fork().find(Video, { createdAt: { $lt: cutoff } }, { orderBy: { createdAt: 'asc' }, limit });
  }

  async remove(video: Video): Promise<void> {
    await this.em.fork().nativeDelete(Video, { id: video.id });
  }
}
