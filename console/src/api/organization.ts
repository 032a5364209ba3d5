import { createStore } from '../lib/store';

const STORAGE_KEY = 'darkroom.organization';

function stored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/**
 * The organisation the console acts in, sent as x-org-id. Only its id is kept across reloads (it
 * is no secret); null means the user's personal organisation.
 */
export const selectedOrganization = createStore<string | null>(stored());

export function selectOrganization(id: string | null): void {
  try {
    if (id) localStorage.setItem(STORAGE_KEY, id);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage may be off (private mode): the choice then lasts until the page reloads.
  }
  selectedOrganization.set(id);
}
