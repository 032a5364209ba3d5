import { AppError } from '../common/errors/app-error';
import type { Scope } from './scopes';
import type { Role } from './roles';

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  email: string;
  emailVerified: boolean;
  personalOrgId: string | null;
  sessionId: string;
}

/** live and test keys act for a backend; publishable ones may ship in a browser. */
export type ApiKeyType = 'live' | 'test' | 'publishable';

export interface ApiKeyPrincipal {
  kind: 'api_key';
  keyId: string;
  keyType: ApiKeyType;
  orgId: string;
  teamId: string | null;
  scopes: ReadonlySet<Scope>;
}

/** Limits a client token carries beyond its scopes, for the routes that enforce them. */
export interface ClientTokenLimits {
  maxImages?: number;
  sku?: string;
}

export interface ClientTokenPrincipal {
  kind: 'client_token';
  /** SHA-256 of the token itself: what its lifetime limits are counted against. */
  tokenHash: string;
  signingKeyId: string;
  orgId: string;
  subject: string | null;
  scopes: ReadonlySet<Scope>;
  limits: ClientTokenLimits;
  expiresAt: Date;
}

export type Principal = UserPrincipal | ApiKeyPrincipal | ClientTokenPrincipal;

/** Who is calling and, once an organisation is in play, in which one and with what scopes. */
export interface RequestAuth {
  principal: Principal;
  /** The end user of the organisation's product the request acts for (see end-user.ts), stamped on the jobs it creates. */
  endUserId: string | null;
  orgId: string | null;
  scopes: ReadonlySet<Scope>;
  role: Role | null;
}

/**
 * The organisation the request acts in. The guards set it on every route whose access names a scope
 * or whose path has :orgId; asking for it elsewhere is a bug in the route, not the client's error,
 * so it fails (500) instead of letting a missing id reach a query.
 */
export function orgIdOf(auth: RequestAuth | undefined): string {
  if (!auth?.orgId) throw new Error('The route asks for an organisation, but its access puts the caller in none');
  return auth.orgId;
}

/** Refuses a caller without `scope` in its organisation, as the guard refuses a route's scope (403 insufficient_scope). */
export function requireScope(auth: RequestAuth, scope: Scope): void {
  if (!auth.scopes.has(scope)) throw new AppError('insufficient_scope', `This needs the "${scope}" scope`, { requiredScope: scope });
}

/** A test API key (`drk_test_`): its jobs are free and rendered by aura, their outputs marked test, its store calls dry runs. */
export function isTestKey(principal: Principal): boolean {
  return principal.kind === 'api_key' && principal.keyType === 'test';
}

/** The id rate limits and audit entries are attributed to. */
export function principalId(p: Principal): string {
  switch (p.kind) {
    case 'user':
      return p.userId;
    case 'api_key':
      return p.keyId;
    case 'client_token':
      return `${p.signingKeyId}:${p.subject ?? ''}`;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: RequestAuth;
  }
}
