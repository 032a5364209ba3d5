import { Injectable } from '@nestjs/common';
import type { Plan } from '../config/plans';
import { OrgDirectory } from '../tenancy/org-directory';
import { nextUtcMidnight, utcDay, UsageService } from '../throttling/usage.service';
import { CreditsService } from './credits.service';
import type { PlanDto, SubscriptionDto } from './subscription.dto';

const PLAN_DTOS = new WeakMap<Plan, PlanDto>();

@Injectable()
export class SubscriptionService {
  constructor(
    private readonly orgs: OrgDirectory,
    private readonly usage: UsageService,
    private readonly credits: CreditsService,
  ) {}

  async get(orgId: string): Promise<SubscriptionDto> {
    const [plan, images, creditsBalance] = await Promise.all([this.orgs.planOf(orgId), this.usage.today(orgId), this.credits.balance(orgId)]);
    return {
      organizationId: orgId,
      plan: SubscriptionService.mapPlan(plan),
      usage: { day: utcDay(), images, resetsAt: nextUtcMidnight().toISOString() },
      creditsBalance,
    };
  }

  /** Plans come from configuration and never change while running, so each is mapped once. */
  static mapPlan(plan: Plan): PlanDto {
    let dto = PLAN_DTOS.get(plan);
    if (!dto) {
      const { id, name, dailyImages, workPerMinute, readsPerMinute, maxWidth, maxHeight, maxConcurrentJobs, maxSourceBytes, maxSourcePixels, features } = plan;
      dto = { id, name, limits: { dailyImages, workPerMinute, readsPerMinute, maxWidth, maxHeight, maxConcurrentJobs, maxSourceBytes, maxSourcePixels }, features: { ...features } };
      PLAN_DTOS.set(plan, dto);
    }
    return dto;
  }
}
