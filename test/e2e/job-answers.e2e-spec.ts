import { EntityManager } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from '../../src/jobs/job.entity';
import { JobAnswersRepository } from '../../src/jobs/job-answers.repository';
import { JobsRepository } from '../../src/jobs/jobs.repository';
import { signUp } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

// The job a request asks about is read with a prepared statement, not the ORM's findOne: it must be
// the job the ORM would read, on either database.
describe('the job an answer reads', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PROCESS_ROLE: 'api' }); // no worker: the jobs stay as written
  });
  afterAll(() => t.close());

  it('reads every column as the ORM does, and only within the organisation and for the end user named', async () => {
    const { orgId } = await signUp(t);
    const other = await signUp(t);
    const rows = t.app.get(JobsRepository);
    const full = Object.assign(new Job(), {
      orgId, type: 'images.generate', status: 'failed', input: { prompt: 'a lighthouse', n: 2, nested: { ok: true } }, createdBy: 'key-1', endUserId: 'user-7', sku: 'poster',
      test: true, idempotencyKey: 'idem-1', checkpoint: 'remote-1', progress: { done: 1, total: null }, cost: 12, error: { code: 'provider_error', message: 'it broke' }, attempts: 2,
      cancelRequested: true, remoteWorkReady: true, metadata: { order: '42' }, webhookUrl: 'http://127.0.0.1:9/hook', eventPending: true,
      startedAt: new Date(Date.now() - 5_000), finishedAt: new Date(Date.now() - 1_234),
    });
    const plain = Object.assign(new Job(), { orgId, type: 'images.generate', input: {}, createdBy: 'key-1' });
    await rows.insert([full, plain]);
    const answers = t.app.get(JobAnswersRepository);
    const byOrm = (id: string) => t.app.get(EntityManager).fork().findOne(Job, { id });

    for (const job of [full, plain]) {
      const read = await answers.inOrg(orgId, job.id);
      expect(read).toBeInstanceOf(Job);
      expect(read).toEqual(await byOrm(job.id));
    }
    expect(await answers.inOrg(orgId, full.id, 'user-7')).toEqual(await byOrm(full.id));
    expect(await answers.inOrg(orgId, full.id, 'someone-else')).toBeNull();
    expect(await answers.inOrg(other.orgId, full.id)).toBeNull();
    expect(await answers.inOrg(orgId, 'no-such-job')).toBeNull();
  });
});
