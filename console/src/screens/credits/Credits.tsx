import { useQuery } from '@tanstack/preact-query';
import { useId, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { creditsQueryKey, PERIODS, type CreditsSummary, type Period } from './credits';
import { DailyUsageChart } from './DailyUsageChart';
import { Ledger } from './Ledger';
import { ProviderUsageTable } from './ProviderUsageTable';
import './credits.css';

/** How often the balance is read again while running work holds credits. */
const RESERVED_POLL_MS = 5000;

/** The organisation's credits: balance and reservations, spending per day and per provider over a period, and the ledger. */
export function Credits() {
  const org = useOrganization();
  const periodId = useId();
  const [days, setDays] = useState<Period>(30);
  const summary = useQuery({
    queryKey: [...creditsQueryKey(org.id), 'summary'],
    queryFn: ({ signal }) => api<CreditsSummary>('/api/v1/credits', { signal }),
    refetchInterval: (query) => ((query.state.data?.reserved ?? 0) > 0 ? RESERVED_POLL_MS : false),
  });

  return (
    <>
      <h1>Credits</h1>
      <p class="lead">What {org.name} has to spend, and where it went. Work reserves its price when it starts and gives it back if it fails.</p>
      {summary.isPending ? (
        <p class="loading">Loading the balance…</p>
      ) : summary.isError && !summary.data ? (
        <ErrorMessage error={summary.error} />
      ) : (
        <dl class="credits-summary">
          <div>
            <dt>Balance</dt>
            <dd>{summary.data.creditsBalance.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Reserved</dt>
            <dd>{summary.data.reserved.toLocaleString()}</dd>
          </div>
        </dl>
      )}
      <div class="field credits-period">
        <label for={periodId}>Period</label>
        <select id={periodId} value={days} onChange={(e) => setDays(Number(e.currentTarget.value) as Period)}>
          {PERIODS.map((p) => (
            <option key={p} value={p}>Last {p} days</option>
          ))}
        </select>
      </div>
      <DailyUsageChart days={days} />
      <ProviderUsageTable days={days} />
      <Ledger />
    </>
  );
}
