import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { CurrentOrganization } from '../api/me';

export const CurrentOrganizationContext = createContext<CurrentOrganization | null>(null);

/**
 * The organisation the signed-in screens act in, with the user's scopes there (hide what they do
 * not allow). Screens remount when it changes, so their queries start over in the new one.
 */
export function useOrganization(): CurrentOrganization {
  const org = useContext(CurrentOrganizationContext);
  if (!org) throw new Error('useOrganization() outside the signed-in layout');
  return org;
}
