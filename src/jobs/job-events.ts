import { Injectable, Logger } from '@nestjs/common';
import type { Job } from './job.entity';

export type FinalStatus = 'completed' | 'failed' | 'canceled';
/**
 * The job as its finisher had it (status and timestamps may be stale; input, webhookUrl and parentId absent when it was not
 * loaded). `eventPending: false`: its final update left the row's flag unset, as no listener needed its notice to survive a crash.
 */
export type FinishedJob = Pick<Job, 'id' | 'orgId'> & Partial<Pick<Job, 'input' | 'webhookUrl' | 'parentId' | 'eventPending'>>;
export type JobListener = (job: FinishedJob, status: FinalStatus) => Promise<void>;
/** Whether a listener must be told of this job's end again if the process dies before it was: true unless the listener says otherwise. */
export type RecoveryCheck = (job: Job, status: FinalStatus) => boolean | Promise<boolean>;

/**
 * Tells other modules (webhooks, batches, Prefer: wait, source clean-up) that a job reached a final
 * state, in the process where it happened. The job row's `eventPending` flag is set in the same
 * update, so a notice lost to a crash is announced again by JobCatchUp; listeners are idempotent.
 * A completion sets it only when some listener needs that (`needsRecovery`): most jobs have nobody
 * to tell after their completion commits, and the flag's clear would be one more write of the row.
 */
@Injectable()
export class JobEvents {
  private readonly logger = new Logger('JobEvents');
  private readonly listeners: JobListener[] = [];
  private readonly recoveryChecks: RecoveryCheck[] = [];

  /** `recovers`: which ends this listener needs announced again after a crash (all of them when not given). */
  onFinished(listener: JobListener, recovers: RecoveryCheck = () => true): void {
    this.listeners.push(listener);
    this.recoveryChecks.push(recovers);
  }

  /** Whether the job's final update must set its `eventPending` flag: some listener needs its notice to survive a crash. */
  async needsRecovery(job: Job, status: FinalStatus): Promise<boolean> {
    for (const check of this.recoveryChecks) if (await check(job, status)) return true;
    return false;
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
