import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { randomToken, sha256 } from '../../common/crypto/hash';
import { AppError } from '../../common/errors/app-error';
import { newId } from '../../common/ids';
import { TtlCache } from '../../common/ttl-cache';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { SessionTokens } from './session-tokens';

export interface SessionTokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** Login sessions: an access token plus a rotating refresh token whose reuse ends the session. */
@Injectable()
export class SessionsService {
  private readonly activeFamilies: TtlCache<string, boolean>;

  constructor(
    private readonly tokens: SessionTokens,
    private readonly refreshTokens: RefreshTokensRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.activeFamilies = new TtlCache(config.auth.credentialCacheSeconds * 1000);
  }

  async start(userId: string): Promise<SessionTokenPair> {
    const { token, entity } = this.newRefreshToken(userId, newId());
    await this.refreshTokens.create(entity);
    return this.pair(userId, entity.familyId, token);
  }

  async refresh(presented: string): Promise<SessionTokenPair> {
    const current = await this.refreshTokens.getByHash(sha256(presented));
    if (!current || current.revokedAt || current.expiresAt <= new Date()) {
      throw new AppError('invalid_refresh_token', 'The refresh token is unknown, expired or revoked; sign in again');
    }
    const { token, entity } = this.newRefreshToken(current.userId, current.familyId);
    if (current.rotatedAt || !(await this.refreshTokens.rotate(current, entity))) {
      await this.end(current.familyId);
      throw new AppError('invalid_refresh_token', 'This refresh token was already used; the session has been ended for safety, sign in again');
    }
    return this.pair(current.userId, current.familyId, token);
  }

  async end(familyId: string): Promise<void> {
    await this.refreshTokens.revokeFamily(familyId);
    this.activeFamilies.delete(familyId);
  }

  /** Signing out revokes the session, so its access tokens stop working too (within the cache time on other nodes). */
  isActive(familyId: string): Promise<boolean> {
    return this.activeFamilies.getOrLoad(familyId, () => this.refreshTokens.isFamilyActive(familyId));
  }

  private newRefreshToken(userId: string, familyId: string): { token: string; entity: RefreshToken } {
    const token = randomToken('drt_');
    const entity = Object.assign(new RefreshToken(), {
      userId,
      familyId,
      tokenHash: sha256(token),
      expiresAt: new Date(Date.now() + this.config.auth.refreshTokenTtlSeconds * 1000),
    });
    return { token, entity };
  }

  private async pair(userId: string, familyId: string, refreshToken: string): Promise<SessionTokenPair> {
    const accessToken = await this.tokens.sign({ userId, sessionId: familyId });
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.tokens.ttlSeconds };
  }
}
