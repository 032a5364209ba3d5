import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { IdempotencyModule } from '../jobs/idempotency.module';
import { OrgsModule } from '../orgs/orgs.module';
import { createRateLimitStorage, RATE_LIMIT_STORAGE } from './rate-limit-storage';
import { PlanThrottle } from './plan-throttle';
import { UsageRepository } from './usage.repository';
import { UsageService } from './usage.service';

@Module({
  imports: [OrgsModule, IdempotencyModule],
  providers: [
    { provide: RATE_LIMIT_STORAGE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createRateLimitStorage(config) },
    UsageRepository,
    UsageService,
    PlanThrottle,
  ],
  exports: [RATE_LIMIT_STORAGE, UsageService, PlanThrottle, OrgsModule],
})
export class ThrottlingModule {}
