import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { RefreshToken } from './refresh-token.entity';

@Injectable()
export class RefreshTokensRepository {
  constructor(private readonly em: EntityManager) {}

  getByHash(tokenHash: string): Promise<RefreshToken | null> {
    return this.em.fork().findOne(RefreshToken, { tokenHash });
  }

  async create(token: RefreshToken): Promise<void> {
    await this.em.fork().persistAndFlush(token);
  }

  /**
   * Marks `current` rotated and stores its successor, but only if nobody rotated it first: the
   * conditional UPDATE makes two concurrent refreshes with one token yield one winner.
   */
  async rotate(current: RefreshToken, next: RefreshToken): Promise<boolean> {
    return this.em.fork().transactional(async (em) => {
      const updated = await em.nativeUpdate(RefreshToken, { id: current.id, rotatedAt: null, revokedAt: null }, { rotatedAt: new Date() });
      if (updated !== 1) return false;
      em.persist(next);
      return true;
    });
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.em.fork().nativeUpdate(RefreshToken, { familyId, revokedAt: null }, { revokedAt: new Date() });
  }

  async isFamilyActive(familyId: string): Promise<boolean> {
    const revoked = await this.em.fork().count(RefreshToken, { familyId, revokedAt: { $ne: null } });
    return revoked === 0;
  }
}
