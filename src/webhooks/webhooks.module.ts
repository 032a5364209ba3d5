import { Global, Module } from '@nestjs/common';
import { NetModule } from '../common/net/net.module';
import { CreditEventsModule } from '../credits/credit-events.module';
import { JobEventsModule } from '../jobs/job-events.module';
import { JobWebhookTargets } from '../jobs/job-webhooks';
import { OrgsModule } from '../orgs/orgs.module';
import { CreditsLowNotifier } from './credits-low-notifier';
import { DeliveryLogRetention } from './delivery-log-retention';
import { JobNotifier } from './job-notifier';
import { WebhookDeliveriesController } from './webhook-deliveries.controller';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookPlanGate } from './webhook-plan-gate';
import { WebhookPublisher } from './webhook-publisher';
import { WebhookSecrets } from './webhook-secrets';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Signed event delivery (Standard Webhooks) to organisation endpoints and per-job URLs; JobNotifier
 * turns the ends JobEvents announces into job events, CreditsLowNotifier the balance drops CreditEvents
 * announces into credits.low. Global because it serves the job engine below
 * it: JobWebhookTargets, which jobs/ declares and asks for when a request names a webhookUrl.
 */
@Global()
@Module({
  imports: [NetModule, CreditEventsModule, OrgsModule, JobEventsModule],
  controllers: [WebhookEndpointsController, WebhookDeliveriesController],
  providers: [
    WebhooksRepository, WebhookSecrets, WebhookDispatcher, WebhookPublisher, WebhooksService, DeliveryLogRetention, WebhookPlanGate, CreditsLowNotifier, JobNotifier,
    { provide: JobWebhookTargets, useExisting: WebhooksService },
  ],
  exports: [WebhookPublisher, WebhooksService, JobWebhookTargets],
})
export class WebhooksModule {}
