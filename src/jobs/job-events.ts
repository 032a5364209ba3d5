import { Injectable, Logger } from '@nestjs/common';
import type { Job } from './job.entity';

export type FinalStatus = 'completed' | 'failed' | 'canceled';
/** The job as its finisher had it (status and timestamps may be stale; input, webhookUrl and parentId absent when it was not loaded). */
export type FinishedJob = Pick<Job, 'id' | 'orgId'> & Partial<Pick<Job, 'input' | 'webhookUrl' | 'parentId'>>;
export type JobListener = (job: FinishedJob, status: FinalStatus) => Promise<void>;

/**
 * Tells other modules (webhooks, batches, Prefer: wait, source clean-up) that a job reached a final
 * state, in the process where it happened. The job row's `eventPending` flag is set in the same
 * update, so a notice lost to a crash is announced again by JobCatchUp; listeners are idempotent.
 */
@Injectable()
export class JobEvents {
  private readonly logger = new Logger('JobEvents');
  private readonly listeners: JobListener[] = [];

  onFinished(listener: JobListener): void {
    this.listeners.push(listener);
  }

  /** Fire and forget: a listener's failure never fails the job. */
  finished(job: FinishedJob, status: FinalStatus): void {
    void this.announce(job, status);
  }

  /** Tells every listener and waits for them all (a listener's failure is logged, not thrown). */
  async announce(job: FinishedJob, status: FinalStatus): Promise<void> {
    await Promise.all(this.listeners.map((listener) => listener(job, status).catch((err: unknown) => this.logger.error({ err, jobId: job.id }, 'job listener failed'))));
  }
}
