import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config';
import type { CreditsService } from '../credits/credits.service';
import type { OrgDirectory } from '../orgs/org-directory';
import { CANCEL_POLL_MS, JobCancellations } from './job-cancellations';
import type { JobEvents } from './job-events';
import type { JobHandler } from './job-handler';
import { JobLifecycle } from './job-lifecycle';
import type { JobQueueRepository } from './job-queue.repository';
import type { JobRegistry } from './job-registry';
import { Job } from './job.entity';
import type { JobsRepository } from './jobs.repository';

/** The job rows, in memory, with the conditions JobsRepository and JobQueueRepository put on their updates. */
class FakeJobRows {
  readonly rows = new Map<string, Job>();
  readonly released: string[] = [];
  readonly announced: string[] = [];

  readonly jobs = {
    complete: async (items: { job: Job }[]) => items.map(({ job }) => this.move(job.id, 'completed', (row) => !row.cancelRequested)),
    finish: async (id: string, from: string[], status: 'failed' | 'canceled') => this.move(id, status, (row) => from.includes(row.status)),
  } as unknown as JobsRepository;

  readonly queue = {
    renewLease: async () => undefined,
    cancelRequestedAmong: async (ids: string[]) => ids.filter((id) => this.rows.get(id)?.cancelRequested),
  } as unknown as JobQueueRepository;

  readonly credits = { release: async (_orgId: string, id: string) => this.released.push(id), capture: async () => true } as unknown as CreditsService;
  readonly events = { finished: (job: Job, status: string) => this.announced.push(`${job.id} ${status}`) } as unknown as JobEvents;

  add(fields: Partial<Job>): Job {
    const job = Object.assign(new Job(), { orgId: 'org-1', type: 'images.generate', status: 'processing', attempts: 1, reservationId: `res-${this.rows.size}`, ...fields });
    this.rows.set(job.id, job);
    return Object.assign(new Job(), job);
  }

  private move(id: string, status: Job['status'], allowed: (row: Job) => boolean): boolean {
    const row = this.rows.get(id);
    if (!row || row.status !== 'processing' || !allowed(row)) return false;
    row.status = status;
    return true;
  }
}

/** A lifecycle whose every job type is run by `handler`. */
export function lifecycleWith(db: FakeJobRows, handler: JobHandler) {
  const cancellations = new JobCancellations(db.queue);
  const config = { jobs: { leaseSeconds: 30, maxAttempts: 3 } } as AppConfig;
  const registry = { handler: () => handler } as unknown as JobRegistry;
  const lifecycle = new JobLifecycle(db.jobs, db.queue, db.credits, registry, db.events, {} as OrgDirectory, cancellations, config);
  return { lifecycle, cancellations };
}

function lifecycleOver(db: FakeJobRows) {
  const seen: { signal?: AbortSignal } = {};
  // A handler that works until its signal aborts, as a provider honouring ctx.signal does.
  const { lifecycle, cancellations } = lifecycleWith(db, {
    run: ({ signal }) => {
      seen.signal = signal;
      return new Promise((_resolve, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    },
  });
  return { lifecycle, cancellations, seen };
}

describe('JobLifecycle cancelling a running job', () => {
  it('aborts the handler\'s signal when the cancel is asked in this process, then ends the job canceled and releases its credits', async () => {
    const db = new FakeJobRows();
    const { lifecycle, cancellations, seen } = lifecycleOver(db);
    const job = db.add({});
    const running = lifecycle.run(job);
    await new Promise((r) => setTimeout(r, 10));
    expect(seen.signal?.aborted).toBe(false);
    db.rows.get(job.id)!.cancelRequested = true;
    cancellations.abort(job.id);
    expect(await running).toEqual({});
    expect(seen.signal?.aborted).toBe(true);
    expect(db.rows.get(job.id)!.status).toBe('canceled');
    expect(db.released).toEqual([job.reservationId]);
    expect(db.announced).toEqual([`${job.id} canceled`]);
  });

  it('notices a cancel asked on another node from the job row, within a poll', async () => {
    const db = new FakeJobRows();
    const { lifecycle, seen } = lifecycleOver(db);
    const job = db.add({});
    const running = lifecycle.run(job);
    await new Promise((r) => setTimeout(r, 10));
    // Another node's JobsService only sets the flag on the row.
    db.rows.get(job.id)!.cancelRequested = true;
    const askedAt = Date.now();
    await running;
    expect(Date.now() - askedAt).toBeLessThan(CANCEL_POLL_MS * 2);
    expect(seen.signal?.aborted).toBe(true);
    expect(db.rows.get(job.id)!.status).toBe('canceled');
    expect(db.released).toEqual([job.reservationId]);
  });

  it('hands an already aborted signal to a run of a job whose cancel was asked before it was claimed', async () => {
    const db = new FakeJobRows();
    const { lifecycle, seen } = lifecycleOver(db);
    const job = db.add({ cancelRequested: true });
    await lifecycle.run(job);
    expect(seen.signal?.aborted).toBe(true);
    expect(db.rows.get(job.id)!.status).toBe('canceled');
  });
});
