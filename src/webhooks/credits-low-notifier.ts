import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { newId } from '../common/ids';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CreditEvents, type BalanceDrop } from '../credits/credit-events';
import { WebhookPublisher } from './webhook-publisher';

/**
 * Publishes credits.low once per crossing: only the reservation that takes the balance from at or
 * above CREDITS_LOW_THRESHOLD to below it (both balances read inside its lock) announces it.
 */
@Injectable()
export class CreditsLowNotifier implements OnModuleInit {
  constructor(
    private readonly events: CreditEvents,
    private readonly publisher: WebhookPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.events.onBalanceDrop((drop) => this.notify(drop));
  }

  async notify({ orgId, before, after }: BalanceDrop): Promise<void> {
    const threshold = this.config.webhooks.creditsLowThreshold;
    if (!threshold || before < threshold || after >= threshold) return;
    await this.publisher.publish(orgId, { id: `evt_${newId()}`, type: 'credits.low', data: { creditsBalance: after, threshold } });
  }
}
