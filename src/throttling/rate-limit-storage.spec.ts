import { afterAll, describe, expect, it } from 'vitest';
import { PrefixedRedisStorage } from './rate-limit-storage';

// Runs where Redis is (CI's PostgreSQL + Redis pass, or `bash .ci/services-up.sh` and REDIS_URL set).
describe.runIf(process.env.REDIS_URL)('PrefixedRedisStorage', () => {
  const prefix = `test-${process.pid}-${Date.now().toString(36)}`;
  const storage = new PrefixedRedisStorage(process.env.REDIS_URL!, prefix);
  afterAll(() => storage.onModuleDestroy());

  it('keeps every counter under its prefix', async () => {
    await storage.increment('k', 60_000, 5, 1, 'read');
    expect(await storage.redis.keys(`{${prefix}:*`)).toEqual([`{${prefix}:k:read}:hits`]);
  });

  it('forgets a reset counter and its block, and only that counter', async () => {
    for (let i = 0; i < 3; i++) await storage.increment('r', 60_000, 1, 60_000, 'login');
    await storage.increment('r', 60_000, 1, 60_000, 'read');
    await storage.reset('r', 'login');
    expect(await storage.increment('r', 60_000, 1, 60_000, 'login')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect((await storage.increment('r', 60_000, 1, 60_000, 'read')).totalHits).toBe(2);
  });
});
