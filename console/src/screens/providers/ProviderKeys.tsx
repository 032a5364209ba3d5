import { useQuery, useQueryClient } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { providerCredentialPath, providerCredentialsPath, providerCredentialsQueryKey, providersQueryKey, type Provider, type ProviderCredential } from './providers-api';
import { SaveProviderKeyDialog } from './SaveProviderKeyDialog';

type Open = { kind: 'save'; provider: Provider; saved?: ProviderCredential } | { kind: 'delete'; provider: Provider } | null;

const hintText = (hint: Record<string, string>) => Object.entries(hint).map(([field, last]) => `${field} ${last}`).join(', ');

/**
 * The organisation's own provider keys (BYOK), for org:admin: one row per provider that takes them,
 * with the saved key's hint (never the key), its circuit and when the provider last accepted it.
 */
export function ProviderKeys({ providers, planHasByok }: { providers: Provider[]; planHasByok: boolean }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: providerCredentialsQueryKey(org.id), queryFn: () => api<{ data: ProviderCredential[] }>(providerCredentialsPath(org.id)) });
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const remove = async (provider: Provider) => {
    await api(providerCredentialPath(org.id, provider.id), { method: 'DELETE' });
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: providerCredentialsQueryKey(org.id) }),
      queryClient.invalidateQueries({ queryKey: providersQueryKey(org.id) }),
    ]);
  };
  const saved = new Map((keys.data?.data ?? []).map((k) => [k.provider, k]));
  // A key saved for a provider that no longer takes them (or is gone) still shows, so it can be deleted.
  const rows = providers.filter((p) => p.byok || saved.has(p.id));

  return (
    <section class="section" aria-labelledby="provider-keys-title">
      <h2 id="provider-keys-title">Your own keys (BYOK)</h2>
      <p class="lead">
        With your own key, calls to that provider run on your account with it and cost only the platform fee in credits. Darkroom shows the last four characters
        of each field, never the key.
      </p>
      {!planHasByok && <p class="warning">Your plan does not include your own provider keys: saved keys are kept, but calls use the platform’s keys.</p>}
      {keys.isPending ? (
        <p class="loading">Loading keys…</p>
      ) : keys.error ? (
        <ErrorMessage error={keys.error} />
      ) : rows.length === 0 ? (
        <p class="hint">No provider here takes organisations’ own keys.</p>
      ) : (
        <div class="table-scroll" tabIndex={0} role="region" aria-label="Provider keys table">
          <table>
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Key</th>
                <th scope="col">Status</th>
                <th scope="col">Verified</th>
                <th scope="col">Updated</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => {
                const key = saved.get(p.id);
                return (
                  <tr key={p.id}>
                    <td>
                      {p.name} <code>{p.id}</code>
                    </td>
                    <td>{key ? <code>{hintText(key.hint)}</code> : <span class="hint">{p.status === 'unconfigured' ? 'None' : 'Platform’s'}</span>}</td>
                    <td>{key ? <span class={`health health-${key.status}`}>{key.status}</span> : '—'}</td>
                    <td>{key ? formatDate(key.verifiedAt, 'Not checked') : '—'}</td>
                    <td>{key ? formatDate(key.updatedAt) : '—'}</td>
                    <td class="row-actions">
                      {p.byok && planHasByok && (
                        <button type="button" aria-label={`${key ? 'Replace' : 'Add'} key for ${p.name}`} onClick={() => setOpen({ kind: 'save', provider: p, saved: key })}>
                          {key ? 'Replace key' : 'Add key'}
                        </button>
                      )}
                      {key && (
                        <button type="button" class="danger" aria-label={`Remove key for ${p.name}`} onClick={() => setOpen({ kind: 'delete', provider: p })}>
                          Remove key
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {open?.kind === 'save' && <SaveProviderKeyDialog provider={open.provider} saved={open.saved} onClose={close} />}
      {open?.kind === 'delete' && (
        <ConfirmDialog title="Remove provider key" onConfirm={() => remove(open.provider)} onClose={close}>
          <p>
            Remove your <strong>{open.provider.name}</strong> key? Calls to <code>{open.provider.id}</code> use the platform’s key again
            {open.provider.status === 'unconfigured' && ', which it does not have: they will be refused'}.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
