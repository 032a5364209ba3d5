import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { RouteMetadataReader } from '../auth/route-metadata';
import { AppError } from '../common/errors/app-error';
import { IdempotencyKey } from './idempotency-key.entity';
import { IdempotencyRepository } from './idempotency.repository';

const TTL_MS = 24 * 3600_000;
const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on requests that create work: the first request with a key runs; a repeat with the
 * same body within 24 hours gets the first response again (`Idempotent-Replayed: true`); the same key
 * with another body is 422, and while the first is still running, 409. Keys belong to the organisation.
 * Concurrent requests with one key race for one row, so exactly one of them runs. Applied per route
 * (@UseInterceptors) rather than globally: an interceptor costs every request it wraps.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly routes: RouteMetadataReader, private readonly repo: IdempotencyRepository) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const header = req.headers['idempotency-key'];
    if (typeof header !== 'string' || !this.routes.of(ctx).work || !req.auth?.orgId) return next.handle();
    if (!KEY.test(header)) {
      throw new AppError('validation_failed', 'Idempotency-Key must be 1 to 255 visible ASCII characters', { fields: [{ field: 'Idempotency-Key', messages: ['invalid'] }] });
    }
    return from(this.handle(ctx, req, req.auth.orgId, header, next));
  }

  private async handle(ctx: ExecutionContext, req: FastifyRequest, orgId: string, key: string, next: CallHandler): Promise<unknown> {
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    const requestHash = createHash('sha256').update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
    const row = Object.assign(new IdempotencyKey(), { orgId, key, requestHash, expiresAt: new Date(Date.now() + TTL_MS) });
    if (!(await this.repo.begin(row))) {
      const existing = await this.repo.get(orgId, key);
      if (existing && existing.expiresAt <= new Date()) {
        await this.repo.release(orgId, key, new Date());
        return this.handle(ctx, req, orgId, key, next);
      }
      if (!existing || existing.requestHash !== requestHash) {
        throw new AppError('idempotency_key_reused', 'This Idempotency-Key was used with a different request; use a new key');
      }
      if (existing.state === 'in_progress') throw new AppError('idempotency_key_in_use', 'A request with this Idempotency-Key is still being handled; retry shortly');
      void reply.status(existing.responseStatus ?? 200).header('idempotent-replayed', 'true');
      return existing.responseBody;
    }
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.repo.complete(orgId, key, reply.statusCode, body);
      return body;
    } catch (err) {
      await this.repo.release(orgId, key);
      throw err;
    }
  }
}

