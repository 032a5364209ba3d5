import { describe, expect, it, vi } from 'vitest';
import type { AppConfig } from '../config/app-config';
import type { CreditsService } from '../credits/credits.service';
import type { OrgDirectory } from '../tenancy/org-directory';
import type { JobCancellations } from './job-cancellations';
import type { JobEvents } from './job-events';
import { JobLifecycle } from './job-lifecycle';
import type { ClaimRequest, DueJob, JobQueueRepository } from './job-queue.repository';
import type { JobRegistry } from './job-registry';
import { Job } from './job.entity';
import type { JobsRepository } from './jobs.repository';

/** Queued jobs, oldest first, and how many run per organisation; every organisation may run one job at a time. */
function lifecycleOver(queued: { id: string; orgId: string }[], running: Map<string, number>) {
  const rows: DueJob[] = queued.map(({ id, orgId }) => ({ id, orgId, status: 'queued', attempts: 0, reservationId: null, parentId: null }));
  const queue = {
    due: vi.fn(async (_now: Date, limit: number, skipOrgs: string[]) => rows.filter((r) => !skipOrgs.includes(r.orgId)).slice(0, limit)),
    runningByOrg: vi.fn(async () => running),
    claim: vi.fn(async (req: ClaimRequest) => req.ids.map((id) => Object.assign(new Job(), { id, orgId: req.orgId }))),
  };
  const orgs = { planOf: async () => ({ maxConcurrentJobs: 1 }) } as unknown as OrgDirectory;
  const config = { jobs: { leaseSeconds: 30, maxAttempts: 3 } } as AppConfig;
  const lifecycle = new JobLifecycle({} as JobsRepository, queue as unknown as JobQueueRepository, {} as CreditsService, {} as JobRegistry, {} as JobEvents, orgs, {} as JobCancellations, config);
  return { lifecycle, queue };
}

describe('JobLifecycle.claimDue', () => {
  it('counts the running jobs only when something is due', async () => {
    const { lifecycle, queue } = lifecycleOver([], new Map());
    expect(await lifecycle.claimDue(4)).toEqual({ jobs: [], more: false });
    expect(queue.runningByOrg).not.toHaveBeenCalled();
  });

  it('claims the due jobs found when none of their organisations is at its limit', async () => {
    const { lifecycle, queue } = lifecycleOver([{ id: 'j1', orgId: 'a' }], new Map([['b', 1]]));
    expect((await lifecycle.claimDue(4)).jobs.map((j) => j.id)).toEqual(['j1']);
    expect(queue.due).toHaveBeenCalledTimes(1);
  });

  it("skips an organisation at its limit, so its backlog does not hold up the others' jobs", async () => {
    const { lifecycle, queue } = lifecycleOver([{ id: 'j1', orgId: 'a' }, { id: 'j2', orgId: 'a' }, { id: 'j3', orgId: 'b' }], new Map([['a', 1]]));
    expect(await lifecycle.claimDue(2)).toEqual({ jobs: [expect.objectContaining({ id: 'j3' })], more: false });
    expect(queue.due.mock.calls.map(([, limit, skip]) => [limit, skip])).toEqual([[2, []], [2, ['a']]]);
  });
});
