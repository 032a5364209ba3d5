import { Injectable, Logger } from '@nestjs/common';
import type { Job } from './job.entity';

export type FinalStatus = 'completed' | 'failed' | 'canceled';
/** The job as its finisher had it (status and timestamps may be stale; input and webhookUrl absent when it was not loaded). */
export type FinishedJob = Pick<Job, 'id' | 'orgId'> & Partial<Pick<Job, 'input' | 'webhookUrl'>>;
export type JobListener = (job: FinishedJob, status: FinalStatus) => Promise<void>;

/**
 * Tells other modules (webhooks) that a job reached a final state, in the process where it happened.
 * The job row's `eventPending` flag is set in the same update, so a notice lost to a crash is found
 * again by the listener's own sweep.
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
    for (const listener of this.listeners) {
      listener(job, status).catch((err: unknown) => this.logger.error({ err, jobId: job.id }, 'job listener failed'));
    }
  }
}
