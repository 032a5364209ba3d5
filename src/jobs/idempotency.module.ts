import { Module } from '@nestjs/common';
import { IdempotencyRepository } from './idempotency.repository';
import { IdempotentReplays } from './idempotent-replays';

/** Idempotency-Key rows, for the routes that create work (IdempotencyInterceptor) and for the rate limiter (replays are free). */
@Module({
  providers: [IdempotencyRepository, IdempotentReplays],
  exports: [IdempotencyRepository, IdempotentReplays],
})
export class IdempotencyModule {}
