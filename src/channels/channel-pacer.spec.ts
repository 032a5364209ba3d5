import { describe, expect, it } from 'vitest';
import { ChannelPacer } from './channel-pacer';

/** Takes `n` calls one after another and answers when each went, in ms since the first. */
async function times(pacer: ChannelPacer, n: number, ...args: Parameters<ChannelPacer['take']>): Promise<number[]> {
  const start = performance.now();
  const at: number[] = [];
  for (let i = 0; i < n; i++) {
    await pacer.take(...args);
    at.push(performance.now() - start);
  }
  return at;
}

describe('pacing a connection’s calls by its plugin’s budgets', () => {
  // Bounds far apart (an unpaced call is immediate, a paced one waits 250 ms or more), so a busy machine cannot blur them.
  it('lets a burst through at once, then one call per 1/perSecond', async () => {
    const at = await times(new ChannelPacer(), 5, 'c1', [{ perSecond: 4, burst: 3 }], 'listProducts');
    expect(at[2]).toBeLessThan(150);
    // The fourth and fifth wait for the bucket to refill, 250 ms a call.
    expect(at[3]).toBeGreaterThanOrEqual(240);
    expect(at[4]).toBeGreaterThanOrEqual(490);
  });

  it('counts only the calls a budget names, and each connection on its own', async () => {
    const pacer = new ChannelPacer();
    const limits = [{ calls: ['publishImage' as const], perSecond: 1, burst: 1 }];
    await pacer.take('c1', limits, 'publishImage');
    // Another call, or another connection, is not held by c1's spent publish budget.
    expect((await times(pacer, 3, 'c1', limits, 'listProducts')).at(-1)).toBeLessThan(500);
    expect((await times(pacer, 1, 'c2', limits, 'publishImage'))[0]).toBeLessThan(500);
  });

  it('stops waiting when the call is aborted, and forgets a deleted connection', async () => {
    const pacer = new ChannelPacer();
    const limits = [{ perSecond: 0.1, burst: 1 }];
    await pacer.take('c1', limits, 'connect');
    await expect(pacer.take('c1', limits, 'connect', AbortSignal.timeout(30))).rejects.toThrow();
    pacer.forget('c1');
    expect((await times(pacer, 1, 'c1', limits, 'connect'))[0]).toBeLessThan(500);
  });
});
