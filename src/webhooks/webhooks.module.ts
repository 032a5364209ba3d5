import { Module } from '@nestjs/common';
import { NetModule } from '../common/net/net.module';
import { CreditEventsModule } from '../credits/credit-events.module';
import { OrgsModule } from '../orgs/orgs.module';
import { CreditsLowNotifier } from './credits-low-notifier';
import { DeliveryLogRetention } from './delivery-log-retention';
import { WebhookDeliveriesController } from './webhook-deliveries.controller';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookPlanGate } from './webhook-plan-gate';
import { WebhookPublisher } from './webhook-publisher';
import { WebhookSecrets } from './webhook-secrets';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Signed event delivery (Standard Webhooks) to organisation endpoints and per-job URLs. Jobs publish;
 * credits announce balance drops (CreditEvents), which CreditsLowNotifier turns into credits.low.
 */
@Module({
  imports: [NetModule, CreditEventsModule, OrgsModule],
  controllers: [WebhookEndpointsController, WebhookDeliveriesController],
  providers: [WebhooksRepository, WebhookSecrets, WebhookDispatcher, WebhookPublisher, WebhooksService, DeliveryLogRetention, WebhookPlanGate, CreditsLowNotifier],
  exports: [WebhookPublisher, WebhooksService],
})
export class WebhooksModule {}
