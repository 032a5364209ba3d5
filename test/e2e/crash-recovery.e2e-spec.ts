import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/accounts';
import { startServerProcess } from '../support/server-process';

const start = (dataDir: string) => startServerProcess({ DATA_DIR: dataDir, JOB_LEASE_SECONDS: '2', JOB_CONCURRENCY: '1' });

async function call(base: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

describe('crash recovery', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'darkroom-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('finishes every job after the process is killed mid-job, with no reservation left dangling', async () => {
    let server = await start(dataDir);
    const email = `crash-${Date.now()}@example.com`;
    await call(server.base, 'POST', '/api/v1/auth/register', { email, password: PASSWORD, name: 'Crash' });
    let token: string | undefined;
    for (let i = 0; i < 100 && !token; i++) {
      token = /verify-email\?token=([A-Za-z0-9_-]+)/.exec(server.output())?.[1];
      if (!token) await new Promise((r) => setTimeout(r, 50));
    }
    await call(server.base, 'POST', '/api/v1/auth/verify-email', { token });
    const { accessToken } = (await call(server.base, 'POST', '/api/v1/auth/login', { email, password: PASSWORD })).body;
    const orgId = (await call(server.base, 'GET', '/api/v1/me', undefined, accessToken)).body.currentOrganization.id;
    const key = (await call(server.base, 'POST', `/api/v1/orgs/${orgId}/api-keys`, { name: 'k', scopes: ['images:generate', 'jobs:read', 'credits:read'] }, accessToken)).body.secret;

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
});
