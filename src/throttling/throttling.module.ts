import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { IdempotencyModule } from '../jobs/idempotency.module';
import { createRateLimitStorage, RATE_LIMIT_STORAGE } from './rate-limit-storage';
import { PlanThrottle } from './plan-throttle';
import { UsageRepository } from './usage.repository';
import { UsageService } from './usage.service';
import { TenancyModule } from '../tenancy/tenancy.module';

@Module({
  imports: [TenancyModule, IdempotencyModule],
  providers: [
    { provide: RATE_LIMIT_STORAGE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createRateLimitStorage(config) },
    UsageRepository,
    UsageService,
    PlanThrottle,
  ],
  exports: [RATE_LIMIT_STORAGE, UsageService, PlanThrottle, TenancyModule],
})
export class ThrottlingModule {}
