import { ApiParam } from '@nestjs/swagger';

/**
 * Documents a controller's `:orgId` path segment. Its routes take the organisation from the guards
 * (RequestAuth), not from `@Param`, so Nest's swagger would not list the parameter by itself.
 */
export const ApiOrgIdParam = () => ApiParam({ name: 'orgId', type: String, description: 'The organisation to act in (GET /api/v1/orgs lists yours)' });
