import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { insertOnce } from '../common/errors/db-errors';
import { IdempotencyKey } from './idempotency-key.entity';

/** A key whose request stopped renewing its lease (or never had one): its process is gone. */
const abandonedBy = (now: Date) => ({ state: 'in_progress' as const, $or: [{ lockedUntil: null }, { lockedUntil: { $lte: now } }] });

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly em: EntityManager) {}

  /** Takes the key for this request; false if a row for it exists (the caller reads it). */
  begin(row: IdempotencyKey): Promise<boolean> {
    return insertOnce(this.em, row);
  }

  get(orgId: string, key: string): Promise<IdempotencyKey | null> {
    return this.em.fork().findOne(IdempotencyKey, { orgId, key });
  }

  /** Whether this request repeats one whose answer is kept: same key, same request, still valid. */
  async isReplay(orgId: string, key: string, requestHash: string, now: Date): Promise<boolean> {
    return (await this.em.fork().count(IdempotencyKey, { orgId, key, requestHash, state: 'completed', expiresAt: { $gt: now } })) > 0;
  }

  /** The request holding the key is still running: its lease goes on. */
  async renew(orgId: string, key: string, lockedUntil: Date): Promise<void> {
    await this.em.fork().nativeUpdate(IdempotencyKey, { orgId, key, state: 'in_progress' }, { lockedUntil });
  }

  async complete(orgId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.em.fork().nativeUpdate(IdempotencyKey, { orgId, key }, { state: 'completed', responseStatus: status, responseBody: body as object, lockedUntil: null });
  }

  /** Frees the key after a failed request (so a retry can run) or once it has expired. */
  async release(orgId: string, key: string, onlyIfExpiredBy?: Date): Promise<void> {
    await this.em.fork().nativeDelete(IdempotencyKey, { orgId, key, ...(onlyIfExpiredBy ? { expiresAt: { $lte: onlyIfExpiredBy } } : {}) });
  }

  /** Completes a key whose request died after creating its job, unless another request recovered or renewed it first. */
  async completeAbandoned(orgId: string, key: string, now: Date, status: number, body: unknown): Promise<void> {
    await this.em.fork().nativeUpdate(IdempotencyKey, { orgId, key, ...abandonedBy(now) }, { state: 'completed', responseStatus: status, responseBody: body as object, lockedUntil: null });
  }

  /** Frees a key whose request died before creating anything, unless another request recovered or renewed it first. */
  async releaseAbandoned(orgId: string, key: string, now: Date): Promise<void> {
    await this.em.fork().nativeDelete(IdempotencyKey, { orgId, key, ...abandonedBy(now) });
  }
}
