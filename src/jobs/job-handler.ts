import type { Image } from '../images/image.entity';
import type { Job } from './job.entity';

export interface JobResult {
  images: Image[];
  cost: number;
}

/**
 * Does one type of job's work; the lifecycle records the outcome. Registered with JobLifecycle at
 * start-up. `signal` aborts when the job is cancelled (on any node): stop promptly and throw.
 */
export interface JobHandler {
  run(job: Job, signal: AbortSignal): Promise<JobResult>;
}

/**
 * An error worth another try (a provider timing out); anything else fails the job at once.
 * `retryAfterMs`: the least wait before the next try, when the other side said (Retry-After).
 */
export class TransientJobError extends Error {
  constructor(readonly code: string, message: string, readonly retryAfterMs?: number) {
    super(message);
  }
}

/** A failure not worth another try, shown on the job with its catalogue code (a provider refused the key or the content). */
export class FinalJobError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}
