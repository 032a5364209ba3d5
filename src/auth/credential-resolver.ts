import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import { AppError } from '../common/errors/app-error';
import { ApiKeyAuthenticator } from './api-keys/api-key-authenticator';
import { ClientTokenVerifier } from './client-tokens/client-token-verifier';
import type { Principal } from '../tenancy/principal';
import { SessionsService } from './sessions/sessions.service';
import { SESSION_ISSUER, SessionTokens } from './sessions/session-tokens';
import { UserDirectory } from './users/user-directory';

/** Reads the credential from `Authorization: Bearer` or `x-api-key` and says who it belongs to. */
@Injectable()
export class CredentialResolver {
  constructor(
    private readonly apiKeys: ApiKeyAuthenticator,
    private readonly clientTokens: ClientTokenVerifier,
    private readonly sessionTokens: SessionTokens,
    private readonly sessions: SessionsService,
    private readonly users: UserDirectory,
  ) {}

  async resolve(req: FastifyRequest): Promise<Principal> {
    const credential = this.extract(req);
    if (!credential) {
      throw new AppError('missing_api_key', 'Send an API key as "Authorization: Bearer <key>" or "x-api-key: <key>"');
    }
    if (credential.startsWith('drk_')) return this.apiKeys.authenticate(credential);
    if (credential.split('.').length === 3) {
      return this.isClientToken(credential) ? this.clientTokens.verify(credential) : this.userFromSession(credential);
    }
    throw new AppError('invalid_api_key', 'The credential is neither a Darkroom API key nor a token');
  }

  private extract(req: FastifyRequest): string | null {
    const header = req.headers.authorization;
    if (header) {
      const [scheme, value] = header.split(' ');
      if (scheme?.toLowerCase() === 'bearer' && value) return value.trim();
      throw new AppError('invalid_api_key', 'The Authorization header must be "Bearer <credential>"');
    }
    const apiKey = req.headers['x-api-key'];
    return typeof apiKey === 'string' && apiKey ? apiKey.trim() : null;
  }

  /** Session tokens are the ones we issued; any other JWT is a client token from an organisation's backend. */
  private isClientToken(token: string): boolean {
    try {
      return decodeJwt(token).iss !== SESSION_ISSUER;
    } catch {
      return false;
    }
  }

  private async userFromSession(token: string): Promise<Principal> {
    const claims = await this.sessionTokens.verify(token);
    const [active, user] = await Promise.all([this.sessions.isActive(claims.sessionId), this.users.get(claims.userId)]);
    if (!active || !user) throw new AppError('invalid_access_token', 'The session has ended; sign in again');
    return {
      kind: 'user',
      userId: user.id,
      email: user.email,
      emailVerified: user.emailVerified,
      personalOrgId: user.personalOrgId,
      sessionId: claims.sessionId,
    };
  }
}
