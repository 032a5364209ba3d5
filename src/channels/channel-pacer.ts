import { setTimeout as delay } from 'node:timers/promises';
import type { ChannelCall, ChannelRateLimit } from '../plugins/channel-plugin';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Paces each connection's calls to its store by the budgets the channel plugin declares: a leaky
 * bucket per connection and budget (`burst` calls at once, then `perSecond`), so a large sync or bulk
 * fix keeps under the store's limit instead of running into its throttling. Kept in this process:
 * several API or worker processes each keep their own, and the store's throttled answer, waited out
 * and retried, covers what they send together.
 */
export class ChannelPacer {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Resolves when `call` may go to the store for this connection (taking its share of each budget); rejects when `signal` aborts first. */
  async take(connectionId: string, limits: ChannelRateLimit[], call: ChannelCall, signal?: AbortSignal): Promise<void> {
    const applicable = limits.flatMap((limit, i) => (!limit.calls || limit.calls.includes(call) ? [{ limit, key: `${connectionId}:${i}` }] : []));
    for (;;) {
      const waitMs = Math.max(0, ...applicable.map(({ limit, key }) => this.waitMs(key, limit)));
      if (waitMs === 0) {
        for (const { key } of applicable) this.buckets.get(key)!.tokens -= 1;
        return;
      }
      await delay(waitMs, undefined, { signal });
    }
  }

  /** Forgets a connection's budgets (it was deleted). */
  forget(connectionId: string): void {
    for (const key of this.buckets.keys()) if (key.startsWith(`${connectionId}:`)) this.buckets.delete(key);
  }

  /** How long until the bucket holds a whole call, refilled up to now. */
  private waitMs(key: string, limit: ChannelRateLimit): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    return bucket.tokens >= 1 ? 0 : Math.ceil(((1 - bucket.tokens) / limit.perSecond) * 1000);
  }
}
