import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiHeader, ApiSecurity } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { orgIdOf, type RequestAuth } from './principal';
import type { Scope } from './scopes';

/**
 * How a route is reached. Every route declares exactly one: a route without is refused at start-up
 * (RouteAccessAudit), so forgetting it cannot silently make a route public.
 *  - public: no credentials (limited per client address unless `throttled: false`)
 *  - authenticated: any valid credential, no particular scope
 *  - user: a signed-in person (session token), for account-level actions keys must not take
 *  - scope: an organisation context holding the scope
 *  - organization: an organisation context; the scope depends on the request and the service checks
 *    it with requireScope (POST /api/v1/jobs: its operation's scope)
 *  - operator: a signed-in user listed in ADMIN_EMAILS; everyone else gets 404
 */
export type RouteAccess =
  | { kind: 'public'; throttled: boolean }
  | { kind: 'authenticated' }
  | { kind: 'user' }
  | { kind: 'scope'; scope: Scope }
  | { kind: 'organization' }
  | { kind: 'operator' };

/**
 * An operation extension marking a route that takes no credentials, set by `@Public()`: the OpenAPI
 * document (docs/openapi-document.ts) makes it `security: []`, which Nest's swagger cannot write
 * (it drops empty security lists).
 */
export const PUBLIC_OPERATION = 'x-public';

export const ACCESS_METADATA = 'darkroom:access';
export const WORK_METADATA = 'darkroom:work';

const secured = () => [ApiBearerAuth('bearer'), ApiSecurity('apiKey')];
const orgHeader = () =>
  ApiHeader({ name: 'x-org-id', required: false, description: 'For session tokens on routes without :orgId: the organisation to act in (default: your personal one)' });

/** `throttled: false` for probes and docs, which load balancers and tools call often from one address. */
export const Public = (options: { throttled?: boolean } = {}) =>
  applyDecorators(SetMetadata(ACCESS_METADATA, { kind: 'public', throttled: options.throttled ?? true } satisfies RouteAccess), ApiExtension(PUBLIC_OPERATION, true));

export const Authenticated = () =>
  applyDecorators(SetMetadata(ACCESS_METADATA, { kind: 'authenticated' } satisfies RouteAccess), ...secured());

export const UserOnly = () => applyDecorators(SetMetadata(ACCESS_METADATA, { kind: 'user' } satisfies RouteAccess), ApiBearerAuth('bearer'));

export const RequireScope = (scope: Scope) =>
  applyDecorators(
    SetMetadata(ACCESS_METADATA, { kind: 'scope', scope } satisfies RouteAccess),
    ...secured(),
    orgHeader(),
  );

/** The caller acts in an organisation, placed as for @RequireScope; the service checks the scope the request needs with requireScope(). */
export const InOrganization = () =>
  applyDecorators(
    SetMetadata(ACCESS_METADATA, { kind: 'organization' } satisfies RouteAccess),
    ...secured(),
    orgHeader(),
  );

export const Operator = () => applyDecorators(SetMetadata(ACCESS_METADATA, { kind: 'operator' } satisfies RouteAccess), ApiBearerAuth('bearer'));

/**
 * Marks a route that creates work: it counts against the plan's work-per-minute limit instead of
 * the read limit, and `units(body)` against the daily quota. A route whose units depend on what the
 * body asks for (POST /api/v1/jobs: its operation's) gives `units: 'counted-by-route'` and counts
 * them itself once it knows (UsageService.consumeDaily), still before validating the body.
 */
export interface WorkOptions {
  units: ((body: unknown) => number) | 'counted-by-route';
}
export const WorkRequest = (options: WorkOptions = { units: () => 1 }) => SetMetadata(WORK_METADATA, options);

/** The caller's RequestAuth, set by the guards. */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestAuth => {
  return ctx.switchToHttp().getRequest<FastifyRequest>().auth as RequestAuth;
});

/** The organisation the request acts in, for routes that declare a scope or take :orgId (see orgIdOf). */
export const OrgId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  return orgIdOf(ctx.switchToHttp().getRequest<FastifyRequest>().auth);
});
