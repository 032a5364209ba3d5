import { useQuery, useQueryClient } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { clientTokenKeysPath, clientTokenKeysQueryKey, type ClientTokenKey } from './client-token-keys';
import { CreateClientTokenKeyDialog } from './CreateClientTokenKeyDialog';
import { DataTable } from '../../components/DataTable';

/** Keys the organisation's own backend signs client tokens with (org:admin). */
export function ClientTokenKeys() {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: clientTokenKeysQueryKey(org.id), queryFn: () => api<{ data: ClientTokenKey[] }>(clientTokenKeysPath(org.id)) });
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ClientTokenKey | null>(null);
  const revoke = async (key: ClientTokenKey) => {
    await api(`${clientTokenKeysPath(org.id)}/${encodeURIComponent(key.id)}`, { method: 'DELETE' });
    await queryClient.invalidateQueries({ queryKey: clientTokenKeysQueryKey(org.id) });
  };

  return (
    <section aria-labelledby="client-token-keys-title" class="section">
      <div class="page-head">
        <h2 id="client-token-keys-title">Client-token signing keys</h2>
        <button type="button" onClick={() => setCreating(true)}>Add signing key</button>
      </div>
      <p class="lead">
        Your backend signs short-lived client tokens for browsers and apps with one of these keys; put the key's id in the token's <code>kid</code> header.
      </p>
      {keys.isPending ? (
        <p class="loading">Loading signing keys…</p>
      ) : keys.error ? (
        <ErrorMessage error={keys.error} />
      ) : (
        <DataTable label="Client-token signing keys table" columns={['Name', 'Key id', 'Algorithm', 'Scopes', 'Created', 'Actions']} empty={keys.data.data.length === 0 ? 'No signing keys yet.' : null}>
          {keys.data.data.map((key) => (
            <tr key={key.id}>
              <td>{key.name}</td>
              <td><code>{key.id}</code></td>
              <td>{key.algorithm}</td>
              <td class="scopes-cell">{key.scopes.map((s) => <code key={s}>{s}</code>)}</td>
              <td>{formatDate(key.createdAt)}</td>
              <td class="row-actions">
                <button type="button" class="danger" onClick={() => setRevoking(key)}>Revoke</button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {creating && <CreateClientTokenKeyDialog onClose={() => setCreating(false)} />}
      {revoking && (
        <ConfirmDialog title="Revoke signing key" onConfirm={() => revoke(revoking)} onClose={() => setRevoking(null)}>
          <p>
            Revoke <strong>{revoking.name}</strong> (<code>{revoking.id}</code>)? Every token signed with it stops working.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
