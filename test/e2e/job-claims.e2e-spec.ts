import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueueRepository } from '../../src/jobs/job-queue.repository';
import { Job } from '../../src/jobs/job.entity';
import { JobsRepository } from '../../src/jobs/jobs.repository';
import { signUp } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

// The claim, the completion and the clearing of eventPending run as prepared statements, not through
// the ORM's queries: what they read and write must be what the ORM would.
describe('job claims and completions on the hot path', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PROCESS_ROLE: 'api' }); // no worker: this suite claims the jobs itself
  });
  afterAll(() => t.close());

  const claim = (orgId: string, ids: string[], maxRunning = 10) => {
    const now = new Date();
    return t.app.get(JobQueueRepository).claim({ orgId, ids, maxRunning, maxAttempts: 3, now, leaseUntil: new Date(now.getTime() + 60_000) });
  };

  it('answers each claimed job with its fields as the ORM reads them', async () => {
    const { orgId } = await signUp(t);
    const job = Object.assign(new Job(), { orgId, type: 'images.generate', input: { prompt: 'a lighthouse', n: 2, nested: { ok: true } }, createdBy: 'test', test: true, metadata: { sku: 'x' } });
    await t.app.get(JobsRepository).insert([job]);
    const [claimed] = await claim(orgId, [job.id]);
    expect(claimed).toBeInstanceOf(Job);
    expect(claimed).toMatchObject({ id: job.id, orgId, status: 'processing', attempts: 1, test: true, cancelRequested: false, eventPending: false, input: job.input, metadata: { sku: 'x' }, reservationId: null });
    expect(claimed.startedAt).toBeInstanceOf(Date);
    expect(claimed.runAfter.getTime()).toBeGreaterThan(Date.now());
    expect(claimed).toEqual(await t.app.get(JobsRepository).getById(job.id));
  });

  it('claims no more than the organisation has room for, and completes only the jobs still this run\'s', async () => {
    const { orgId } = await signUp(t);
    const rows = t.app.get(JobsRepository);
    const jobs = Array.from({ length: 4 }, () => Object.assign(new Job(), { orgId, type: 'images.generate', input: {}, createdBy: 'test' }));
    await rows.insert(jobs);
    const claimed = await claim(orgId, jobs.map((j) => j.id), 3);
    expect(claimed.map((j) => j.id)).toEqual(jobs.slice(0, 3).map((j) => j.id));
    await rows.requestCancel(claimed[1].id);
    const stale = Object.assign(new Job(), { ...claimed[2], attempts: 0 }); // a run that lost the job
    expect(await rows.complete([claimed[0], claimed[1], stale].map((job) => ({ job, persist: [], cost: 2, eventPending: true })))).toEqual([true, false, false]);
    const after = await Promise.all(jobs.map(async (j) => (await rows.getById(j.id))!));
    expect(after.map((j) => [j.status, j.cost, j.eventPending])).toEqual([['completed', 2, true], ['processing', 0, false], ['processing', 0, false], ['queued', 0, false]]);
    expect(after[0].finishedAt).toBeInstanceOf(Date);
    await rows.clearEventPending([jobs[0].id, jobs[3].id]);
    expect((await rows.getById(jobs[0].id))!.eventPending).toBe(false);
  });
});
