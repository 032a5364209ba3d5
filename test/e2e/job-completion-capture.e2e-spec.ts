import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditLedgerEntry } from '../../src/credits/credit-ledger-entry.entity';
import { CreditsService } from '../../src/credits/credits.service';
import { JobQueueRepository } from '../../src/jobs/job-queue.repository';
import { Job } from '../../src/jobs/job.entity';
import { JobsRepository } from '../../src/jobs/jobs.repository';
import { EntityManager } from '@mikro-orm/core';
import { signUp } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

// A completion captures its job's reservation in its own transaction (on PostgreSQL in the completing
// statement); the ledger must end as CreditsService.capture leaves it, and a reservation settled
// already stays as it was.
describe('a completion and its capture', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PROCESS_ROLE: 'api' }); // no worker: this suite claims and completes the jobs itself
  });
  afterAll(() => t.close());

  it('leaves one capture per completed reservation (none for a job not completed, none again for one released already), and the balance as capture does', async () => {
    const { orgId } = await signUp(t);
    const credits = t.app.get(CreditsService);
    const rows = t.app.get(JobsRepository);
    const before = await credits.summary(orgId);
    const jobs = Array.from({ length: 3 }, () => Object.assign(new Job(), { orgId, type: 'images.generate', input: {}, createdBy: 'test' }));
    for (const job of jobs) await credits.reserve(orgId, 2, job.id, 'test work', [job]); // writes the job with its reservation
    const now = new Date();
    const claimed = await t.app.get(JobQueueRepository).claim({ orgId, ids: jobs.map((j) => j.id), maxRunning: 10, maxAttempts: 3, now, leaseUntil: new Date(now.getTime() + 60_000) });
    await credits.release(orgId, claimed[1].reservationId!);
    await rows.requestCancel(claimed[2].id);
    expect(await rows.complete(claimed.map((job) => ({ job, persist: [], cost: 2, eventPending: false })))).toEqual([true, true, false]);

    const ledger = await t.app.get(EntityManager).fork().find(CreditLedgerEntry, { orgId, kind: { $in: ['capture', 'release'] } }, { orderBy: { kind: 'asc' } });
    expect(ledger.map((e) => [e.kind, e.settles, e.amount, e.referenceId, e.reason])).toEqual([
      ['capture', claimed[0].reservationId, 0, jobs[0].id, 'capture of test work'],
      ['release', claimed[1].reservationId, 2, jobs[1].id, 'release of test work'],
    ]);
    expect((await rows.getById(claimed[0].id))!.eventPending).toBe(false); // completed with nobody to tell after a crash
    expect(await credits.capture(orgId, claimed[0].reservationId!)).toBe(false);
    credits.settledElsewhere(orgId);
    expect(await credits.summary(orgId)).toEqual({ creditsBalance: before.creditsBalance - 4, reserved: 2 });
  });
});
