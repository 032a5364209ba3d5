import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { IdPoller } from '../common/id-poller';
import { JobEvents } from './job-events';
import { JobQueueRepository } from './job-queue.repository';

/** How often waiting requests look at their jobs' rows, for jobs that run in another process. */
const POLL_MS = 100;

/**
 * `Prefer: wait=N`: resolves when a job reaches a final state or the time is up. A job that ends in
 * this process wakes its waiters at once (JobEvents); one that ends in another process (a separate
 * worker, another node) is noticed by polling the rows: one query for all of this process's waiters
 * every 100 ms, and only while someone waits. Polling works with every driver and every database,
 * needs no channel between processes, and costs 10 small queries a second at most.
 */
@Injectable()
export class JobWaiter implements OnModuleInit, OnModuleDestroy {
  private readonly waiters = new Map<string, Set<() => void>>();
  // A failed poll is tried again; a waiter whose time is up resolves anyway.
  private readonly poller = new IdPoller(() => [...this.waiters.keys()], (ids) => this.jobs.finishedAmong(ids), (id) => this.wake(id), POLL_MS);

  constructor(private readonly events: JobEvents, private readonly jobs: JobQueueRepository) {}

  onModuleInit(): void {
    // Waiters live in this process: a crash takes them with it.
    this.events.onFinished(async (job) => this.wake(job.id), () => false);
  }

  onModuleDestroy(): void {
    this.poller.stop();
    for (const jobId of [...this.waiters.keys()]) this.wake(jobId);
  }

  waitFor(jobId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        const set = this.waiters.get(jobId);
        set?.delete(done);
        if (set?.size === 0) this.waiters.delete(jobId);
        this.poller.settle();
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.set(jobId, (this.waiters.get(jobId) ?? new Set()).add(done));
      this.poller.wake();
    });
  }

  private wake(jobId: string): void {
    for (const done of [...(this.waiters.get(jobId) ?? [])]) done();
  }
}
