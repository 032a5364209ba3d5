import { Injectable } from '@nestjs/common';
import { PlansService } from '../config/plans.service';
import type { Plan } from '../config/plans';
import { OrgDirectory } from '../orgs/org-directory';
import { nextUtcMidnight, utcDay, UsageService } from '../throttling/usage.service';
import { CreditsService } from './credits.service';
import type { PlanDto, SubscriptionDto } from './subscription.dto';

@Injectable()
export class SubscriptionService {
  constructor(
    private readonly orgs: OrgDirectory,
    private readonly plans: PlansService,
    private readonly usage: UsageService,
    private readonly credits: CreditsService,
  ) {}

  async planOf(orgId: string): Promise<Plan> {
    return this.plans.get((await this.orgs.getOrg(orgId))?.plan ?? this.plans.defaultPlanId);
  }

  async get(orgId: string): Promise<SubscriptionDto> {
    const [plan, images, creditsBalance] = await Promise.all([this.planOf(orgId), this.usage.today(orgId), this.credits.balance(orgId)]);
    return {
      organizationId: orgId,
      plan: SubscriptionService.mapPlan(plan),
      usage: { day: utcDay(), images, resetsAt: nextUtcMidnight().toISOString() },
      creditsBalance,
    };
  }

  static mapPlan(plan: Plan): PlanDto {
    const { id, name, dailyImages, workPerMinute, readsPerMinute, maxWidth, maxHeight, features } = plan;
    return { id, name, limits: { dailyImages, workPerMinute, readsPerMinute, maxWidth, maxHeight }, features: { ...features } };
  }
}
