import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/accounts';
import { startServerProcess, type ServerProcess } from '../support/server-process';

const LEASE_SECONDS = 2;
const start = (dataDir: string, env: Record<string, string> = {}) => startServerProcess({ DATA_DIR: dataDir, JOB_LEASE_SECONDS: String(LEASE_SECONDS), JOB_CONCURRENCY: '1', ...env });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function call(base: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

/** The server's first account, verified from the mail it logs, and an API key that can generate and read. */
async function apiKeyOn(server: ServerProcess): Promise<string> {
  const email = `crash-${Date.now()}@example.com`;
  await call(server.base, 'POST', '/api/v1/auth/register', { email, password: PASSWORD, name: 'Crash' });
  let token: string | undefined;
  for (let i = 0; i < 100 && !token; i++) {
    token = /verify-email\?token=([A-Za-z0-9_-]+)/.exec(server.output())?.[1];
    if (!token) await sleep(50);
  }
  await call(server.base, 'POST', '/api/v1/auth/verify-email', { token });
  const { accessToken } = (await call(server.base, 'POST', '/api/v1/auth/login', { email, password: PASSWORD })).body;
  const orgId = (await call(server.base, 'GET', '/api/v1/me', undefined, accessToken)).body.currentOrganization.id;
  return (await call(server.base, 'POST', `/api/v1/orgs/${orgId}/api-keys`, { name: 'k', scopes: ['images:generate', 'jobs:read', 'credits:read'] }, accessToken)).body.secret;
}

describe('crash recovery', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'darkroom-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('finishes every job after the process is killed mid-job, with no reservation left dangling', async () => {
    let server = await start(dataDir);
    const key = await apiKeyOn(server);

    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await call(server.base, 'POST', '/api/v1/images/generations', { prompt: `crash test ${i}`, size: '1024x1024', style: 'oil-painting' }, key);
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    // Kill it hard while a job is running.
    for (let i = 0; i < 200; i++) {
      const job = await call(server.base, 'GET', `/api/v1/jobs/${ids[0]}`, undefined, key);
      if (job.body.status === 'processing') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    server.child.kill('SIGKILL');
    await server.exited;

    server = await start(dataDir);
    try {
      const statuses: string[] = [];
      for (const id of ids) {
        for (let i = 0; i < 600; i++) {
          const job = await call(server.base, 'GET', `/api/v1/jobs/${id}`, undefined, key);
          // On a slow machine the polls can reach the plan's read limit: a 429 is a reason to wait, not a status.
          if (job.status === 429) {
            await new Promise((r) => setTimeout(r, 1000));
            continue;
          }
          if (!['queued', 'processing'].includes(job.body.status)) {
            statuses.push(job.body.status);
            break;
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      expect(statuses).toEqual(['completed', 'completed', 'completed', 'completed']);
      const credits = await call(server.base, 'GET', '/api/v1/credits', undefined, key);
      expect(credits.body).toEqual({ creditsBalance: 96, reserved: 0 });
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 90_000);

  it('recovers the Idempotency-Keys of requests cut off by kill -9: each replays its job or runs again, none stays 409, none is charged twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'darkroom-crash-keys-'));
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'config', 'plans.yaml'), readFileSync('config/plans.yaml', 'utf8').replace('workPerMinute: 5', 'workPerMinute: 1000'));
    const env = { CONFIG_DIR: join(dir, 'config') };
    const KEYS = 40;
    const send = async (base: string, i: number, prefer?: string) => {
      const res = await fetch(`${base}/api/v1/images/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'idempotency-key': `crash-key-${i}`, ...(prefer ? { prefer } : {}) },
        body: JSON.stringify({ prompt: `crash key ${i}`, size: '256x256', seed: i }),
      });
      return { status: res.status, replayed: res.headers.get('idempotent-replayed'), body: (await res.json()) as any };
    };
    let server = await start(dir, env);
    const key = await apiKeyOn(server);
    try {
      // Half answer at once; half wait for their jobs, holding their keys after the job exists.
      let answered = 0;
      const first = Array.from({ length: KEYS }, (_, i) =>
        send(server.base, i, i % 2 ? 'wait=60' : undefined).then(
          (r) => (answered++, r),
          () => null,
        ),
      );
      for (let i = 0; i < 200 && answered < 5; i++) await sleep(10);
      server.child.kill('SIGKILL');
      await server.exited;
      const killedAt = Date.now();
      const firstAnswers = await Promise.all(first);
      expect(firstAnswers.filter((a) => a === null).length).toBeGreaterThan(0);

      server = await start(dir, env);
      // The dead requests' leases run out; until then their keys answer 409, as a live request's would.
      await sleep(Math.max(0, killedAt + LEASE_SECONDS * 1000 - Date.now()));
      const retries = [];
      for (let i = 0; i < KEYS; i++) retries.push(await send(server.base, i));
      expect(retries.filter((r) => ![200, 202].includes(r.status)).map((r) => r.body)).toEqual([]);
      for (const [i, answer] of firstAnswers.entries()) {
        if (answer && [200, 202].includes(answer.status)) expect({ id: retries[i].body.id, replayed: retries[i].replayed }).toEqual({ id: answer.body.id, replayed: 'true' });
      }
      const jobIds = retries.map((r) => r.body.id as string);
      expect(new Set(jobIds).size).toBe(KEYS);
      // One job per key, and no other: nothing ran twice.
      const listed = await call(server.base, 'GET', '/api/v1/jobs?limit=100', undefined, key);
      expect(listed.body.data.map((j: { id: string }) => j.id).sort()).toEqual([...jobIds].sort());
      for (const id of jobIds) {
        for (let i = 0; i < 600; i++) {
          const job = await call(server.base, 'GET', `/api/v1/jobs/${id}`, undefined, key);
          expect(job.status).toBe(200);
          if (job.body.status === 'completed') break;
          await sleep(50);
        }
      }
      const credits = await call(server.base, 'GET', '/api/v1/credits', undefined, key);
      expect(credits.body).toEqual({ creditsBalance: 100 - KEYS, reserved: 0 });
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
