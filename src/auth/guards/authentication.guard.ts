import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ACCESS_METADATA, type RouteAccess } from '../access.decorators';
import { CredentialResolver } from '../credential-resolver';

/** First guard: works out who is calling, unless the route is public. */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly credentials: CredentialResolver) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const access = routeAccess(this.reflector, ctx);
    if (access.kind === 'public') return true;
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const principal = await this.credentials.resolve(req);
    req.auth = { principal, orgId: null, scopes: new Set(), role: null };
    return true;
  }
}

/** The route's declared access; RouteAccessAudit guarantees one exists before the app serves. */
export function routeAccess(reflector: Reflector, ctx: ExecutionContext): RouteAccess {
  const access = reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_METADATA, [ctx.getHandler(), ctx.getClass()]);
  if (!access) throw new Error(`route ${ctx.getClass().name}.${ctx.getHandler().name} declares no access`);
  return access;
}
