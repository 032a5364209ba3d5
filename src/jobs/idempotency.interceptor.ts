import { CallHandler, createParamDecorator, ExecutionContext, Inject, Injectable, Logger, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { WORK_METADATA } from '../tenancy/access.decorators';
import { AppError } from '../common/errors/app-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { IdempotencyKey } from './idempotency-key.entity';
import { IdempotencyRepository } from './idempotency.repository';
import { IDEMPOTENCY_KEY, idempotencyKeyHeader, requestHashOf } from './idempotent-request';
import type { Job } from './job.entity';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';

const TTL_MS = 24 * 3600_000;
const JOB_ANSWER = 'darkroom:idempotent-job-answer';

declare module 'fastify' {
  interface FastifyRequest {
    /** The Idempotency-Key this request holds, once IdempotencyInterceptor has taken it. */
    idempotencyKey?: string;
  }
}

/**
 * The Idempotency-Key the request holds, for the service to write on the job it creates (in the
 * job's own insert), so that the key can be recovered if the request dies after that.
 */
export const HeldIdempotencyKey = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<FastifyRequest>().idempotencyKey);

/**
 * What a retry with the same key answers when the first request created its job but gave no answer
 * (its process died, or it failed after queuing the job). By default the 202 that `/api/v1` routes
 * give for a queued job; a route that only answers once its job ends names the error it gives when
 * the job outlives its wait.
 */
export const IdempotentJobAnswer = (answer: (jobId: string) => AppError) => SetMetadata(JOB_ANSWER, answer);

/**
 * `Idempotency-Key` on requests that create work: the first request with a key runs; a repeat with the
 * same body within 24 hours gets the first response again (`Idempotent-Replayed: true`); the same key
 * with another body is 422, and while the first is still running, 409. Keys belong to the organisation.
 * Concurrent requests with one key race for one row, so exactly one of them runs. Applied per route
 * (@UseInterceptors) rather than globally: an interceptor costs every request it wraps.
 *
 * The running request holds the key under a lease (JOB_LEASE_SECONDS, renewed while it runs), and
 * the job it creates records the key. A key whose lease ran out belongs to a request whose process
 * died: the next request with it recovers it, completing it with that job's answer, or freeing it
 * and running when no job was created. A request that fails after creating a job that goes on
 * keeps its key bound to that job the same way, so a retry never creates and charges the work twice.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');
  private readonly leaseMs: number;

  constructor(
    private readonly reflector: Reflector,
    private readonly repo: IdempotencyRepository,
    private readonly jobRows: JobsRepository,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.leaseMs = config.jobs.leaseSeconds * 1000;
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const key = idempotencyKeyHeader(req);
    if (key === undefined || !this.reflector.getAllAndOverride(WORK_METADATA, [ctx.getHandler(), ctx.getClass()]) || !req.auth?.orgId) return next.handle();
    if (!IDEMPOTENCY_KEY.test(key)) {
      throw new AppError('validation_failed', 'Idempotency-Key must be 1 to 255 visible ASCII characters', { fields: [{ field: 'Idempotency-Key', messages: ['invalid'] }] });
    }
    return from(this.handle(ctx, req, req.auth.orgId, key, next));
  }

  private async handle(ctx: ExecutionContext, req: FastifyRequest, orgId: string, key: string, next: CallHandler): Promise<unknown> {
    const now = new Date();
    const requestHash = requestHashOf(req);
    const row = Object.assign(new IdempotencyKey(), { orgId, key, requestHash, expiresAt: new Date(now.getTime() + TTL_MS), lockedUntil: new Date(now.getTime() + this.leaseMs) });
    if (await this.repo.begin(row)) return this.run(ctx, req, row, next);
    const existing = await this.repo.get(orgId, key);
    // Gone meanwhile (its request failed), or expired: take it anew.
    if (!existing || existing.expiresAt <= now) {
      if (existing) await this.repo.release(orgId, key, now);
      return this.handle(ctx, req, orgId, key, next);
    }
    if (existing.requestHash !== requestHash) {
      throw new AppError('idempotency_key_reused', 'This Idempotency-Key was used with a different request; use a new key');
    }
    if (existing.state === 'in_progress') {
      if (existing.lockedUntil && existing.lockedUntil > now) throw new AppError('idempotency_key_in_use', 'A request with this Idempotency-Key is still being handled; retry shortly');
      await this.recover(ctx, req, existing, now);
      return this.handle(ctx, req, orgId, key, next);
    }
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    // A replay always answers the same, so an SDK gains nothing by retrying it (x-should-retry, as the openai SDKs read it).
    void reply.status(existing.responseStatus ?? 200).header('idempotent-replayed', 'true').header('x-should-retry', 'false');
    return existing.responseBody;
  }

  private async run(ctx: ExecutionContext, req: FastifyRequest, row: IdempotencyKey, next: CallHandler): Promise<unknown> {
    const { orgId, key } = row;
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    req.idempotencyKey = key;
    const renewal = setInterval(() => {
      this.repo.renew(orgId, key, new Date(Date.now() + this.leaseMs)).catch((err: unknown) => this.logger.error({ err, key, requestId: req.id }, 'could not renew an idempotency key'));
    }, this.leaseMs / 3);
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.repo.complete(orgId, key, reply.statusCode, body);
      return body;
    } catch (err) {
      // Failed after creating a job that is still to be paid for (the OpenAI endpoints' wait ran out): a retry must find that job, not make another.
      const job = await this.jobRows.createdUnderKey(orgId, key, createdAt(row));
      if (job && job.status !== 'failed' && job.status !== 'canceled') {
        const answer = await this.jobAnswer(ctx, req, job);
        await this.repo.complete(orgId, key, answer.status, answer.body);
      } else {
        await this.repo.release(orgId, key);
      }
      throw err;
    } finally {
      clearInterval(renewal);
    }
  }

  /** The key's request died (its lease ran out): complete the key with the job it created, or free it. Whichever request recovers it first wins. */
  private async recover(ctx: ExecutionContext, req: FastifyRequest, row: IdempotencyKey, now: Date): Promise<void> {
    const job = await this.jobRows.createdUnderKey(row.orgId, row.key, createdAt(row));
    if (!job) return this.repo.releaseAbandoned(row.orgId, row.key, now);
    const answer = await this.jobAnswer(ctx, req, job);
    await this.repo.completeAbandoned(row.orgId, row.key, now, answer.status, answer.body);
  }

  private async jobAnswer(ctx: ExecutionContext, req: FastifyRequest, job: Job): Promise<{ status: number; body: unknown }> {
    const routeAnswer = this.reflector.get<((jobId: string) => AppError) | undefined>(JOB_ANSWER, ctx.getHandler());
    if (!routeAnswer) return { status: 202, body: await this.jobs.accepted(job) };
    const err = routeAnswer(job.id);
    return { status: err.status, body: { error: { code: err.code, message: err.message, requestId: String(req.id), ...err.details } } };
  }
}

/** When the key was taken: jobs created under it before then belong to an earlier use of the key. */
const createdAt = (row: IdempotencyKey) => new Date(row.expiresAt.getTime() - TTL_MS);
