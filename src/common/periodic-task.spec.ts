import { describe, expect, it } from 'vitest';
import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  it('never runs twice at once: a run asked for meanwhile gets the one in progress', async () => {
    let runs = 0;
    let release!: () => void;
    const task = new PeriodicTask(async () => {
      runs++;
      await new Promise<void>((r) => (release = r));
      return runs;
    }, 60_000);
    const first = task.run();
    const second = task.run();
    expect(second).toBe(first);
    const stopped = task.stop();
    release();
    await stopped;
    expect(await first).toBe(1);
    const again = task.run();
    release();
    expect(await again).toBe(2);
  });
});
