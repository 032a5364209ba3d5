import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config';
import type { CreditsService } from '../credits/credits.service';
import type { OrgDirectory } from '../tenancy/org-directory';
import { JobCancellations } from './job-cancellations';
import type { JobEvents } from './job-events';
import { FinalJobError, TransientJobError } from './job-handler';
import { JobLifecycle } from './job-lifecycle';
import type { JobQueueRepository } from './job-queue.repository';
import type { JobRegistry } from './job-registry';
import { Job, type JobError } from './job.entity';
import type { JobsRepository } from './jobs.repository';

/** A lifecycle whose handler throws `err`, recording what it does with the job: queued again (when), or failed (with what). */
function failingWith(err: Error, attempts = 1) {
  const seen: { retriedAt?: Date; retryError?: JobError; failedWith?: JobError | null; released: string[] } = { released: [] };
  const jobs = {
    retryLater: async (_job: Job, later: Date, error: JobError) => Boolean(Object.assign(seen, { retriedAt: later, retryError: error })),
    finish: async (_id: string, _from: string[], _status: string, error: JobError | null) => Boolean(Object.assign(seen, { failedWith: error })),
  } as unknown as JobsRepository;
  const queue = { renewLease: async () => undefined, cancelRequestedAmong: async () => [] } as unknown as JobQueueRepository;
  const credits = { release: async (_orgId: string, id: string) => seen.released.push(id) } as unknown as CreditsService;
  const registry = { handler: () => ({ run: async () => Promise.reject(err) }) } as unknown as JobRegistry;
  const lifecycle = new JobLifecycle(jobs, queue, credits, registry, { finished: () => undefined, needsRecovery: async () => true } as unknown as JobEvents, {} as OrgDirectory, new JobCancellations(queue), {
    jobs: { leaseSeconds: 30, maxAttempts: 3 },
  } as AppConfig);
  const job = Object.assign(new Job(), { orgId: 'org-1', type: 'images.generate', status: 'processing', attempts, reservationId: 'res-1' });
  return { run: () => lifecycle.run(job), seen };
}

describe('JobLifecycle after a failed run', () => {
  it("queues a transient failure again after its backoff, or after the other side's Retry-After when that is longer", async () => {
    const quick = failingWith(new TransientJobError('provider_unavailable', 'timed out'));
    const before = Date.now();
    await quick.run();
    expect(quick.seen.retriedAt!.getTime() - before).toBeGreaterThanOrEqual(2000);
    expect(quick.seen.retriedAt!.getTime() - before).toBeLessThan(2500);

    const slow = failingWith(new TransientJobError('provider_rate_limited', 'slow down', 30_000));
    await slow.run();
    expect(slow.seen.retriedAt!.getTime() - before).toBeGreaterThanOrEqual(30_000);
    expect(slow.seen.retryError).toEqual({ code: 'provider_rate_limited', message: 'slow down' });
  });

  it('fails a FinalJobError at once, showing its code, and releases the credits', async () => {
    const { run, seen } = failingWith(new FinalJobError('provider_credentials_invalid', 'the key was refused'));
    await run();
    expect(seen.retriedAt).toBeUndefined();
    expect(seen.failedWith).toEqual({ code: 'provider_credentials_invalid', message: 'the key was refused' });
    expect(seen.released).toEqual(['res-1']);
  });

  it('fails a transient error with its code once the attempts are used up, and anything else as job_failed', async () => {
    const last = failingWith(new TransientJobError('provider_rate_limited', 'still slow', 1000), 3);
    await last.run();
    expect(last.seen.failedWith).toEqual({ code: 'provider_rate_limited', message: 'still slow' });
    const bug = failingWith(new TypeError('undefined is not a function'));
    await bug.run();
    expect(bug.seen.failedWith).toEqual({ code: 'job_failed', message: 'The job failed' });
  });
});
