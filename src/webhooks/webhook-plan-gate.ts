import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Plan } from '../config/plans';
import { PlanChanges } from '../orgs/plan-changes';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookPublisher } from './webhook-publisher';
import { WebhooksRepository } from './webhooks.repository';

/**
 * Follows plan changes: a plan without webhooks pauses the organisation's endpoints and parks its
 * pending deliveries (kept, neither sent nor failed); a plan with them resumes both.
 */
@Injectable()
export class WebhookPlanGate implements OnModuleInit {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly planChanges: PlanChanges,
    private readonly repo: WebhooksRepository,
    private readonly publisher: WebhookPublisher,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  onModuleInit(): void {
    this.planChanges.listen((orgId, plan) => this.follow(orgId, plan));
  }

  private async follow(orgId: string, plan: Plan): Promise<void> {
    const webhooks = plan.features.webhooks;
    const changed = webhooks ? await this.repo.resumeOrg(orgId) : await this.repo.pauseOrg(orgId);
    this.publisher.forget(orgId);
    if (webhooks && changed.deliveries) this.dispatcher.kick();
    if (changed.endpoints || changed.deliveries) {
      this.logger.log({ orgId, plan: plan.id, ...changed }, `webhooks ${webhooks ? 'resumed' : 'paused'}: the ${plan.name} plan ${webhooks ? 'includes' : 'lacks'} them`);
    }
  }
}
