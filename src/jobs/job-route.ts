import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { WorkRequest, type WorkOptions } from '../tenancy/access.decorators';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import type { Submitted } from './job-submitter';
import { JobAcceptedDto, JobDto } from './jobs.dto';

/** `Prefer: wait=N` (RFC 7240): wait up to N seconds for the job to finish. */
export const waitSeconds = (prefer?: string) => Number(/(?:^|[,;\s])wait=(\d+)/.exec(prefer ?? '')?.[1] ?? 0);

/**
 * What every route that creates a job shares, beside its access: Idempotency-Key, a work request
 * counting `units` against the daily quota, `Prefer: wait`, and its two answers.
 */
export const JobRoute = (units: WorkOptions['units']) =>
  applyDecorators(
    ApiOkResponse({ type: JobDto, description: 'With Prefer: wait=N, when the job finished in time' }),
    ApiAcceptedResponse({ type: JobAcceptedDto, description: 'Queued; poll GET /api/v1/jobs/:id' }),
    ApiHeader({ name: 'Prefer', required: false, description: 'wait=N (N up to 60): answer 200 with the finished job if it completes in time' }),
    WorkRequest({ units }),
    UseInterceptors(IdempotencyInterceptor),
  );

/** 200 with the job when it finished within Prefer: wait, else 202 with where to poll. */
export function answerJob(reply: FastifyReply, prefer: string | undefined, result: Submitted): JobAcceptedDto | JobDto {
  if ('finished' in result) {
    void reply.status(200).header('preference-applied', `wait=${waitSeconds(prefer)}`);
    return result.finished;
  }
  void reply.status(202);
  return result.accepted;
}
