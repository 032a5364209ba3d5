import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/accounts';
import { bullmqEnv, dropQueueKeys } from '../support/queues';
import { startServerProcess, startWorkerProcess, type ServerProcess } from '../support/server-process';
import { freshPostgres, plansWithMoreWork } from '../support/test-app';

const redisUrl = process.env.REDIS_URL;
const ready = process.env.DARKROOM_TEST_DATABASE === 'postgres' && !!redisUrl;
const TERMINAL = ['completed', 'failed', 'canceled'];

async function call(base: string, method: string, path: string, opts: { body?: unknown; token?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(opts.body ? { 'content-type': 'application/json' } : {}), ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
    body: opts.body ? JSON.stringify(opts.body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!ready)(`an API process and separate worker processes on BullMQ${ready ? '' : ' (skipped: needs DARKROOM_TEST_DATABASE=postgres and REDIS_URL)'}`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'darkroom-workers-'));
  // The free plan's 5 work requests a minute would throttle this suite; its 2 jobs at once stay.
  const configDir = join(dataDir, 'config');
  mkdirSync(configDir);
  writeFileSync(join(configDir, 'plans.yaml'), plansWithMoreWork());
  const queue = ready ? bullmqEnv(redisUrl!) : {};
  let db: Awaited<ReturnType<typeof freshPostgres>>;
  let api: ServerProcess;
  let key: string;
  const workers: { child: ServerProcess['child']; exited: ServerProcess['exited'] }[] = [];
  // Both roles share the database, Redis and DATA_DIR (files and the generated keys), as two machines would share PostgreSQL, Redis and S3.
  const env = () => ({ ...queue, DATABASE_URL: db.url, DATA_DIR: dataDir, CONFIG_DIR: configDir, JOB_LEASE_SECONDS: '2', JOB_CONCURRENCY: '2' });
  const startWorker = async () => {
    const worker = await startWorkerProcess(env());
    workers.push(worker);
    return worker;
  };
  const job = async (id: string) => (await call(api.base, 'GET', `/api/v1/jobs/${id}`, { token: key })).body;
  async function ended(id: string) {
    for (let i = 0; i < 600; i++) {
      const now = await job(id);
      if (TERMINAL.includes(now.status)) return now;
      await sleep(50);
    }
    throw new Error(`job ${id} did not end`);
  }
  const generate = (prompt: string, size = '256x256', headers: Record<string, string> = {}) =>
    call(api.base, 'POST', '/api/v1/images/generations', { body: { prompt, size, style: 'oil-painting' }, token: key, headers });

  beforeAll(async () => {
    db = await freshPostgres();
    api = await startServerProcess({ ...env(), PROCESS_ROLE: 'api' });
    const email = `workers-${Date.now()}@example.com`;
    await call(api.base, 'POST', '/api/v1/auth/register', { body: { email, password: PASSWORD, name: 'Workers' } });
    let token: string | undefined;
    for (let i = 0; i < 100 && !token; i++) {
      token = /verify-email\?token=([A-Za-z0-9_-]+)/.exec(api.output())?.[1];
      if (!token) await sleep(50);
    }
    await call(api.base, 'POST', '/api/v1/auth/verify-email', { body: { token } });
    const { accessToken } = (await call(api.base, 'POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } })).body;
    const orgId = (await call(api.base, 'GET', '/api/v1/me', { token: accessToken })).body.currentOrganization.id;
    const scopes = ['images:generate', 'jobs:read', 'credits:read'];
    key = (await call(api.base, 'POST', `/api/v1/orgs/${orgId}/api-keys`, { body: { name: 'k', scopes }, token: accessToken })).body.secret;
  });

  afterAll(async () => {
    for (const p of [...workers, api].filter(Boolean)) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
    await db?.drop();
    if (queue.QUEUE_PREFIX) await dropQueueKeys(redisUrl!, queue.QUEUE_PREFIX);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the API process queues jobs but never runs them; a worker process does, and Prefer: wait sees it finish', async () => {
    const waiting = await generate('waits for a worker', '256x256', { prefer: 'wait=2' });
    expect(waiting.status).toBe(202);
    expect((await job(waiting.body.id)).status).toBe('queued');

    const worker = await startWorker();
    expect((await ended(waiting.body.id)).status).toBe('completed');
    const waited = await generate('finished across processes', '256x256', { prefer: 'wait=30' });
    expect(waited.status).toBe(200);
    expect(waited.body).toMatchObject({ status: 'completed', outputs: [{ width: 256, height: 256 }] });

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });

  it('finishes every job after a worker is killed mid-job and another starts, with no reservation left open', async () => {
    const first = await startWorker();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await generate(`crash ${i}`, '1024x1024');
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    for (let i = 0; i < 400 && (await job(ids[0])).status !== 'processing'; i++) await sleep(10);
    first.child.kill('SIGKILL');
    await first.exited;

    await startWorker();
    const statuses = [];
    for (const id of ids) statuses.push((await ended(id)).status);
    expect(statuses).toEqual(['completed', 'completed', 'completed', 'completed']);
    // The worker settles a job's credits just after writing its status: allow it that moment.
    let credits = await call(api.base, 'GET', '/api/v1/credits', { token: key });
    for (let i = 0; i < 100 && credits.body.reserved !== 0; i++) {
      await sleep(50);
      credits = await call(api.base, 'GET', '/api/v1/credits', { token: key });
    }
    expect(credits.body).toEqual({ creditsBalance: 94, reserved: 0 });
  }, 90_000);

  it('runs a job whose id Redis lost, found by the sweep of the database', async () => {
    for (const w of workers) {
      w.child.kill('SIGTERM');
      await w.exited;
    }
    const res = await generate('lost by redis');
    expect(res.status).toBe(202);
    await dropQueueKeys(redisUrl!, queue.QUEUE_PREFIX!);
    await startWorker();
    expect((await ended(res.body.id)).status).toBe('completed');
  });
});
