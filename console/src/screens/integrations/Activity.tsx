import { useId, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { usePagedList } from '../../api/pages';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadMore } from '../../components/LoadMore';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { ACTIVITY_PATH, activityQueryKey, type Activity as ActivityEntry, type Connection } from './integrations-api';
import { DataTable } from '../../components/DataTable';

const PAGE_SIZE = 20;

function Result({ entry }: { entry: ActivityEntry }) {
  if (entry.error) {
    return (
      <span class="activity-error">
        {entry.error.message} <code>{entry.error.code}</code>
      </span>
    );
  }
  return entry.externalImageId ? <code>{entry.externalImageId}</code> : <>—</>;
}

/** Every publish to the stores, newest first, paged; narrowed to one connection on demand. */
export function Activity({ connections }: { connections: Connection[] }) {
  const org = useOrganization();
  const filterId = useId();
  const [connectionId, setConnectionId] = useState('');
  const activity = usePagedList<ActivityEntry>(activityQueryKey(org.id), ACTIVITY_PATH, { limit: PAGE_SIZE, connectionId: connectionId || undefined });
  const names = new Map(connections.map((c) => [c.id, c.name]));

  return (
    <section class="section" aria-labelledby="activity-title">
      <div class="page-head">
        <h2 id="activity-title">Publish activity</h2>
        <button type="button" onClick={() => activity.refetch()} disabled={activity.isFetching} aria-busy={activity.isFetching}>Refresh</button>
      </div>
      <div class="field activity-filter">
        <label for={filterId}>Show publishes to</label>
        <select id={filterId} value={connectionId} onChange={(e) => setConnectionId(e.currentTarget.value)}>
          <option value="">Every connection</option>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>{c.name}</option>
          ))}
        </select>
      </div>
      {activity.isPending ? (
        <p class="loading">Loading activity…</p>
      ) : activity.isError && !activity.data ? (
        <ErrorMessage error={activity.error} />
      ) : (
        <DataTable label="Publish activity table" columns={['When', 'Product', 'Connection', 'Slot', 'Compliance', 'Status', 'Attempts', 'Store image or error']} empty={activity.items.length === 0 ? 'Nothing published yet.' : null}>
          {activity.items.map((a) => (
            <tr key={a.id}>
              <td>{org.can('jobs:read') ? <Link href={`/jobs/${encodeURIComponent(a.jobId)}`}>{formatDate(a.createdAt)}</Link> : formatDate(a.createdAt)}</td>
              <td>{a.productTitle}</td>
              <td>{names.get(a.connectionId) ?? <span class="hint">Deleted</span>}</td>
              <td>{a.slot}</td>
              <td>{a.compliance}{a.fixedImageId && <span class="tag">fixed</span>}</td>
              <td><span class={`publish-status publish-${a.status}`}>{a.status}</span></td>
              <td>{a.attempts}</td>
              <td><Result entry={a} /></td>
            </tr>
          ))}
        </DataTable>
      )}
      <LoadMore hasMore={activity.hasMore} loading={activity.isFetchingNextPage} error={activity.data ? activity.error : null} onLoadMore={activity.loadMore} />
    </section>
  );
}
