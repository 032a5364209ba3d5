import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { AppConfig } from '../config/app-config';
import { FixedWindowStorage } from './fixed-window.storage';

export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

/** Nest calls each storage's onModuleDestroy to stop its timer or connection. Counters in memory on the embedded default, in Redis when REDIS_URL is set so every node shares them. */
export function createRateLimitStorage(config: AppConfig): ThrottlerStorage {
  if (config.redisUrl) return new ThrottlerStorageRedisService(config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
  return new FixedWindowStorage();
}
