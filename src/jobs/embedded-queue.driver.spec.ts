import { describe, expect, it, vi } from 'vitest';
import type { AppConfig } from '../config/app-config';
import { EmbeddedQueueDriver } from './embedded-queue.driver';
import type { JobLifecycle } from './job-lifecycle';
import { Job } from './job.entity';

/** A driver with room for four jobs, over a lifecycle whose look-ups answer `pages` in turn; its jobs run until `finish` is called. */
function driverOver(pages: { jobs: number; more: boolean }[]) {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const lifecycle = {
    claimDue: vi.fn(async () => {
      const page = pages.shift() ?? { jobs: 0, more: false };
      return { jobs: Array.from({ length: page.jobs }, () => new Job()), more: page.more };
    }),
    run: vi.fn(async () => (await finished, {})),
  };
  const driver = new EmbeddedQueueDriver(lifecycle as unknown as JobLifecycle, { processRole: 'all', jobs: { concurrency: 4 } } as AppConfig);
  return { driver, lifecycle, finish };
}

describe('EmbeddedQueueDriver', () => {
  it('looks for due jobs once when the look-up found fewer than it had room for', async () => {
    const { driver, lifecycle, finish } = driverOver([{ jobs: 1, more: false }]);
    driver.onApplicationBootstrap();
    await vi.waitFor(() => expect(lifecycle.run).toHaveBeenCalledTimes(1));
    expect(lifecycle.claimDue).toHaveBeenCalledTimes(1);
    finish();
    await driver.onModuleDestroy();
  });

  it('looks again while each look-up fills the room it was given, until the slots are taken', async () => {
    const { driver, lifecycle, finish } = driverOver([{ jobs: 2, more: true }, { jobs: 2, more: true }]);
    driver.onApplicationBootstrap();
    await vi.waitFor(() => expect(lifecycle.run).toHaveBeenCalledTimes(4));
    expect(lifecycle.claimDue.mock.calls).toEqual([[4], [2]]);
    finish();
    await driver.onModuleDestroy();
  });
});
