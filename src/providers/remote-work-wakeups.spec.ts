import { describe, expect, it } from 'vitest';
import type { JobQueueRepository } from '../jobs/job-queue.repository';
import { RemoteWorkWakeups } from './remote-work-wakeups';

/** The rows of jobs a webhook marked on another node, as JobQueueRepository keeps them. */
function rows() {
  const marked = new Set<string>();
  const queue = {
    markRemoteWorkReady: (id: string) => Promise.resolve(void marked.add(id)),
    takeRemoteWorkReady: (ids: string[]) => Promise.resolve(ids.filter((id) => marked.delete(id))),
  } as unknown as JobQueueRepository;
  return { marked, queue };
}

const elapsed = async (work: Promise<unknown>) => {
  const started = Date.now();
  await work;
  return Date.now() - started;
};

describe('RemoteWorkWakeups', () => {
  it('ends a wait at once when a delivery for its job arrives in this process, leaving the row alone', async () => {
    const { marked, queue } = rows();
    const wakeups = new RemoteWorkWakeups(queue);
    const waiting = wakeups.sleep('job-1', 60_000, new AbortController().signal);
    await wakeups.delivered('job-1');
    expect(await elapsed(waiting)).toBeLessThan(30_000);
    expect(marked.size).toBe(0);
    wakeups.onModuleDestroy();
  });

  it('marks the row when the job does not wait here, and a wait that starts later finds the mark', async () => {
    const { marked, queue } = rows();
    const wakeups = new RemoteWorkWakeups(queue);
    await wakeups.delivered('job-2');
    expect([...marked]).toEqual(['job-2']);
    await elapsed(wakeups.sleep('job-2', 60_000, new AbortController().signal));
    expect(marked.size).toBe(0);
    wakeups.onModuleDestroy();
  });

  it('waits its full length without a delivery, and rejects when the job is cancelled', async () => {
    const wakeups = new RemoteWorkWakeups(rows().queue);
    await expect(wakeups.sleep('job-3', 20, new AbortController().signal)).resolves.toBeUndefined();
    const cancel = new AbortController();
    const waiting = wakeups.sleep('job-3', 60_000, cancel.signal);
    cancel.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    wakeups.onModuleDestroy();
  });
});
