import { afterEach, describe, expect, it, vi } from 'vitest';
import { FixedWindowStorage } from './fixed-window.storage';

describe('FixedWindowStorage', () => {
  const storage = new FixedWindowStorage();
  afterEach(() => vi.useRealTimers());

  it('counts hits in a window and blocks past the limit', async () => {
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await storage.increment('a', 60_000, 3, 60_000, 'read'));
    expect(results.map((r) => r.totalHits)).toEqual([1, 2, 3, 4]);
    expect(results.map((r) => r.isBlocked)).toEqual([false, false, false, true]);
    expect(results[3].timeToBlockExpire).toBeGreaterThan(0);
  });

  it('keeps keys and throttler names apart', async () => {
    await storage.increment('b', 60_000, 1, 60_000, 'read');
    expect((await storage.increment('b', 60_000, 1, 60_000, 'work')).totalHits).toBe(1);
    expect((await storage.increment('c', 60_000, 1, 60_000, 'read')).totalHits).toBe(1);
  });

  it('forgets a reset key, and only that key', async () => {
    await storage.increment('e', 60_000, 1, 60_000, 'login');
    await storage.increment('e', 60_000, 1, 60_000, 'read');
    await storage.reset('e', 'login');
    expect((await storage.increment('e', 60_000, 1, 60_000, 'login')).totalHits).toBe(1);
    expect((await storage.increment('e', 60_000, 1, 60_000, 'read')).totalHits).toBe(2);
  });

  it('starts a new window once the old one closes', async () => {
    vi.useFakeTimers();
    await storage.increment('d', 1000, 1, 1000, 'read');
    expect((await storage.increment('d', 1000, 1, 1000, 'read')).isBlocked).toBe(true);
    vi.advanceTimersByTime(1001);
    const fresh = await storage.increment('d', 1000, 1, 1000, 'read');
    expect(fresh).toMatchObject({ totalHits: 1, isBlocked: false });
  });
});
