import { Module } from '@nestjs/common';
import { OrgsModule } from '../orgs/orgs.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { CreditsRepository } from './credits.repository';
import { CreditsService } from './credits.service';
import { SubscriptionController } from './subscription.controller';
import { SubscriptionService } from './subscription.service';

@Module({
  imports: [OrgsModule, ThrottlingModule],
  controllers: [SubscriptionController],
  providers: [CreditsService, CreditsRepository, SubscriptionService],
  exports: [CreditsService, SubscriptionService],
})
export class CreditsModule {}
