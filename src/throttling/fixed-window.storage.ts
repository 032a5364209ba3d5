import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import type { RateLimitStorage } from './rate-limit-storage';

interface Window {
  hits: number;
  resetAt: number;
}

const SWEEP_MS = 60_000;

/**
 * In-memory fixed-window counters: a window opens on the first hit and counts until it closes. Callers
 * decide from totalHits and timeToExpire, which the Redis storage reports the same way. The
 * throttler package's own memory storage keeps one timestamp per hit and filters them on every
 * request, which costs O(limit) per call; this keeps one counter per key.
 */
export class FixedWindowStorage implements RateLimitStorage {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper = setInterval(() => this.sweep(), SWEEP_MS).unref();

  async increment(key: string, ttl: number, limit: number, _blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const id = `${key}:${throttlerName}`;
    const now = Date.now();
    let w = this.windows.get(id);
    if (!w || w.resetAt <= now) {
      w = { hits: 0, resetAt: now + ttl };
      this.windows.set(id, w);
    }
    w.hits++;
    const timeToExpire = Math.ceil((w.resetAt - now) / 1000);
    const isBlocked = w.hits > limit;
    return { totalHits: w.hits, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
  }

  async reset(key: string, throttlerName: string): Promise<void> {
    this.windows.delete(`${key}:${throttlerName}`);
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, w] of this.windows) if (w.resetAt <= now) this.windows.delete(id);
  }
}
