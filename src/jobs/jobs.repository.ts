import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Image } from '../images/image.entity';
import { Job, type JobError, type JobStatus, type JobType } from './job.entity';

export interface JobFilter {
  type?: JobType;
  status?: JobStatus;
  createdBy?: string;
}

@Injectable()
export class JobsRepository {
  constructor(private readonly em: EntityManager) {}

  getInOrg(orgId: string, id: string, createdBy?: string): Promise<Job | null> {
    return this.em.fork().findOne(Job, { orgId, id, ...(createdBy ? { createdBy } : {}) });
  }

  getById(id: string): Promise<Job | null> {
    return this.em.fork().findOne(Job, { id });
  }

  listInOrg(orgId: string, filter: JobFilter, opts: { after?: string; limit: number }): Promise<Job[]> {
    return this.em.fork().find(
      Job,
      { orgId, ...filter, ...(opts.after ? { id: { $lt: opts.after } } : {}) },
      { orderBy: { id: 'desc' }, limit: opts.limit },
    );
  }

  outputs(jobIds: string[]): Promise<Image[]> {
    return jobIds.length ? this.em.fork().find(Image, { jobId: { $in: jobIds } }, { orderBy: { id: 'asc' } }) : Promise.resolve([]);
  }

  /** The id of a job ready to run: queued and due, or processing with its lease run out. */
  async nextRunnable(now: Date): Promise<Job | null> {
    return this.em.fork().findOne(
      Job,
      { status: { $in: ['queued', 'processing'] }, runAfter: { $lte: now } },
      { orderBy: { runAfter: 'asc' } },
    );
  }

  /** Takes the job for this worker until `leaseUntil`; false if another worker took it first. */
  async claim(job: Job, leaseUntil: Date): Promise<boolean> {
    const n = await this.em.fork().nativeUpdate(
      Job,
      { id: job.id, status: job.status, attempts: job.attempts },
      { status: 'processing', runAfter: leaseUntil, attempts: job.attempts + 1, startedAt: job.startedAt ?? new Date() },
    );
    return n === 1;
  }

  /** Completes the job with its images, unless it was finished meanwhile (cancelled). */
  async complete(job: Job, images: Image[], cost: number): Promise<boolean> {
    return this.em.fork().transactional(async (em) => {
      const n = await em.nativeUpdate(Job, { id: job.id, status: 'processing', cancelRequested: false }, { status: 'completed', cost, finishedAt: new Date(), eventPending: true });
      if (n !== 1) return false;
      for (const image of images) em.persist(image);
      return true;
    });
  }

  async finish(jobId: string, from: JobStatus[], status: 'failed' | 'canceled', error: JobError | null): Promise<boolean> {
    const n = await this.em.fork().nativeUpdate(Job, { id: jobId, status: { $in: from } }, { status, error, finishedAt: new Date(), eventPending: true });
    return n === 1;
  }

  /** Puts a job back in the queue to try again after `runAfter`. */
  async retryLater(jobId: string, runAfter: Date, error: JobError): Promise<void> {
    await this.em.fork().nativeUpdate(Job, { id: jobId, status: 'processing' }, { status: 'queued', runAfter, error });
  }

  /** Finished jobs whose webhook deliveries were not written (the process stopped in between). */
  pendingEvents(finishedBefore: Date, limit: number): Promise<Job[]> {
    return this.em.fork().find(Job, { eventPending: true, finishedAt: { $lte: finishedBefore } }, { orderBy: { finishedAt: 'asc' }, limit });
  }

  async clearEventPending(jobId: string): Promise<void> {
    await this.em.fork().nativeUpdate(Job, { id: jobId, eventPending: true }, { eventPending: false });
  }

  async requestCancel(jobId: string): Promise<void> {
    await this.em.fork().nativeUpdate(Job, { id: jobId, status: 'processing' }, { cancelRequested: true });
  }
}
