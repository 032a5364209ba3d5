import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AppError } from '../common/errors/app-error';
import { OrgDirectory } from '../tenancy/org-directory';
import { ROLE_SCOPES } from '../tenancy/roles';
import type { RouteAccess } from '../tenancy/access.decorators';
import { requireScope, type RequestAuth } from '../tenancy/principal';

/**
 * Places the caller in an organisation and checks the route's scope. Session users act with their
 * role's scopes in the organisation named by the route (or x-org-id, or their personal one); keys
 * and client tokens act only in their own. Someone else's organisation answers 404, so ids of other
 * tenants reveal nothing.
 */
@Injectable()
export class Authorizer {
  constructor(private readonly orgs: OrgDirectory, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async authorize(req: FastifyRequest, auth: RequestAuth, access: Exclude<RouteAccess, { kind: 'public' }>): Promise<void> {
    const { principal } = auth;
    const routeOrgId = (req.params as Record<string, string> | undefined)?.orgId;

    if (access.kind === 'operator') {
      if (principal.kind !== 'user' || !principal.emailVerified || !this.config.adminEmails.includes(principal.email)) {
        throw new AppError('not_found', `No route ${req.method} ${req.url.split('?')[0]}`);
      }
      return;
    }
    if (access.kind === 'user' && principal.kind !== 'user') {
      throw new AppError('insufficient_scope', 'This route is for signed-in users; API keys and client tokens cannot use it', { required: 'user_session' });
    }
    if (principal.kind !== 'user') {
      if (routeOrgId && routeOrgId !== principal.orgId) throw AppError.notFound('Organization');
      auth.orgId = principal.orgId;
      auth.scopes = principal.scopes;
    } else if (routeOrgId || access.kind === 'scope' || access.kind === 'organization') {
      const header = req.headers['x-org-id'];
      const orgId = routeOrgId ?? (typeof header === 'string' && header ? header : principal.personalOrgId);
      const role = orgId ? await this.orgs.roleOf(orgId, principal.userId) : null;
      if (!orgId || !role) throw AppError.notFound('Organization');
      Object.assign(auth, { orgId, role, scopes: ROLE_SCOPES[role] } satisfies Partial<RequestAuth>);
    }
    if (access.kind === 'scope') requireScope(auth, access.scope);
  }
}
