import { useMutation, useQueryClient } from '@tanstack/preact-query';
import { useId, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { JobStatus } from '../../components/JobStatus';
import { jobEnded } from '../../components/poll-job';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { activityQueryKey, CONNECTION_STATUS_TEXT, connectionPath, connectionsQueryKey, productsQueryKey, type Channel, type Connection } from './integrations-api';
import { jobError, useWatchedJob } from './use-watched-job';

type Action = 'test' | 'disable' | 'enable' | 'sync';

const DONE: Record<Exclude<Action, 'sync'>, (c: Connection) => string> = {
  test: (c) => (c.status === 'active' ? 'The store accepted the credentials.' : `The store refused the credentials: ${c.lastError ?? 'no reason given'}.`),
  disable: () => 'Disabled: nothing is synced or published through it until it is enabled.',
  enable: () => 'Enabled.',
};

/** One store connection: its status (and why it needs attention), test, sync with its job's progress, disable or enable, delete. */
export function ConnectionCard({ connection, channel }: { connection: Connection; channel?: Channel }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const titleId = useId();
  const [syncJobId, setSyncJobId] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [notice, setNotice] = useState('');
  const canWrite = org.can('channels:write');
  const refreshConnections = () => queryClient.invalidateQueries({ queryKey: connectionsQueryKey(org.id) });
  const sync = useWatchedJob(syncJobId, () => {
    void refreshConnections();
    void queryClient.invalidateQueries({ queryKey: productsQueryKey(org.id, connection.id) });
  });
  const act = useMutation({
    mutationFn: async (action: Action) => {
      setNotice('');
      if (action === 'sync') {
        const job = await api<{ id: string }>(`${connectionPath(connection.id)}/sync`, { method: 'POST' });
        setSyncJobId(job.id);
        return;
      }
      const updated = await api<Connection>(`${connectionPath(connection.id)}/${action}`, { method: 'POST' });
      setNotice(DONE[action](updated));
      await refreshConnections();
    },
  });
  const remove = async () => {
    await api(connectionPath(connection.id), { method: 'DELETE' });
    await Promise.all([refreshConnections(), queryClient.invalidateQueries({ queryKey: activityQueryKey(org.id) })]);
  };
  const syncing = sync.data ? !jobEnded(sync.data) : syncJobId !== null;
  const busy = act.isPending || syncing;

  return (
    <article class="connection-card" aria-labelledby={titleId}>
      <div class="connection-head">
        <h3 id={titleId}>{connection.name}</h3>
        <span class={`connection-status connection-${connection.status}`}>{CONNECTION_STATUS_TEXT[connection.status] ?? connection.status}</span>
      </div>
      {connection.status === 'needs_attention' && (
        <p class="warning">
          Needs attention: {connection.lastError ?? 'the store refused the credentials at the last check'}. Connect it again with new credentials, then delete this one.
        </p>
      )}
      <dl class="connection-facts">
        <div><dt>Store</dt><dd>{channel?.name ?? connection.channel}: {connection.accountName}</dd></div>
        <div><dt>Rule pack</dt><dd>{connection.rulePack ?? 'None'}</dd></div>
        <div><dt>Last checked</dt><dd>{formatDate(connection.lastCheckedAt)}</dd></div>
        <div><dt>Last synced</dt><dd>{formatDate(connection.lastSyncedAt, 'Never')}</dd></div>
      </dl>
      {canWrite && (
        <div class="actions">
          <button type="button" onClick={() => act.mutate('sync')} disabled={busy || connection.status !== 'active'} aria-busy={syncing}>
            {syncing ? 'Syncing…' : 'Sync'}
          </button>
          <button type="button" onClick={() => act.mutate('test')} disabled={busy || connection.status === 'disabled'}>Test</button>
          {connection.status === 'disabled' ? (
            <button type="button" onClick={() => act.mutate('enable')} disabled={busy}>Enable</button>
          ) : (
            <button type="button" onClick={() => act.mutate('disable')} disabled={busy}>Disable</button>
          )}
          <button type="button" class="danger" onClick={() => setDeleting(true)} disabled={busy}>Delete</button>
        </div>
      )}
      <p role="status" class="hint">{notice}</p>
      {sync.data && <JobStatus job={sync.data} label={`Sync of ${connection.name}`} />}
      {sync.data?.error && <ErrorMessage error={jobError(sync.data.error)} />}
      <ErrorMessage error={act.error ?? sync.error} />
      {deleting && (
        <ConfirmDialog title="Delete connection" onConfirm={remove} onClose={() => setDeleting(false)}>
          <p>
            Delete <strong>{connection.name}</strong> and its stored credentials? The store itself is not changed.
          </p>
        </ConfirmDialog>
      )}
    </article>
  );
}
