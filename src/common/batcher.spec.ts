import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher';

describe('Batcher', () => {
  it('flushes the calls of one turn together, in order, and groups the calls that arrive during a flush', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher(async (items: number[]) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, 5));
      return items.map((i) => i * 10);
    });
    const first = [1, 2].map((i) => batcher.run(i));
    await new Promise((r) => setImmediate(r));
    const rest = [3, 4, 5].map((i) => batcher.run(i));
    expect(await Promise.all([...first, ...rest])).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1, 2], [3, 4, 5]]);
  });

  it('flushes at most maxBatch calls at a time', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher(async (items: number[]) => (batches.push(items), items), 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => batcher.run(i)));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('retries a failed batch one call at a time, so only the bad item fails', async () => {
    const batcher = new Batcher(async (items: number[]) => {
      if (items.includes(3)) throw new Error('bad item');
      return items;
    });
    const results = await Promise.allSettled([0, 2, 3, 4].map((i) => batcher.run(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : null))).toEqual([0, 2, null, 4]);
  });
});
