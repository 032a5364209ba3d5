import { createHmac, hkdfSync } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { AppError } from '../../common/errors/app-error';
import { NO_EXTRA_BLOCK_MS } from '../../throttling/plan-throttle';
import { RATE_LIMIT_STORAGE, type RateLimitStorage } from '../../throttling/rate-limit-storage';

const THROTTLER = 'login';

/**
 * Slows password guessing: sign-in attempts are counted per account and per client address in the
 * shared rate-limit storage before the password is checked, so a locked-out guesser learns nothing
 * even when the guess is right. A successful sign-in clears both counts, so only failures add up.
 *
 * The account's counter is keyed by an HMAC of the address, so Redis holds no e-mail addresses. Its
 * key comes from ENCRYPTION_KEY, which every node shares, so every node counts under the same name.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger('LoginThrottle');
  private readonly accountKeySecret: Buffer;

  constructor(@Inject(RATE_LIMIT_STORAGE) private readonly storage: RateLimitStorage, @Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.accountKeySecret = Buffer.from(hkdfSync('sha256', config.encryptionKey, '', 'darkroom login throttle account keys', 32));
  }

  /** Counts a sign-in attempt from `client`; over either limit it is refused, and the crossing is logged with the request's id. */
  async countAttempt(email: string, client: { ip: string; requestId: string }): Promise<void> {
    const { ip, requestId } = client;
    const { loginAttemptsPerAccount, loginAttemptsPerAddress, loginWindowSeconds } = this.config.auth;
    const ttl = loginWindowSeconds * 1000;
    const account = await this.storage.increment(this.accountKey(email), ttl, loginAttemptsPerAccount, NO_EXTRA_BLOCK_MS, THROTTLER);
    const address = await this.storage.increment(addressKey(ip), ttl, loginAttemptsPerAddress, NO_EXTRA_BLOCK_MS, THROTTLER);
    const blocked = [
      account.totalHits > loginAttemptsPerAccount ? account : null,
      address.totalHits > loginAttemptsPerAddress ? address : null,
    ].filter((r) => r !== null);
    // Once per window and counter, when it crosses its limit: someone may be guessing passwords.
    if (account.totalHits === loginAttemptsPerAccount + 1) this.logger.warn({ ip, requestId }, 'sign-in attempts for one account over the limit; refusing them until the window closes');
    if (address.totalHits === loginAttemptsPerAddress + 1) this.logger.warn({ ip, requestId }, 'sign-in attempts from one address over the limit; refusing them until the window closes');
    if (blocked.length) {
      const seconds = String(Math.max(1, ...blocked.map((r) => r.timeToExpire)));
      throw new AppError('rate_limited', `Too many sign-in attempts; try again in ${seconds} s`, { retryAfter: Number(seconds) }, {
        'retry-after': seconds,
        'x-ratelimit-retry-after': seconds,
      });
    }
  }

  /** The sign-in succeeded: the account's and the address's attempts so far no longer count. */
  async succeeded(email: string, ip: string): Promise<void> {
    await Promise.all([this.storage.reset(this.accountKey(email), THROTTLER), this.storage.reset(addressKey(ip), THROTTLER)]);
  }

  /** The counter name for an (already lower-cased) address: `login:account:<64 hex digits>`. */
  accountKey(email: string): string {
    return `login:account:${createHmac('sha256', this.accountKeySecret).update(email).digest('hex')}`;
  }
}

const addressKey = (ip: string) => `login:address:${ip}`;
