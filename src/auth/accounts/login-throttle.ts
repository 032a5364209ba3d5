import { Inject, Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { AppError } from '../../common/errors/app-error';
import { NO_EXTRA_BLOCK_MS } from '../../throttling/plan-throttle';
import { RATE_LIMIT_STORAGE } from '../../throttling/rate-limit-storage';

/**
 * Slows password guessing: sign-in attempts are counted per account and per client address in the
 * shared rate-limit storage before the password is checked, so a locked-out guesser learns nothing
 * even when the guess is right. The storage can only count up, so every attempt counts, not only
 * failures; the defaults leave a person who signs in normally far from either limit.
 */
@Injectable()
export class LoginThrottle {
  constructor(@Inject(RATE_LIMIT_STORAGE) private readonly storage: ThrottlerStorage, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async countAttempt(email: string, ip: string): Promise<void> {
    const { loginAttemptsPerAccount, loginAttemptsPerAddress, loginWindowSeconds } = this.config.auth;
    const ttl = loginWindowSeconds * 1000;
    const account = await this.storage.increment(`login:account:${email}`, ttl, loginAttemptsPerAccount, NO_EXTRA_BLOCK_MS, 'login');
    const address = await this.storage.increment(`login:address:${ip}`, ttl, loginAttemptsPerAddress, NO_EXTRA_BLOCK_MS, 'login');
    const blocked = [
      account.totalHits > loginAttemptsPerAccount ? account : null,
      address.totalHits > loginAttemptsPerAddress ? address : null,
    ].filter((r) => r !== null);
    if (blocked.length) {
      const seconds = String(Math.max(1, ...blocked.map((r) => r.timeToExpire)));
      throw new AppError('rate_limited', `Too many sign-in attempts; try again in ${seconds} s`, { retryAfter: Number(seconds) }, {
        'retry-after': seconds,
        'x-ratelimit-retry-after': seconds,
      });
    }
  }
}
