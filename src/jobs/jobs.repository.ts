import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Image } from '../images/image.entity';
import { Job, type JobError, type JobStatus, type JobType } from './job.entity';

export interface JobFilter {
  type?: JobType;
  status?: JobStatus;
  endUserId?: string;
}

@Injectable()
export class JobsRepository {
  constructor(private readonly em: EntityManager) {}

  /** `endUserId`, when given, finds the job only if it was made for that end user. */
  getInOrg(orgId: string, id: string, endUserId?: string): Promise<Job | null> {
    return this.em.fork().findOne(Job, { orgId, id, ...(endUserId ? { endUserId } : {}) });
  }

  getById(id: string): Promise<Job | null> {
    return this.em.fork().findOne(Job, { id });
  }

  /** The job a request with this Idempotency-Key created, if it got that far (a key is reused once it expires: only jobs since `since` count). */
  createdUnderKey(orgId: string, idempotencyKey: string, since: Date): Promise<Job | null> {
    return this.em.fork().findOne(Job, { orgId, idempotencyKey, createdAt: { $gte: since } }, { orderBy: { createdAt: 'desc' } });
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

  /**
   * Completes jobs with their images, in one transaction (completions that finish together share a
   * commit). Each is completed only if it was not finished meanwhile (cancelled) and is still its run's
   * (not taken over after its lease ran out); the answer says which were.
   */
  async complete(items: { job: Job; images: Image[]; cost: number }[]): Promise<boolean[]> {
    return this.em.fork().transactional(async (em) => {
      const done: boolean[] = [];
      for (const { job, images, cost } of items) {
        const n = await em.nativeUpdate(Job, { id: job.id, status: 'processing', attempts: job.attempts, cancelRequested: false }, { status: 'completed', cost, finishedAt: new Date(), eventPending: true });
        if (n === 1) for (const image of images) em.persist(image);
        done.push(n === 1);
      }
      return done;
    });
  }

  /** `attempts`, when given, finishes the job only if it is still that run's. */
  async finish(jobId: string, from: JobStatus[], status: 'failed' | 'canceled', error: JobError | null, attempts?: number): Promise<boolean> {
    const n = await this.em.fork().nativeUpdate(Job, { id: jobId, status: { $in: from }, ...(attempts === undefined ? {} : { attempts }) }, { status, error, finishedAt: new Date(), eventPending: true });
    return n === 1;
  }

  /** Puts a job back in the queue to try again after `runAfter`, if it is still this run's. */
  async retryLater(job: Job, runAfter: Date, error: JobError): Promise<boolean> {
    const n = await this.em.fork().nativeUpdate(Job, { id: job.id, status: 'processing', attempts: job.attempts }, { status: 'queued', runAfter, error });
    return n === 1;
  }

  /** Finished jobs whose webhook deliveries were not written (the process stopped in between). */
  pendingEvents(finishedBefore: Date, limit: number): Promise<Job[]> {
    return this.em.fork().find(Job, { eventPending: true, finishedAt: { $lte: finishedBefore } }, { orderBy: { finishedAt: 'asc' }, limit });
  }

  async clearEventPending(jobIds: string[]): Promise<void> {
    await this.em.fork().nativeUpdate(Job, { id: { $in: jobIds }, eventPending: true }, { eventPending: false });
  }

  /** Marks a running job for cancelling; false if it is no longer running. */
  async requestCancel(jobId: string): Promise<boolean> {
    return (await this.em.fork().nativeUpdate(Job, { id: jobId, status: 'processing' }, { cancelRequested: true })) === 1;
  }
}
