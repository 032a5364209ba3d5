import { Inject, Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteAccess, WorkOptions } from '../tenancy/access.decorators';
import { principalId } from '../tenancy/principal';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PlansService } from '../config/plans.service';
import type { Plan } from '../config/plans';
import { AppError } from '../common/errors/app-error';
import { IdempotentReplays } from '../jobs/idempotent-replays';
import { OrgDirectory } from '../tenancy/org-directory';
import { RATE_LIMIT_STORAGE } from './rate-limit-storage';
import { UsageService } from './usage.service';

const WINDOW_MS = 60_000;
/**
 * The Redis storage would block for this long from the first refused request, while the memory one
 * blocks until the window ends; with 1 ms both refuse exactly while the window's count is over the
 * limit, and retry-after is the time left in the window.
 */
export const NO_EXTRA_BLOCK_MS = 1;

/**
 * Per-minute limits from the organisation's plan, counted per organisation and credential, with
 * work (job-creating) requests and reads counted apart so polling never eats the budget for creating
 * work; then the daily quota for work. Public routes are limited per client address. A work request
 * that replays a completed Idempotency-Key creates nothing, so it counts against neither.
 */
@Injectable()
export class PlanThrottle {
  constructor(
    private readonly plans: PlansService,
    private readonly orgs: OrgDirectory,
    private readonly usage: UsageService,
    private readonly replays: IdempotentReplays,
    @Inject(RATE_LIMIT_STORAGE) private readonly storage: ThrottlerStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async check(req: FastifyRequest, reply: FastifyReply, access: RouteAccess, work: WorkOptions | undefined): Promise<void> {
    if (access.kind === 'public') {
      if (access.throttled) await this.count(reply, `ip:${req.ip}`, 'public', this.config.throttle.publicPerMinute);
      return;
    }
    const auth = req.auth!;
    // Answered from the kept response (IdempotencyInterceptor): no rate-limit headers either, as nothing was counted.
    if (work && auth.orgId && (await this.replays.isReplay(req, auth.orgId))) return;
    const p = auth.principal;
    const orgId = auth.orgId ?? (p.kind === 'user' ? p.personalOrgId : p.orgId);
    const org = orgId ? await this.orgs.getOrg(orgId) : null;
    const plan = this.plans.get(org?.plan ?? this.plans.defaultPlanId);
    const tracker = `${orgId ?? 'none'}:${principalId(p)}`;
    await this.count(reply, tracker, work ? 'work' : 'read', work ? plan.workPerMinute : plan.readsPerMinute, plan);
    if (work && orgId && work.units !== 'counted-by-route') await this.usage.consumeDaily(orgId, plan, work.units(req.body));
  }

  private async count(reply: FastifyReply, tracker: string, bucket: string, limit: number, plan?: Plan): Promise<void> {
    const record = await this.storage.increment(tracker, WINDOW_MS, limit, NO_EXTRA_BLOCK_MS, bucket);
    reply.header('x-ratelimit-limit', limit);
    reply.header('x-ratelimit-remaining', Math.max(0, limit - record.totalHits));
    reply.header('x-ratelimit-reset', record.timeToExpire);
    if (record.totalHits > limit) {
      const retryAfter = String(Math.max(1, record.timeToExpire));
      const what = plan ? `The ${plan.name} plan allows ${limit} ${bucket} requests a minute` : `At most ${limit} requests a minute are allowed here`;
      throw new AppError('rate_limited', `${what}; retry in ${retryAfter} s`, { limit, retryAfter: Number(retryAfter) }, {
        'retry-after': retryAfter,
        'x-ratelimit-retry-after': retryAfter,
      });
    }
  }
}
