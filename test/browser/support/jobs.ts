import { setTimeout as sleep } from 'node:timers/promises';
import { apiOk } from './api';

const JOB_TIMEOUT_MS = 60_000;
/** Seldom enough to leave the free plan's 300 reads a minute (per organisation) to the page under test. */
const POLL_MS = 1000;

/** Polls GET /api/v1/jobs/:id until the job has ended, then until its credits have settled (nothing reserved). */
export async function jobEnded(base: string, token: string, jobId: string, orgId?: string): Promise<any> {
  const until = Date.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const job = await apiOk(base, 'GET', `/api/v1/jobs/${jobId}`, 200, { token, orgId });
    if (job.status !== 'queued' && job.status !== 'processing') {
      while ((await apiOk(base, 'GET', '/api/v1/credits', 200, { token, orgId })).reserved !== 0) {
        if (Date.now() > until) throw new Error(`credits still reserved ${JOB_TIMEOUT_MS} ms after job ${jobId} ended`);
        await sleep(POLL_MS / 2);
      }
      return job;
    }
    if (Date.now() > until) throw new Error(`job ${jobId} still ${job.status} after ${JOB_TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
}

/** A batch of `count` generations of `size` images, as POST /api/v1/jobs takes it. */
export function batchOf(count: number, item: Record<string, unknown>) {
  return { items: Array.from({ length: count }, (_, i) => ({ operation: 'images.generate', prompt: `item ${i + 1}`, ...item })) };
}
