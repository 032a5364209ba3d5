import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { IdPoller } from '../common/id-poller';
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
  // A failed poll is tried again; until then the job runs on, as it would have without the cancel.
  private readonly poller = new IdPoller(() => [...this.running.keys()], (ids) => this.queue.cancelRequestedAmong(ids), (id) => this.abort(id), CANCEL_POLL_MS);

  constructor(private readonly queue: JobQueueRepository) {}

  onModuleDestroy(): void {
    this.poller.stop();
  }

  /** The signal of a run starting now; already aborted if a cancel was asked before the claim (a run taken over after a crash). */
  watch(job: Pick<Job, 'id' | 'cancelRequested'>): AbortSignal {
    const controller = new AbortController();
    if (job.cancelRequested) controller.abort();
    this.running.set(job.id, controller);
    this.poller.wake();
    return controller.signal;
  }

  unwatch(jobId: string): void {
    this.running.delete(jobId);
    this.poller.settle();
  }

  /** A cancel was recorded for the job: if it runs in this process, its handler is told now. */
  abort(jobId: string): void {
    this.running.get(jobId)?.abort();
  }
}
