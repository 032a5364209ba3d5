import { Module } from '@nestjs/common';
import { NetModule } from '../common/net/net.module';
import { OrgsModule } from '../orgs/orgs.module';
import { DeliveryLogRetention } from './delivery-log-retention';
import { WebhookDeliveriesController } from './webhook-deliveries.controller';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookPlanGate } from './webhook-plan-gate';
import { WebhookPublisher } from './webhook-publisher';
import { WebhookSecrets } from './webhook-secrets';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/** Signed event delivery (Standard Webhooks) to organisation endpoints and per-job URLs. Knows nothing of jobs or credits: they publish. */
@Module({
  imports: [NetModule, OrgsModule],
  controllers: [WebhookEndpointsController, WebhookDeliveriesController],
  providers: [WebhooksRepository, WebhookSecrets, WebhookDispatcher, WebhookPublisher, WebhooksService, DeliveryLogRetention, WebhookPlanGate],
  exports: [WebhookPublisher, WebhooksService],
})
export class WebhooksModule {}
