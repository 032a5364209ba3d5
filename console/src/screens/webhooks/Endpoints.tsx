import { useQuery, useQueryClient } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { EndpointDialog } from './EndpointDialog';
import { RotateSecretDialog } from './RotateSecretDialog';
import { deliveriesQueryKey, DISABLED_REASONS, ENDPOINTS_PATH, endpointsQueryKey, type WebhookEndpoint, type WebhookSecret } from './webhooks-api';
import { DataTable } from '../../components/DataTable';

type Open = { kind: 'create' } | { kind: 'edit'; endpoint: WebhookEndpoint } | { kind: 'rotate'; endpoint: WebhookEndpoint } | { kind: 'delete'; endpoint: WebhookEndpoint } | null;

function EndpointStatus({ endpoint }: { endpoint: WebhookEndpoint }) {
  if (!endpoint.enabled) return <span class="status status-revoked">{endpoint.disabledReason ? DISABLED_REASONS[endpoint.disabledReason] : 'disabled'}</span>;
  if (endpoint.failingSince) return <span class="status status-expired">failing since {formatDate(endpoint.failingSince)}</span>;
  return <span class="status status-active">enabled</span>;
}

/** The organisation's endpoints: add, edit, enable or disable, rotate the secret, delete. */
export function Endpoints({ endpoints }: { endpoints: ReturnType<typeof useEndpoints> }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const endpointPath = (endpoint: WebhookEndpoint) => `${ENDPOINTS_PATH}/${encodeURIComponent(endpoint.id)}`;
  const remove = async (endpoint: WebhookEndpoint) => {
    await api(endpointPath(endpoint), { method: 'DELETE' });
    // Its delivery log goes with it.
    await Promise.all([endpointsQueryKey, deliveriesQueryKey].map((key) => queryClient.invalidateQueries({ queryKey: key(org.id) })));
  };

  return (
    <section aria-labelledby="endpoints-title" class="section wh-first">
      <div class="page-head">
        <h2 id="endpoints-title">Endpoints</h2>
        <button type="button" class="primary" onClick={() => setOpen({ kind: 'create' })}>Add endpoint</button>
      </div>
      {endpoints.isPending ? (
        <p class="loading">Loading endpoints…</p>
      ) : endpoints.error ? (
        <ErrorMessage error={endpoints.error} />
      ) : (
        <DataTable label="Endpoints table" columns={['URL', 'Events', 'Status', 'Created', 'Actions']} empty={endpoints.data.length === 0 ? 'No endpoints yet.' : null}>
          {endpoints.data.map((endpoint) => (
            <tr key={endpoint.id}>
              <td class="wh-url-cell">
                <code>{endpoint.url}</code>
                {endpoint.description && <span class="hint wh-description">{endpoint.description}</span>}
              </td>
              <td class="scopes-cell">{endpoint.events.map((e) => <code key={e}>{e}</code>)}</td>
              <td><EndpointStatus endpoint={endpoint} /></td>
              <td>{formatDate(endpoint.createdAt)}</td>
              <td class="row-actions">
                <button type="button" onClick={() => setOpen({ kind: 'edit', endpoint })} aria-label={`Edit ${endpoint.url}`}>Edit</button>
                <button type="button" onClick={() => setOpen({ kind: 'rotate', endpoint })} aria-label={`Rotate secret of ${endpoint.url}`}>Rotate secret</button>
                <button type="button" class="danger" onClick={() => setOpen({ kind: 'delete', endpoint })} aria-label={`Delete ${endpoint.url}`}>Delete</button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {open?.kind === 'create' && <EndpointDialog onClose={close} />}
      {open?.kind === 'edit' && <EndpointDialog endpoint={open.endpoint} onClose={close} />}
      {open?.kind === 'rotate' && (
        <RotateSecretDialog
          subject={<code>{open.endpoint.url}</code>}
          rotate={() => api<WebhookSecret>(`${endpointPath(open.endpoint)}/rotate-secret`, { method: 'POST' })}
          onClose={close}
        />
      )}
      {open?.kind === 'delete' && (
        <ConfirmDialog title="Delete webhook endpoint" onConfirm={() => remove(open.endpoint)} onClose={close}>
          <p>
            Delete <code>{open.endpoint.url}</code> and its delivery log? Nothing more is sent to it.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** The endpoints, read once for the table and the delivery log's filter. */
export function useEndpoints(orgId: string) {
  return useQuery({ queryKey: endpointsQueryKey(orgId), queryFn: () => api<WebhookEndpoint[]>(ENDPOINTS_PATH) });
}
