import { ALL_SCOPES, type Scope } from './scopes';

export const ROLES = ['owner', 'admin', 'developer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const READ_SCOPES: Scope[] = [
  'images:read', 'jobs:read', 'credits:read', 'library:read', 'channels:read', 'providers:read', 'keys:read',
];

/** What a member may do in an organisation, expressed as the same scopes API keys carry. */
export const ROLE_SCOPES: Record<Role, ReadonlySet<Scope>> = {
  owner: new Set(ALL_SCOPES),
  admin: new Set(ALL_SCOPES),
  developer: new Set(ALL_SCOPES.filter((s) => s !== 'org:admin')),
  viewer: new Set(READ_SCOPES),
};
