import { Link } from 'wouter-preact';
import { usePagedList } from '../../api/pages';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadMore } from '../../components/LoadMore';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { creditsQueryKey, type LedgerEntry, type LedgerKind } from './credits';
import { DataTable } from '../../components/DataTable';

const KIND_NAMES: Record<LedgerKind, string> = {
  starting_grant: 'Starting grant',
  operator_grant: 'Operator grant',
  pack_grant: 'Pack',
  reservation: 'Reservation',
  capture: 'Capture',
  release: 'Release',
};

/** Reservations and their settlements name the job they paid for. */
const JOB_KINDS: LedgerKind[] = ['reservation', 'capture', 'release'];

function Reference({ entry, linkJobs }: { entry: LedgerEntry; linkJobs: boolean }) {
  if (!entry.referenceId) return <>—</>;
  if (linkJobs && JOB_KINDS.includes(entry.kind)) {
    return <Link href={`/jobs/${encodeURIComponent(entry.referenceId)}`}><code class="credits-id">{entry.referenceId}</code></Link>;
  }
  return <code class="credits-id">{entry.referenceId}</code>;
}

/** The organisation's append-only ledger, newest first, a page at a time. */
export function Ledger() {
  const org = useOrganization();
  const ledger = usePagedList<LedgerEntry>([...creditsQueryKey(org.id), 'ledger'], '/api/v1/credits/ledger');
  const linkJobs = org.can('jobs:read');

  return (
    <section class="section credits-section" aria-labelledby="credits-ledger-title">
      <h2 id="credits-ledger-title">Ledger</h2>
      {ledger.isPending ? (
        <p class="loading">Loading the ledger…</p>
      ) : ledger.isError && !ledger.data ? (
        <ErrorMessage error={ledger.error} />
      ) : (
        <DataTable label="Ledger table" columns={['Date', 'Kind', { label: 'Amount', class: 'credits-number' }, 'Reason', 'Reference']} empty={ledger.items.length === 0 ? 'No entries yet.' : null}>
          {ledger.items.map((entry) => (
            <tr key={entry.id}>
              <td class="credits-nowrap">{formatDate(entry.createdAt)}</td>
              <td>{KIND_NAMES[entry.kind] ?? entry.kind}</td>
              <td class={entry.amount > 0 ? 'credits-number credits-in' : 'credits-number'}>{entry.amount > 0 ? `+${entry.amount.toLocaleString()}` : entry.amount.toLocaleString()}</td>
              <td class="credits-reason">{entry.reason}</td>
              <td><Reference entry={entry} linkJobs={linkJobs} /></td>
            </tr>
          ))}
        </DataTable>
      )}
      <LoadMore hasMore={ledger.hasMore} loading={ledger.isFetchingNextPage} error={ledger.data ? ledger.error : null} onLoadMore={ledger.loadMore} />
    </section>
  );
}
