import { useQuery } from '@tanstack/preact-query';
import { useStore } from '../lib/store';
import { api } from './client';
import { selectedOrganization } from './organization';

export interface MeOrganization {
  id: string;
  name: string;
  role: string | null;
}

/** GET /api/v1/me, the parts the console reads. */
export interface Me {
  user: { id: string; email: string; name: string; emailVerified: boolean } | null;
  credential: { type: string; id: string; scopes: string[] };
  organizations: MeOrganization[];
  currentOrganization: MeOrganization | null;
  creditsBalance: number | null;
}

/** Who is signed in, in the selected organisation (x-org-id), with their scopes there. */
export function useMe() {
  const org = useStore(selectedOrganization);
  return useQuery({ queryKey: ['me', org], queryFn: () => api<Me>('/api/v1/me') });
}

/** The organisation the console acts in and what the user may do there. Only inside the signed-in layout. */
export interface CurrentOrganization extends MeOrganization {
  scopes: string[];
  can(scope: string): boolean;
}

export function toCurrentOrganization(me: Me): CurrentOrganization | null {
  const org = me.currentOrganization;
  if (!org) return null;
  const scopes = me.credential.scopes;
  return { ...org, scopes, can: (scope) => scopes.includes(scope) };
}
