import { EntityManager } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from '../../src/jobs/job.entity';
import { JobStep } from '../../src/jobs/job-step.entity';
import { JobStepsRepository } from '../../src/jobs/job-steps.repository';
import { JobsRepository } from '../../src/jobs/jobs.repository';
import { signUp } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

// Steps are written and read with prepared statements, not the ORM's insert and find: what they
// write and read back must be what the ORM would, on either database.
describe('job steps on the hot path', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PROCESS_ROLE: 'api' });
  });
  afterAll(() => t.close());

  const FIELDS = ['jobId', 'attempt', 'provider', 'model', 'keySource', 'status', 'errorCode', 'errorMessage', 'requestId', 'latencyMs', 'providerCost', 'providerCostCurrency', 'credits', 'createdAt'] as const;
  const pick = (step: JobStep) => Object.fromEntries(FIELDS.map((f) => [f, step[f]]));

  it('records steps that the ORM reads back as written, and reads them as the ORM does, oldest first, then by id', async () => {
    const { orgId } = await signUp(t);
    const jobs = [0, 1].map(() => Object.assign(new Job(), { orgId, type: 'images.generate', input: {}, createdBy: 'test' }));
    await t.app.get(JobsRepository).insert(jobs);
    const at = new Date(Date.now() - 60_000);
    const step = (jobId: string, fields: Partial<JobStep>) => Object.assign(new JobStep(), { jobId, orgId, attempt: 1, provider: 'aura', model: 'aura-1', keySource: 'platform', status: 'succeeded', ...fields });
    const written = [
      step(jobs[0].id, { status: 'failed', errorCode: 'provider_error', errorMessage: 'it broke', latencyMs: 1234, createdAt: new Date(at.getTime() + 5) }),
      step(jobs[0].id, { attempt: 2, keySource: 'byok', requestId: 'req-1', providerCost: 0.0425, providerCostCurrency: 'USD', credits: 7, test: true, createdAt: new Date(at.getTime() + 1) }),
      step(jobs[0].id, { status: 'skipped', errorCode: 'circuit_open', errorMessage: '', createdAt: new Date(at.getTime() + 1) }),
      step(jobs[1].id, { providerCost: 3, providerCostCurrency: 'EUR', createdAt: at }),
    ];
    const steps = t.app.get(JobStepsRepository);
    for (const s of written) await steps.record(s);

    const em = t.app.get(EntityManager).fork();
    const byOrm = await em.find(JobStep, { jobId: { $in: jobs.map((j) => j.id) } }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    expect(byOrm.map((s) => ({ ...pick(s), id: s.id, orgId: s.orgId, test: s.test }))).toEqual(
      [written[3], ...[written[1], written[2]].sort((a, b) => a.id.localeCompare(b.id)), written[0]].map((s) => ({ ...pick(s), id: s.id, orgId: s.orgId, test: s.test })),
    );

    const read = await steps.ofJobs([jobs[1].id, jobs[0].id, 'no-such-job']);
    expect([...read.keys()].sort()).toEqual(jobs.map((j) => j.id).sort());
    expect(read.get(jobs[0].id)).toEqual(byOrm.filter((s) => s.jobId === jobs[0].id).map(pick));
    expect(read.get(jobs[1].id)).toEqual(byOrm.filter((s) => s.jobId === jobs[1].id).map(pick));
    expect(await steps.ofJobs([])).toEqual(new Map());
  });
});
