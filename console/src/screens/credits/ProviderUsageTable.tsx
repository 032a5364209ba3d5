import { keepPreviousData, useQuery } from '@tanstack/preact-query';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { creditsQueryKey, periodStart, type ProviderUsage, type ProviderUsageRow } from './credits';
import { DataTable } from '../../components/DataTable';

const costText = (cost: Record<string, number>) =>
  Object.entries(cost)
    .map(([currency, amount]) => `${amount.toLocaleString(undefined, { maximumFractionDigits: 4 })} ${currency}`)
    .join(', ') || '—';

/**
 * One bar per row: the provider's tries as a share of the busiest row's, split into succeeded,
 * failed and skipped. Decoration only: the row's cells hold the same numbers.
 */
function OutcomeBar({ row, most }: { row: ProviderUsageRow; most: number }) {
  const widths = [row.succeeded, row.failed, row.skipped].map((n) => (n / most) * 100);
  const classes = ['credits-bar-succeeded', 'credits-bar-failed', 'credits-bar-skipped'];
  let x = 0;
  return (
    <svg class="credits-outcome-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
      {widths.map((width, i) => {
        const rect = <rect key={classes[i]} class={classes[i]} x={x} y={0} width={width} height={10} />;
        x += width;
        return rect;
      })}
    </svg>
  );
}

/** The organisation's provider steps over the period (GET /api/v1/usage/providers), per provider and key source. */
export function ProviderUsageTable({ days }: { days: number }) {
  const org = useOrganization();
  const from = periodStart(days);
  const usage = useQuery({
    queryKey: [...creditsQueryKey(org.id), 'providers', from],
    queryFn: ({ signal }) => api<ProviderUsage>('/api/v1/usage/providers', { query: { from }, signal }),
    placeholderData: keepPreviousData,
  });
  // The bars' common scale: the busiest row's bar fills its box.
  const most = Math.max(1, ...(usage.data?.data ?? []).map((r) => r.steps));

  return (
    <section class="section credits-section" aria-labelledby="credits-providers-title">
      <h2 id="credits-providers-title">Usage per provider</h2>
      {usage.isPending ? (
        <p class="loading">Loading provider usage…</p>
      ) : usage.isError ? (
        <ErrorMessage error={usage.error} />
      ) : (
        <>
          <p class="hint">
            Every call to a provider from {formatDate(usage.data.from)} to {formatDate(usage.data.to)}, fallbacks included; the bar shows succeeded, failed and skipped tries.
          </p>
          <DataTable label="Usage per provider table" columns={['Provider', 'Key', { label: 'Tries', class: 'credits-number' }, { label: 'Succeeded', class: 'credits-number' }, { label: 'Failed', class: 'credits-number' }, { label: 'Skipped', class: 'credits-number' }, { label: 'Credits', class: 'credits-number' }, 'Provider cost']} empty={usage.data.data.length === 0 ? 'No provider was called in this period.' : null}>
            {usage.data.data.map((row) => (
              <tr key={`${row.provider}-${row.keySource}-${row.test}`}>
                <th scope="row">
                  {row.provider}
                  {row.test && <span class="tag">test</span>}
                </th>
                <td>{row.keySource === 'byok' ? 'your key' : 'platform'}</td>
                <td>
                  <span class="credits-tries">
                    <span class="credits-number">{row.steps.toLocaleString()}</span>
                    <OutcomeBar row={row} most={most} />
                  </span>
                </td>
                <td class="credits-number">{row.succeeded.toLocaleString()}</td>
                <td class="credits-number">{row.failed.toLocaleString()}</td>
                <td class="credits-number">{row.skipped.toLocaleString()}</td>
                <td class="credits-number">{row.credits.toLocaleString()}</td>
                <td>{costText(row.providerCost)}</td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </section>
  );
}
