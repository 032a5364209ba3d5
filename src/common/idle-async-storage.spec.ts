import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { promiseHooksOn } from '../../test/support/promise-hooks';
import { switchOffIdleAsyncStorage } from './idle-async-storage';

const hooksBased = typeof (AsyncLocalStorage.prototype as { _propagate?: unknown })._propagate === 'function';

describe('switchOffIdleAsyncStorage', () => {
  beforeAll(() => switchOffIdleAsyncStorage());

  it.runIf(hooksBased)('leaves promise hooks off once no run of any store is going', async () => {
    const a = new AsyncLocalStorage<number>();
    const b = new AsyncLocalStorage<number>();
    await Promise.all([a.run(1, () => sleep(5)), b.run(2, () => sleep(10)), a.run(3, () => sleep(1))]);
    b.run(4, () => 'sync');
    expect(await promiseHooksOn()).toBe(false);
  });

  it('gives each run its value through awaits and timers, and none outside', async () => {
    const store = new AsyncLocalStorage<string>();
    const seen = async (ms: number) => {
      await sleep(ms);
      return store.getStore();
    };
    const [a, b] = await Promise.all([store.run('a', () => seen(20)), store.run('b', () => seen(5))]);
    expect([a, b]).toEqual(['a', 'b']);
    expect(store.getStore()).toBeUndefined();
  });

  it('keeps serving a run still going when another one of the same store ends', async () => {
    const store = new AsyncLocalStorage<string>();
    const long = store.run('long', async () => {
      await sleep(30);
      return store.getStore();
    });
    await store.run('short', () => sleep(1));
    expect(await long).toBe('long');
  });

  it('serves nested runs and restores the outer value', async () => {
    const store = new AsyncLocalStorage<string>();
    const seen = await store.run('outer', async () => {
      const inner = await store.run('inner', async () => (await sleep(1), store.getStore()));
      await sleep(1);
      return [inner, store.getStore()];
    });
    expect(seen).toEqual(['inner', 'outer']);
  });

  it('returns what synchronous work returns, passes on what work throws or rejects with, and enters again afterwards', async () => {
    const store = new AsyncLocalStorage<number>();
    expect(store.run(1, (x: number) => x + (store.getStore() ?? 0), 41)).toBe(42);
    expect(() => store.run(2, () => {
      throw new Error('thrown');
    })).toThrow('thrown');
    await expect(store.run(3, async () => Promise.reject(new Error('rejected')))).rejects.toThrow('rejected');
    expect(await store.run(4, async () => (await sleep(1), store.getStore()))).toBe(4);
    expect(store.getStore()).toBeUndefined();
  });
});
