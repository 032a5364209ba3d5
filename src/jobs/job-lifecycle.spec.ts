import { describe, expect, it, vi } from 'vitest';
import type { AppConfig } from '../config/app-config';
import type { CreditsService } from '../credits/credits.service';
import type { OrgDirectory } from '../tenancy/org-directory';
import { CANCEL_POLL_MS, JobCancellations } from './job-cancellations';
import type { JobEvents } from './job-events';
import type { JobHandler } from './job-handler';
import { JobLifecycle } from './job-lifecycle';
import type { JobQueueRepository } from './job-queue.repository';
import type { JobRegistry } from './job-registry';
import { Job } from './job.entity';
import type { Completion, JobsRepository } from './jobs.repository';

/** The job rows, in memory, with the conditions JobsRepository and JobQueueRepository put on their updates. */
class FakeJobRows {
  readonly rows = new Map<string, Job>();
  readonly released: string[] = [];
  readonly announced: string[] = [];
  readonly persisted: object[] = [];

  /** What JobEvents.needsRecovery answers, and the eventPending each completion was written with. */
  recovers = true;
  readonly completedPending: boolean[] = [];

  readonly jobs = {
    complete: async (items: Completion[]) =>
      items.map(({ job, persist, eventPending }) => {
        this.completedPending.push(eventPending);
        return this.move(job.id, 'completed', (row) => !row.cancelRequested && row.attempts === job.attempts) && this.persisted.push(...persist) >= 0;
      }),
    finish: async (id: string, from: string[], status: 'failed' | 'canceled') => this.move(id, status, (row) => from.includes(row.status)),
    saveCheckpoint: async (job: Job, checkpoint: string) => {
      const row = this.rows.get(job.id);
      if (row?.status !== 'processing' || row.attempts !== job.attempts) return false;
      row.checkpoint = checkpoint;
      return true;
    },
    retryLater: async (job: Job) => this.move(job.id, 'queued', (row) => row.attempts === job.attempts),
  } as unknown as JobsRepository;

  readonly queue = {
    renewLease: async () => undefined,
    cancelRequestedAmong: async (ids: string[]) => ids.filter((id) => this.rows.get(id)?.cancelRequested),
  } as unknown as JobQueueRepository;

  readonly captured: string[] = [];
  readonly balancesForgotten: string[] = [];
  readonly credits = {
    release: async (_orgId: string, id: string) => this.released.push(id),
    capture: async (_orgId: string, id: string) => this.captured.push(id) > 0,
    settledElsewhere: (orgId: string) => void this.balancesForgotten.push(orgId),
  } as unknown as CreditsService;
  readonly announcedPending: (boolean | undefined)[] = [];
  readonly events = {
    finished: (job: Job, status: string) => this.announced.push(`${job.id} ${status}`) && this.announcedPending.push(job.eventPending),
    needsRecovery: async () => this.recovers,
  } as unknown as JobEvents;

  add(fields: Partial<Job>): Job {
    const job = Object.assign(new Job(), { orgId: 'org-1', type: 'images.generate', status: 'processing', attempts: 1, reservationId: `res-${this.rows.size}`, ...fields });
    this.rows.set(job.id, job);
    return Object.assign(new Job(), job);
  }

  /** Another run claims the job (its worker died, or it was queued again): the row as that claim returns it. */
  claimAgain(id: string): Job {
    const row = this.rows.get(id)!;
    Object.assign(row, { status: 'processing', attempts: row.attempts + 1 });
    return Object.assign(new Job(), row);
  }

  private move(id: string, status: Job['status'], allowed: (row: Job) => boolean): boolean {
    const row = this.rows.get(id);
    if (!row || row.status !== 'processing' || !allowed(row)) return false;
    row.status = status;
    return true;
  }
}

/** A lifecycle whose every job type is run by `handler`. */
function lifecycleWith(db: FakeJobRows, handler: JobHandler) {
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

describe('JobLifecycle handing a run its context and taking its result', () => {
  it('saves a checkpoint on the row at once, and hands it to the next run of the job (after a crash) instead of null', async () => {
    const db = new FakeJobRows();
    const seen: (string | null)[] = [];
    let proceed!: () => void;
    const { lifecycle } = lifecycleWith(db, {
      run: async ({ previousCheckpoint, checkpoint }) => {
        seen.push(previousCheckpoint);
        if (!previousCheckpoint) {
          await checkpoint('prediction-42');
          // The worker dies here: this run never ends.
          await new Promise<void>((resolve) => (proceed = resolve));
        }
        return { persist: [], cost: 1 };
      },
    });
    const job = db.add({});
    void lifecycle.run(job);
    await vi.waitFor(() => expect(db.rows.get(job.id)!.checkpoint).toBe('prediction-42'));
    await lifecycle.run(db.claimAgain(job.id));
    expect(seen).toEqual([null, 'prediction-42']);
    expect(db.rows.get(job.id)!.status).toBe('completed');
    proceed();
  });

  it('refuses a checkpoint from a run that no longer holds the job', async () => {
    const db = new FakeJobRows();
    const job = db.add({});
    let refusal: unknown;
    const { lifecycle } = lifecycleWith(db, {
      run: async ({ checkpoint }) => {
        db.claimAgain(job.id);
        refusal = await checkpoint('late').catch((err: unknown) => err);
        return { persist: [], cost: 1 };
      },
    });
    await lifecycle.run(job);
    expect(refusal).toBeInstanceOf(Error);
    expect(db.rows.get(job.id)!.checkpoint).toBeNull();
  });

  it('persists what a completed run returns, and discards (without persisting) what a run cancelled meanwhile returns', async () => {
    const db = new FakeJobRows();
    const discarded: string[] = [];
    const { lifecycle } = lifecycleWith(db, {
      run: async ({ job }) => {
        if (job.metadata?.cancel) db.rows.get(job.id)!.cancelRequested = true;
        return { persist: [{ row: job.id }], cost: 2, discard: async () => void discarded.push(job.id) };
      },
    });
    const kept = db.add({});
    const cancelled = db.add({ metadata: { cancel: 'yes' } });
    await lifecycle.run(kept);
    await lifecycle.run(cancelled);
    expect(db.persisted).toEqual([{ row: kept.id }]);
    expect(discarded).toEqual([cancelled.id]);
    expect(db.rows.get(cancelled.id)!.status).toBe('canceled');
    expect(db.released).toEqual([cancelled.reservationId]);
  });

  it('leaves a completed job\'s capture to its completion and forgets the organisation\'s cached balance', async () => {
    const db = new FakeJobRows();
    const { lifecycle } = lifecycleWith(db, { run: async () => ({ persist: [], cost: 1 }) });
    await lifecycle.run(db.add({}));
    await lifecycle.run(db.add({ orgId: 'org-2' }));
    expect(db.captured).toEqual([]);
    expect(db.balancesForgotten).toEqual(['org-1', 'org-2']);
    expect(db.announced.map((a) => a.split(' ')[1])).toEqual(['completed', 'completed']);
  });

  it('sets a completion\'s eventPending flag only when a listener needs its notice to survive a crash, and announces the job with it', async () => {
    const db = new FakeJobRows();
    const { lifecycle } = lifecycleWith(db, { run: async () => ({ persist: [], cost: 1 }) });
    await lifecycle.run(db.add({}));
    db.recovers = false;
    await lifecycle.run(db.add({}));
    expect(db.completedPending).toEqual([true, false]);
    expect(db.announcedPending).toEqual([true, false]);
  });
});
