import { setTimeout as delay } from 'node:timers/promises';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { IdPoller } from '../common/id-poller';
import { JobQueueRepository } from '../jobs/job-queue.repository';

/** How often a process looks for webhooks received on other nodes for the remote work its jobs wait on. */
export const WAKE_POLL_MS = 1000;

/**
 * The waits between polls of slow backends, cut short when the backend's webhook says the work moved
 * on. A delivery received in the process that runs the job wakes it at once; one received on another
 * node (the API node, when jobs run on workers) marks the job's row, which this process notices by
 * polling its waiting jobs' rows, as JobCancellations does: one query a second, only while any wait.
 */
@Injectable()
export class RemoteWorkWakeups implements OnModuleDestroy {
  private readonly waiting = new Map<string, AbortController>();
  private readonly poller = new IdPoller(() => [...this.waiting.keys()], (ids) => this.queue.takeRemoteWorkReady(ids), (id) => this.wake(id), WAKE_POLL_MS);

  constructor(private readonly queue: JobQueueRepository) {}

  onModuleDestroy(): void {
    this.poller.stop();
  }

  /** Waits `ms`, or until a webhook for the job arrives; rejects when `signal` aborts. */
  async sleep(jobId: string, ms: number, signal: AbortSignal): Promise<void> {
    const woken = new AbortController();
    this.waiting.set(jobId, woken);
    this.poller.wake();
    try {
      await delay(ms, undefined, { signal: AbortSignal.any([signal, woken.signal]) });
    } catch (err) {
      signal.throwIfAborted();
      if (!woken.signal.aborted) throw err;
    } finally {
      if (this.waiting.get(jobId) === woken) this.waiting.delete(jobId);
      this.poller.settle();
    }
  }

  /** A verified delivery for the job: its wait ends here, or on the node running it through the row (also when it is between waits). */
  async delivered(jobId: string): Promise<void> {
    if (this.waiting.has(jobId)) return this.wake(jobId);
    await this.queue.markRemoteWorkReady(jobId);
  }

  private wake(jobId: string): void {
    this.waiting.get(jobId)?.abort();
  }
}
