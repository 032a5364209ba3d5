import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher';

describe('Batcher', () => {
  it('flushes a lone call at once and groups the calls that arrive during a flush', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher(async (items: number[]) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, 5));
      return items.map((i) => i * 10);
    });
    const first = batcher.run(1);
    const rest = [2, 3, 4].map((i) => batcher.run(i));
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('retries a failed batch one call at a time, so only the bad item fails', async () => {
    const batcher = new Batcher(async (items: number[]) => {
      if (items.includes(3)) throw new Error('bad item');
      return items;
    });
    const blocker = batcher.run(0);
    const results = await Promise.allSettled([blocker, ...[2, 3, 4].map((i) => batcher.run(i))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  });
});
