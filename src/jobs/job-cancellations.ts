import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Job } from './job.entity';
import { JobQueueRepository } from './job-queue.repository';

/** How often this process looks for cancels asked on other nodes, while it runs jobs. */
export const CANCEL_POLL_MS = 1000;

/**
 * The abort signals of the jobs running in this process. A cancel asked in this process aborts its
 * job at once; one asked on another node (the API node, when jobs run on workers) only sets the
 * row's `cancelRequested`, which this process notices by polling its running jobs' rows: one query a
 * second, and only while it runs any. Polling, like JobWaiter's, needs no channel between processes
 * and works with every queue driver and database.
 */
@Injectable()
export class JobCancellations implements OnModuleDestroy {
  private readonly running = new Map<string, AbortController>();
  private timer?: NodeJS.Timeout;
  private polling = false;

  constructor(private readonly queue: JobQueueRepository) {}

  onModuleDestroy(): void {
    this.stopPolling();
  }

  /** The signal of a run starting now; already aborted if a cancel was asked before the claim (a run taken over after a crash). */
  watch(job: Pick<Job, 'id' | 'cancelRequested'>): AbortSignal {
    const controller = new AbortController();
    if (job.cancelRequested) controller.abort();
    this.running.set(job.id, controller);
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), CANCEL_POLL_MS);
      this.timer.unref();
    }
    return controller.signal;
  }

  unwatch(jobId: string): void {
    this.running.delete(jobId);
    if (!this.running.size) this.stopPolling();
  }

  /** A cancel was recorded for the job: if it runs in this process, its handler is told now. */
  abort(jobId: string): void {
    this.running.get(jobId)?.abort();
  }

  private stopPolling(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling || !this.running.size) return;
    this.polling = true;
    try {
      for (const jobId of await this.queue.cancelRequestedAmong([...this.running.keys()])) this.abort(jobId);
    } catch {
      // The next poll tries again; until then the job runs on, as it would have without the cancel.
    } finally {
      this.polling = false;
    }
  }
}
