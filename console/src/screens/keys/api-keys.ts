/** GET /api/v1/orgs/:orgId/api-keys items. */
export interface ApiKey {
  id: string;
  name: string;
  type: 'live' | 'test' | 'publishable';
  prefix: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

export interface ApiKeyWithSecret extends ApiKey {
  secret: string;
}

export interface ApiKeyRotation {
  key: ApiKeyWithSecret;
  previous: ApiKey;
}

export const apiKeysPath = (orgId: string) => `/api/v1/orgs/${encodeURIComponent(orgId)}/api-keys`;
export const apiKeysQueryKey = (orgId: string) => ['api-keys', orgId];
