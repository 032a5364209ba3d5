import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { PeriodicTask } from '../../common/periodic-task';
import type { Principal } from '../../tenancy/principal';
import { CLOCK_SKEW_SECONDS } from './client-token-verifier';
import { ClientTokenUsageRepository } from './client-token-usage.repository';

const PURGE_EVERY_MS = 3600_000;

/**
 * A client token's `limits.maxImages`: the images it may create over its whole life, whichever node
 * serves it. Counts of expired tokens are purged hourly.
 */
@Injectable()
export class ClientTokenQuota implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ClientTokens');
  private readonly purgeTask = new PeriodicTask((now) => this.purgeExpired(now), PURGE_EVERY_MS);

  constructor(private readonly usage: ClientTokenUsageRepository) {}

  onApplicationBootstrap(): void {
    this.purgeTask.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.purgeTask.stop();
  }

  /**
   * Counts `images` against the token's maxImages, then runs `work` (what creates them); if the work
   * fails they are given back. Other credentials, and tokens without maxImages, just run it.
   */
  async withinMaxImages<T>(principal: Principal, images: number, work: () => Promise<T>): Promise<T> {
    const max = principal.kind === 'client_token' ? principal.limits.maxImages : undefined;
    if (principal.kind !== 'client_token' || max === undefined) return work();
    const counted = await this.usage.tryAddImages({ tokenHash: principal.tokenHash, orgId: principal.orgId, expiresAt: principal.expiresAt }, images, max);
    if (!counted) {
      const remaining = Math.max(0, max - (await this.usage.imagesUsed(principal.tokenHash)));
      throw new AppError('plan_limit', `This client token may create ${max} image(s) in all; ${remaining} remain and this request asks for ${images}`, {
        reason: 'client_token_max_images',
        limit: max,
        remaining,
      });
    }
    try {
      return await work();
    } catch (err) {
      await this.usage.giveBackImages(principal.tokenHash, images).catch((giveBackErr: unknown) => {
        this.logger.error({ err: giveBackErr, signingKeyId: principal.signingKeyId }, 'could not give back the images of a failed request to its client token');
      });
      throw err;
    }
  }

  /** Returns how many counts went: those of tokens past their exp (and the clock skew verification allows). */
  purge(now = new Date()): Promise<number> {
    return this.purgeTask.run(now);
  }

  private async purgeExpired(now: Date): Promise<number> {
    try {
      return await this.usage.deleteExpiredBefore(new Date(now.getTime() - CLOCK_SKEW_SECONDS * 1000));
    } catch (err) {
      this.logger.error({ err }, 'client token usage purge failed');
      return 0;
    }
  }
}
