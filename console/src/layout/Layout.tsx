import { useQueryClient } from '@tanstack/preact-query';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';
import { asApiError } from '../api/errors';
import { toCurrentOrganization, useMe } from '../api/me';
import { selectOrganization, selectedOrganization } from '../api/organization';
import { signOut } from '../api/session';
import { ErrorMessage } from '../components/ErrorMessage';
import { HOME, screens } from '../routes';
import { CurrentOrganizationContext } from './current-organization';
import { EmailNotice } from './EmailNotice';

/** The signed-in frame: the "Main" nav, the organisation switch, Sign out; behind "Menu" on narrow screens. */
export function Layout({ children }: { children: ComponentChildren }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const [location] = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [location]);

  // An organisation the user has left (or that was removed) answers 404: fall back to their own.
  const staleSelection = me.error && asApiError(me.error).status === 404 && selectedOrganization.get() !== null;
  useEffect(() => {
    if (staleSelection) selectOrganization(null);
  }, [staleSelection]);

  if (me.isPending || staleSelection) return <p class="loading">Loading…</p>;
  if (me.error) {
    return (
      <main class="centered">
        <h1>Console unavailable</h1>
        <ErrorMessage error={me.error} />
        <button type="button" onClick={() => me.refetch()}>Try again</button>
      </main>
    );
  }
  const org = toCurrentOrganization(me.data);
  const switchTo = (id: string) => {
    // Nothing read for one organisation may show in another.
    queryClient.clear();
    selectOrganization(id);
  };
  const onSignOut = async () => {
    await signOut().catch(() => undefined);
    queryClient.clear();
  };
  return (
    <CurrentOrganizationContext.Provider value={org}>
      <div class="shell">
        <header class="sidebar">
          <div class="topbar">
            <Link href={HOME} class="brand">Darkroom</Link>
            <button type="button" class="menu-button" aria-expanded={menuOpen} aria-controls="side-panel" onClick={() => setMenuOpen(!menuOpen)}>
              Menu
            </button>
          </div>
          <div id="side-panel" class={menuOpen ? 'side-panel open' : 'side-panel'}>
            <nav aria-label="Main">
              <ul>
                {screens
                  .filter((s) => s.nav && (!s.scope || org?.can(s.scope)))
                  .map((s) => (
                    <li key={s.path}>
                      <Link href={s.path} aria-current={location === s.path ? 'page' : undefined}>{s.nav}</Link>
                    </li>
                  ))}
              </ul>
            </nav>
            <div class="session-controls">
              <label for="organization-select">Organisation</label>
              <select id="organization-select" value={org?.id ?? ''} onChange={(e) => switchTo(e.currentTarget.value)}>
                {me.data.organizations.map((o) => (
                  <option key={o.id} value={o.id}>{o.name}</option>
                ))}
              </select>
              <p class="who">{me.data.user?.email}</p>
              <button type="button" onClick={onSignOut}>Sign out</button>
            </div>
          </div>
        </header>
        <main class="content" key={org?.id}>
          {me.data.user && !me.data.user.emailVerified && <EmailNotice email={me.data.user.email} />}
          {org ? children : <p>You belong to no organisation.</p>}
        </main>
      </div>
    </CurrentOrganizationContext.Provider>
  );
}
