/** GET /api/v1/orgs/:orgId/client-token-keys items. */
export interface ClientTokenKey {
  id: string;
  name: string;
  algorithm: 'HS256' | 'RS256' | 'ES256';
  scopes: string[];
  publicKey: string | null;
  createdAt: string;
}

export const clientTokenKeysPath = (orgId: string) => `/api/v1/orgs/${encodeURIComponent(orgId)}/client-token-keys`;
export const clientTokenKeysQueryKey = (orgId: string) => ['client-token-keys', orgId];
