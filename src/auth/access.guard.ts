import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../common/errors/app-error';
import { PlanThrottle } from '../throttling/plan-throttle';
import { Authorizer } from './authorizer';
import { endUserOf } from '../tenancy/end-user';
import { CredentialResolver } from './credential-resolver';
import { RouteMetadataReader } from '../tenancy/route-metadata';

/**
 * The one global guard: authenticate, authorise, throttle, in that order. One guard rather than
 * three because every guard is an extra promise chain on every request.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly routes: RouteMetadataReader,
    private readonly credentials: CredentialResolver,
    private readonly authorizer: Authorizer,
    private readonly throttle: PlanThrottle,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const { access, work } = this.routes.of(ctx);
    const http = ctx.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    if (access.kind !== 'public') {
      // Operator routes answer 404 to anyone else, credentials or not, so they cannot be discovered.
      const principal = await this.credentials.resolve(req).catch((err: unknown) => {
        throw access.kind === 'operator' ? new AppError('not_found', `No route ${req.method} ${req.url.split('?')[0]}`) : err;
      });
      req.auth = { principal, endUserId: null, orgId: null, scopes: new Set(), role: null };
      await this.authorizer.authorize(req, req.auth, access);
      req.auth.endUserId = endUserOf(req, principal);
    }
    await this.throttle.check(req, http.getResponse<FastifyReply>(), access, work);
    return true;
  }
}
