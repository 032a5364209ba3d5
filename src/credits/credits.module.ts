import { Module } from '@nestjs/common';
import { ThrottlingModule } from '../throttling/throttling.module';
import { CreditEventsModule } from './credit-events.module';
import { CreditsRepository } from './credits.repository';
import { CreditsService } from './credits.service';
import { CreditsController } from './credits.controller';
import { CreditsAdminController } from './credits-admin.controller';
import { LedgerService } from './ledger.service';
import { AuditModule } from '../audit/audit.module';
import { SubscriptionController } from './subscription.controller';
import { SubscriptionService } from './subscription.service';
import { TenancyModule } from '../tenancy/tenancy.module';

@Module({
  imports: [TenancyModule, ThrottlingModule, AuditModule, CreditEventsModule],
  controllers: [SubscriptionController, CreditsController, CreditsAdminController],
  providers: [CreditsService, CreditsRepository, SubscriptionService, LedgerService],
  exports: [CreditsService, SubscriptionService],
})
export class CreditsModule {}
