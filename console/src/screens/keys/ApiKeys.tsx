import { useQueryClient } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { usePagedList } from '../../api/pages';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadMore } from '../../components/LoadMore';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { apiKeysPath, apiKeysQueryKey, type ApiKey } from './api-keys';
import { ClientTokenKeys } from './ClientTokenKeys';
import { CreateKeyDialog } from './CreateKeyDialog';
import { RotateKeyDialog } from './RotateKeyDialog';
import { DataTable } from '../../components/DataTable';

type Open = { kind: 'create' } | { kind: 'revoke'; key: ApiKey } | { kind: 'rotate'; key: ApiKey } | null;

/** The organisation's API keys (the table of seed 004) and its client-token signing keys. */
export function ApiKeys() {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const keys = usePagedList<ApiKey>(apiKeysQueryKey(org.id), apiKeysPath(org.id));
  const [open, setOpen] = useState<Open>(null);
  const canWrite = org.can('keys:write');
  const close = () => setOpen(null);
  const revoke = async (key: ApiKey) => {
    await api(`${apiKeysPath(org.id)}/${encodeURIComponent(key.id)}`, { method: 'DELETE' });
    await queryClient.invalidateQueries({ queryKey: apiKeysQueryKey(org.id) });
  };

  return (
    <>
      <div class="page-head">
        <h1>API keys</h1>
        {canWrite && (
          <button type="button" class="primary" onClick={() => setOpen({ kind: 'create' })}>Create key</button>
        )}
      </div>
      <p class="lead">
        Keys call the API as <strong>{org.name}</strong>, with the scopes they were given. A secret is shown once, when the key is created or rotated.
      </p>
      {keys.isPending ? (
        <p class="loading">Loading keys…</p>
      ) : keys.isError && !keys.data ? (
        <ErrorMessage error={keys.error} />
      ) : (
        <DataTable label="API keys table" columns={['Name', 'Prefix', 'Scopes', 'Created', 'Last used', 'Status', 'Actions']} empty={keys.items.length === 0 ? 'No API keys yet.' : null}>
          {keys.items.map((key) => (
            <tr key={key.id}>
              <td>{key.name}{key.type !== 'live' && <span class="tag">{key.type}</span>}</td>
              <td class="nowrap"><code>{key.prefix}</code></td>
              <td class="scopes-cell">{key.scopes.map((s) => <code key={s}>{s}</code>)}</td>
              <td>{formatDate(key.createdAt)}</td>
              <td>{formatDate(key.lastUsedAt, 'Never')}</td>
              <td><span class={`status status-${key.status}`}>{key.status}</span></td>
              <td class="row-actions">
                {canWrite && key.status === 'active' ? (
                  <>
                    <button type="button" onClick={() => setOpen({ kind: 'rotate', key })}>Rotate</button>
                    <button type="button" class="danger" onClick={() => setOpen({ kind: 'revoke', key })}>Revoke</button>
                  </>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <LoadMore hasMore={keys.hasMore} loading={keys.isFetchingNextPage} error={keys.data ? keys.error : null} onLoadMore={keys.loadMore} />

      {org.can('org:admin') && <ClientTokenKeys />}

      {open?.kind === 'create' && <CreateKeyDialog onClose={close} />}
      {open?.kind === 'rotate' && <RotateKeyDialog apiKey={open.key} onClose={close} />}
      {open?.kind === 'revoke' && (
        <ConfirmDialog title="Revoke API key" onConfirm={() => revoke(open.key)} onClose={close}>
          <p>
            Revoke <strong>{open.key.name}</strong> ({open.key.prefix}…)? Requests with it are refused from now on; this cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
