import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IdempotencyRepository } from './idempotency.repository';
import { IDEMPOTENCY_KEY, idempotencyKeyHeader, requestHashOf } from './idempotent-request';

/** Tells the rate limiter which requests only replay a kept answer, so they cost nothing. */
@Injectable()
export class IdempotentReplays {
  constructor(private readonly repo: IdempotencyRepository) {}

  /** Whether the request repeats a completed one of the organisation (same key, same request): IdempotencyInterceptor will replay its answer. */
  async isReplay(req: FastifyRequest, orgId: string): Promise<boolean> {
    const key = idempotencyKeyHeader(req);
    return key !== undefined && IDEMPOTENCY_KEY.test(key) && this.repo.isReplay(orgId, key, requestHashOf(req), new Date());
  }
}
