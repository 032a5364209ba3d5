import { useId, useState } from 'preact/hooks';
import { usePagedList } from '../../api/pages';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadMore } from '../../components/LoadMore';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { AUDIT_ACTIONS, auditLogQueryKey, memberLabel, orgPath, useMembers, type AuditEvent } from './organisation-api';
import { DataTable } from '../../components/DataTable';

function actorLabel(event: AuditEvent, members: Parameters<typeof memberLabel>[0]): string {
  const who = event.actor.type === 'user' || event.actor.type === 'operator' ? memberLabel(members, event.actor.id) : event.actor.id;
  return `${event.actor.type.replace('_', ' ')}: ${who}`;
}

/** The details as `key: value` lines: strings bare, anything else as JSON. */
function Details({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return <>—</>;
  return (
    <dl class="org-audit-details">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Security-relevant actions, newest first, a page at a time, optionally of one action (org:admin). */
export function AuditLog() {
  const org = useOrganization();
  const members = useMembers(org);
  const filterId = useId();
  const actionsId = useId();
  const [typed, setTyped] = useState('');
  const [action, setAction] = useState('');
  const log = usePagedList<AuditEvent>(auditLogQueryKey(org.id), orgPath(org.id, 'audit-log'), { action });
  const filter = (e: Event) => {
    e.preventDefault();
    setAction(typed.trim());
  };

  return (
    <section aria-labelledby="audit-log-title" class="section">
      <h2 id="audit-log-title">Audit log</h2>
      <form class="org-inline-form" onSubmit={filter} role="search" aria-label="Audit log filter">
        <div class="field">
          <label for={filterId}>Action</label>
          <input id={filterId} list={actionsId} value={typed} placeholder="All actions" onInput={(e) => setTyped(e.currentTarget.value)} />
          <datalist id={actionsId}>
            {AUDIT_ACTIONS.map((a) => <option key={a} value={a} />)}
          </datalist>
        </div>
        <button type="submit">Filter</button>
      </form>
      {log.isPending ? (
        <p class="loading">Loading the audit log…</p>
      ) : log.isError && !log.data ? (
        <ErrorMessage error={log.error} />
      ) : (
        <DataTable label="Audit log table" columns={['When', 'Action', 'Actor', 'Target', 'Details', 'IP']} empty={log.items.length === 0 ? (action ? `No ${action} events.` : 'Nothing recorded yet.') : null}>
          {log.items.map((event) => (
            <tr key={event.id}>
              <td class="org-nowrap">{formatDate(event.createdAt)}</td>
              <td class="org-nowrap"><code>{event.action}</code></td>
              <td>{actorLabel(event, members.data)}</td>
              <td>{event.target ? <>{event.target.type}: <code>{event.target.type === 'member' ? memberLabel(members.data, event.target.id) : event.target.id}</code></> : '—'}</td>
              <td><Details details={event.details} /></td>
              <td>{event.ip ?? '—'}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <LoadMore hasMore={log.hasMore} loading={log.isFetchingNextPage} error={log.data ? log.error : null} onLoadMore={log.loadMore} />
    </section>
  );
}
