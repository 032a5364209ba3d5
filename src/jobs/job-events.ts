import { Injectable, Logger } from '@nestjs/common';

export type JobListener = (jobId: string) => Promise<void>;

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
  finished(jobId: string): void {
    for (const listener of this.listeners) {
      listener(jobId).catch((err: unknown) => this.logger.error({ err, jobId }, 'job listener failed'));
    }
  }
}
