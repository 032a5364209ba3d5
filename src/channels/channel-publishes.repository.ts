import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { Image } from '../images/image.entity';
import { ChannelPublishRecord, type PublishReports } from './channel-publish.entity';

@Injectable()
export class ChannelPublishesRepository {
  constructor(private readonly em: EntityManager) {}

  getInOrg(orgId: string, id: string): Promise<ChannelPublishRecord | null> {
    return this.em.fork().findOne(ChannelPublishRecord, { orgId, id });
  }

  getByJob(jobId: string): Promise<ChannelPublishRecord | null> {
    return this.em.fork().findOne(ChannelPublishRecord, { jobId });
  }

  /** The entries of these jobs, each read within its organisation. */
  ofJobs(jobs: { id: string; orgId: string }[]): Promise<ChannelPublishRecord[]> {
    return this.em.fork().find(ChannelPublishRecord, { $or: jobs.map((job) => ({ jobId: job.id, orgId: job.orgId })) });
  }

  async update(orgId: string, id: string, fields: Partial<ChannelPublishRecord>): Promise<void> {
    await this.em.fork().nativeUpdate(ChannelPublishRecord, { orgId, id }, { ...fields, updatedAt: new Date() });
  }

  /** A fix's image stored in the gallery and named on its entry, with the reports, in one transaction: a retry finds both or neither. */
  async recordFix(record: ChannelPublishRecord, image: Image, report: PublishReports): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      em.persist(image);
      await em.flush();
      await em.nativeUpdate(ChannelPublishRecord, { orgId: record.orgId, id: record.id }, { fixedImageId: image.id, report, updatedAt: new Date() });
    });
  }

  /** The organisation's publishes, newest first; `connectionId` narrows them to one connection. */
  page(orgId: string, opts: { connectionId?: string; after?: string; limit: number }): Promise<ChannelPublishRecord[]> {
    const where = { orgId, ...(opts.connectionId ? { connectionId: opts.connectionId } : {}), ...(opts.after ? { id: { $lt: opts.after } } : {}) };
    return this.em.fork().find(ChannelPublishRecord, where, { orderBy: { id: 'desc' }, limit: opts.limit });
  }
}
