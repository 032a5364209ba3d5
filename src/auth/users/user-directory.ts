import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { TtlCache } from '../../common/ttl-cache';
import { UsersRepository } from './users.repository';

export interface UserSummary {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  personalOrgId: string | null;
}

/** Cached user facts needed to authenticate a session token without a query per request. */
@Injectable()
export class UserDirectory {
  private readonly cache: TtlCache<string, UserSummary | null>;

  constructor(private readonly users: UsersRepository, @Inject(APP_CONFIG) config: AppConfig) {
    this.cache = new TtlCache(config.auth.credentialCacheSeconds * 1000);
  }

  get(userId: string): Promise<UserSummary | null> {
    return this.cache.getOrLoad(userId, async () => {
      const user = await this.users.getById(userId);
      if (!user) return null;
      return {
        id: user.id,
        email: user.email,
        name: user.name,
        emailVerified: user.emailVerifiedAt !== null,
        personalOrgId: await this.users.personalOrgId(user.id),
      };
    });
  }

  forget(userId: string): void {
    this.cache.delete(userId);
  }
}
