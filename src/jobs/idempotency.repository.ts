import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { IdempotencyKey } from './idempotency-key.entity';

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly em: EntityManager) {}

  /** Takes the key for this request; false if a row for it exists (the caller reads it). */
  async begin(row: IdempotencyKey): Promise<boolean> {
    try {
      await this.em.fork().persistAndFlush(row);
      return true;
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) return false;
      throw err;
    }
  }

  get(orgId: string, key: string): Promise<IdempotencyKey | null> {
    return this.em.fork().findOne(IdempotencyKey, { orgId, key });
  }

  async complete(orgId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.em.fork().nativeUpdate(IdempotencyKey, { orgId, key }, { state: 'completed', responseStatus: status, responseBody: body as object });
  }

  /** Frees the key after a failed request (so a retry can run) or once it has expired. */
  async release(orgId: string, key: string, onlyIfExpiredBy?: Date): Promise<void> {
    await this.em.fork().nativeDelete(IdempotencyKey, { orgId, key, ...(onlyIfExpiredBy ? { expiresAt: { $lte: onlyIfExpiredBy } } : {}) });
  }
}
