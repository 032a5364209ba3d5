import { useQuery } from '@tanstack/preact-query';
import { api } from '../../api/client';
import type { CurrentOrganization } from '../../api/me';

/** The organisation's routes (GET /api/v1/orgs/:orgId/...) and what they answer, as the screen reads them. */

export type Role = 'owner' | 'admin' | 'developer' | 'viewer';

/** The roles in the order offered, with what each may do (docs/organizations.md#roles). */
export const ROLES: { value: Role; label: string }[] = [
  { value: 'owner', label: 'Owner: everything, including ownership' },
  { value: 'admin', label: 'Admin: everything except ownership' },
  { value: 'developer', label: 'Developer: builds with the API and manages keys' },
  { value: 'viewer', label: 'Viewer: reads' },
];

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: string;
}

export interface MemberRemoved {
  userId: string;
  revokedApiKeys: { id: string; name: string; prefix: string }[];
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  invitedByUserId: string;
  expiresAt: string;
  createdAt: string;
}

export interface Team {
  id: string;
  name: string;
  memberIds: string[];
  createdAt: string;
}

export interface AuditEvent {
  id: string;
  action: string;
  actor: { type: 'user' | 'api_key' | 'client_token' | 'operator'; id: string };
  target: { type: string; id: string } | null;
  details: Record<string, unknown>;
  ip: string | null;
  requestId: string | null;
  createdAt: string;
}

/** The actions the audit log records (docs/organizations.md#audit-log), offered by the filter; any other may be typed. */
export const AUDIT_ACTIONS = [
  'auth.login',
  'api_key.created',
  'api_key.revoked',
  'api_key.rotated',
  'client_token_key.added',
  'client_token_key.revoked',
  'member.invited',
  'member.invitation_revoked',
  'member.joined',
  'member.role_changed',
  'member.removed',
  'member.left',
  'org.plan_changed',
  'provider_credentials.created',
  'provider_credentials.rotated',
  'provider_credentials.deleted',
  'library.asset_added',
  'library.asset_deleted',
];

export const orgRoot = (orgId: string) => `/api/v1/orgs/${encodeURIComponent(orgId)}`;
export const orgPath = (orgId: string, rest: string) => `${orgRoot(orgId)}/${rest}`;

export const membersQueryKey = (orgId: string) => ['members', orgId];
export const invitationsQueryKey = (orgId: string) => ['invitations', orgId];
export const teamsQueryKey = (orgId: string) => ['teams', orgId];
export const auditLogQueryKey = (orgId: string) => ['audit-log', orgId];

/**
 * The roles the signed-in user may give: only an owner hands out ownership, and only an owner may
 * change or remove an owner (the API answers 403 insufficient_role otherwise).
 */
export function grantableRoles(myRole: string | null): Role[] {
  return ROLES.map((r) => r.value).filter((r) => myRole === 'owner' || r !== 'owner');
}

export function canManageMember(myRole: string | null, member: Member): boolean {
  return myRole === 'owner' || member.role !== 'owner';
}

/** The members (org:admin only: others get no list, and no call is made that would be refused). */
export function useMembers(org: CurrentOrganization) {
  return useQuery({
    queryKey: membersQueryKey(org.id),
    queryFn: () => api<{ data: Member[] }>(orgPath(org.id, 'members')).then((r) => r.data),
    enabled: org.can('org:admin'),
  });
}

/** A user's name and email from the member list, else the bare id (a former member, or no list). */
export function memberLabel(members: Member[] | undefined, userId: string): string {
  const member = members?.find((m) => m.userId === userId);
  return member ? `${member.name} <${member.email}>` : userId;
}
