import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { AppConfig } from '../config/app-config';
import { FixedWindowStorage } from './fixed-window.storage';

export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');
const COMPLAINT_INTERVAL_MS = 30_000;

/** The throttler package's counter, plus forgetting one: a successful sign-in clears its failures. */
export interface RateLimitStorage extends ThrottlerStorage {
  /** Drops the counter (and any block) of `key` under `throttlerName`, as if it had never counted. */
  reset(key: string, throttlerName: string): Promise<void>;
}

/** Namespaces every counter, so installations (or test runs) can share one Redis. */
export class PrefixedRedisStorage extends ThrottlerStorageRedisService implements RateLimitStorage {
  private readonly logger = new Logger('RateLimits');
  private lastComplaint = 0;

  constructor(url: string, private readonly prefix: string) {
    super(url, { maxRetriesPerRequest: 2 });
    // ioredis emits an error per reconnect attempt; without a listener each is an "Unhandled error event".
    this.redis.on('error', (err: Error) => {
      if (Date.now() - this.lastComplaint < COMPLAINT_INTERVAL_MS) return;
      this.lastComplaint = Date.now();
      this.logger.error({ err }, 'Redis for rate limits is unreachable; requests that need a counter fail until it is back');
    });
  }

  override increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    return super.increment(`${this.prefix}:${key}`, ttl, limit, blockDuration, throttlerName);
  }

  async reset(key: string, throttlerName: string): Promise<void> {
    // The package's key layout: one hash slot per counter, holding its hits and its block.
    const slot = `{${this.prefix}:${key}:${throttlerName}}`;
    await this.redis.del(`${slot}:hits`, `${slot}:blocked`);
  }
}

/**
 * Counters in memory on the embedded default, in Redis when REDIS_URL is set so every node shares
 * them. Nest calls each storage's onModuleDestroy to stop its timer or close its connection.
 */
export function createRateLimitStorage(config: AppConfig): RateLimitStorage {
  if (config.redisUrl) return new PrefixedRedisStorage(config.redisUrl, config.throttle.redisKeyPrefix);
  return new FixedWindowStorage();
}
