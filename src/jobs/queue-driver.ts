import type { QueuedJob } from './job-queue.repository';

/**
 * Moves job ids from where they are accepted to the workers that run them; JobLifecycle decides
 * everything else. `embedded`: the job rows are the queue, polled by each worker. `bullmq`: ids travel
 * through BullMQ on Redis. Either way the row is written first, so a lost notice delays a job but
 * never loses it.
 */
export abstract class QueueDriver {
  /** Called after the jobs' rows are committed. Never throws: a job not handed over is found later. */
  abstract enqueue(jobs: QueuedJob[]): Promise<void>;
}
