import Redis from 'ioredis';

/** Settings that put an app's BullMQ queue under a prefix of its own, so suites sharing one Redis never see each other's jobs. */
export function bullmqEnv(redisUrl: string): Record<string, string> {
  return { QUEUE_DRIVER: 'bullmq', REDIS_URL: redisUrl, QUEUE_PREFIX: `test-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}` };
}

/** Deletes every key under a queue prefix (what a suite left in Redis, or to simulate Redis losing its data). */
export async function dropQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
