import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, signUp } from '../support/accounts';
import { bullmqEnv, dropQueueKeys } from '../support/queues';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

const SCOPES = ['images:generate', 'jobs:read', 'credits:read'];
const redisUrl = process.env.REDIS_URL;
// The free plan with room for many requests, but one job of an organisation at a time.
const oneAtATime = () => plansWithMoreWork().replace(/maxConcurrentJobs: 2\n/, 'maxConcurrentJobs: 1\n');

const drivers = [
  { driver: 'embedded', env: (): Record<string, string> => ({}), skip: '' },
  { driver: 'bullmq', env: () => bullmqEnv(redisUrl!), skip: redisUrl ? '' : ' (skipped: set REDIS_URL to run it)' },
];

for (const { driver, env, skip } of drivers) {
  describe.skipIf(!!skip)(`the plan's concurrent-job limit on the ${driver} queue${skip}`, () => {
    let t: TestApp;
    const settings = env();
    beforeAll(async () => {
      // Four slots in the worker, so only the plan's limit can hold the jobs back.
      t = await startTestApp({ ...settings, JOB_CONCURRENCY: '4' }, { plansYaml: oneAtATime() });
    });
    afterAll(async () => {
      await t.close();
      if (settings.QUEUE_PREFIX) await dropQueueKeys(redisUrl!, settings.QUEUE_PREFIX);
    });

    /** Polls the job list (one read for all of them: reads are rate-limited) until none is queued or running. */
    async function allFinished(key: string, count: number) {
      for (let i = 0; i < 300; i++) {
        const res = await t.http().get(`/api/v1/jobs?limit=${count}`).set(bearer(key)).expect(200);
        if (res.body.data.every((j: { status: string }) => !['queued', 'processing'].includes(j.status))) return res.body.data;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('the jobs did not finish');
    }

    it("never runs two of an organisation's jobs at once; the others wait and then complete", async () => {
      const user = await signUp(t);
      const key = (await createKey(t, user.accessToken, user.orgId, { name: 'limit', scopes: SCOPES })).secret;
      for (let i = 0; i < 5; i++) {
        await t.http().post('/api/v1/images/generations').set(bearer(key)).send({ prompt: `one at a time ${i}`, size: '512x512', style: 'oil-painting' }).expect(202);
      }
      const jobs: { status: string; startedAt: string; finishedAt: string }[] = await allFinished(key, 5);
      expect(jobs.map((j) => j.status)).toEqual(['completed', 'completed', 'completed', 'completed', 'completed']);
      // Each job's run, from its claim to its completion, ends before the next one's starts.
      const runs = jobs.map((j) => ({ start: Date.parse(j.startedAt), end: Date.parse(j.finishedAt) })).sort((a, b) => a.start - b.start);
      for (let i = 1; i < runs.length; i++) expect(runs[i].start).toBeGreaterThanOrEqual(runs[i - 1].end);
      await t.http().get('/api/v1/credits').set(bearer(key)).expect(200, { creditsBalance: 95, reserved: 0 });
    });
  });
}
