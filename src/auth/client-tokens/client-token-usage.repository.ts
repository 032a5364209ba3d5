import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { insertOnce } from '../../common/errors/db-errors';
import { ClientTokenUsage } from './client-token-usage.entity';

@Injectable()
export class ClientTokenUsageRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Adds `images` to the token's count only if the total stays within `max`, each step one statement,
   * so concurrent requests on any node cannot together pass the cap. False when it would.
   */
  async tryAddImages(usage: Omit<ClientTokenUsage, 'images'>, images: number, max: number): Promise<boolean> {
    if (await this.addWithin(usage.tokenHash, images, max)) return true;
    if (images > max) return false;
    if (await insertOnce(this.em, Object.assign(new ClientTokenUsage(), { ...usage, images }))) return true;
    // Another request counted this token first: add to its count.
    return this.addWithin(usage.tokenHash, images, max);
  }

  async imagesUsed(tokenHash: string): Promise<number> {
    return (await this.em.fork().findOne(ClientTokenUsage, { tokenHash }))?.images ?? 0;
  }

  async giveBackImages(tokenHash: string, images: number): Promise<void> {
    await this.em.fork().getConnection().execute('update client_token_usage set images = images - ? where token_hash = ?', [images, tokenHash], 'run');
  }

  deleteExpiredBefore(cutoff: Date): Promise<number> {
    return this.em.fork().nativeDelete(ClientTokenUsage, { expiresAt: { $lt: cutoff } });
  }

  private async addWithin(tokenHash: string, images: number, max: number): Promise<boolean> {
    const result = await this.em.fork().getConnection().execute(
      'update client_token_usage set images = images + ? where token_hash = ? and images + ? <= ?',
      [images, tokenHash, images, max],
      'run',
    );
    return (result as { affectedRows?: number }).affectedRows === 1;
  }
}
