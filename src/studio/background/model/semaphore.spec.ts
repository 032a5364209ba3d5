import { describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('Semaphore', () => {
  it('lets at most its permits run at once and the others in, in order, as they release', async () => {
    const semaphore = new Semaphore(2);
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map(async (task) => {
        await semaphore.acquire();
        inside++;
        most = Math.max(most, inside);
        order.push(task);
        await tick();
        inside--;
        semaphore.release();
      }),
    );
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('gives up a place in line when the signal aborts, and the permit goes to the next', async () => {
    const semaphore = new Semaphore(1);
    await semaphore.acquire();
    const controller = new AbortController();
    const abandoned = semaphore.acquire(controller.signal);
    const next = semaphore.acquire();
    controller.abort();
    await expect(abandoned).rejects.toThrow(/abort/i);
    semaphore.release();
    await expect(next).resolves.toBeUndefined();
  });

  it('refuses an already aborted signal and fewer than one permit', async () => {
    await expect(new Semaphore(1).acquire(AbortSignal.abort())).rejects.toThrow(/abort/i);
    expect(() => new Semaphore(0)).toThrow(/at least one permit/);
  });
});
