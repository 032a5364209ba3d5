import { keepPreviousData, useQuery } from '@tanstack/preact-query';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { barHeights, creditsQueryKey, formatDay, type DailyUsageList } from './credits';

/** Each day's bar is BAR wide in a slot SLOT wide; the chart is HEIGHT tall, stretched to its box by CSS. */
const SLOT = 10;
const BAR = 8;
const HEIGHT = 100;

/**
 * Credits spent per UTC day as bars (inline SVG), with a table of the same figures for those who
 * cannot see the chart. The axis labels are HTML beside the SVG, which stretches to any width.
 */
export function DailyUsageChart({ days }: { days: number }) {
  const org = useOrganization();
  const usage = useQuery({
    queryKey: [...creditsQueryKey(org.id), 'usage', days],
    queryFn: ({ signal }) => api<DailyUsageList>('/api/v1/credits/usage', { query: { days }, signal }),
    // A new period replaces the old one's bars when it arrives, keeping the figures open meanwhile.
    placeholderData: keepPreviousData,
  });

  return (
    <section class="section credits-section" aria-labelledby="credits-daily-title">
      <h2 id="credits-daily-title">Spent per day</h2>
      {usage.isPending ? (
        <p class="loading">Loading usage…</p>
      ) : usage.isError ? (
        <ErrorMessage error={usage.error} />
      ) : (
        <UsageBars usage={usage.data} />
      )}
    </section>
  );
}

function UsageBars({ usage }: { usage: DailyUsageList }) {
  const data = usage.data;
  const total = data.reduce((sum, d) => sum + d.spent, 0);
  const { top, heights } = barHeights(data.map((d) => d.spent), HEIGHT);
  const description = `Credits spent per day from ${formatDay(usage.from)} to ${formatDay(usage.to)}: ${total.toLocaleString()} in all, at most ${top.toLocaleString()} in a day. The table "Daily figures" lists each day.`;
  return (
    <>
      <p>
        <strong>{total.toLocaleString()}</strong> credits spent in {data.length} days.
      </p>
      <div class="credits-chart">
        <span class="credits-chart-top" aria-hidden="true">{top.toLocaleString()}</span>
        <svg viewBox={`0 0 ${data.length * SLOT} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={description}>
          <line class="credits-chart-grid" x1={0} x2={data.length * SLOT} y1={0.5} y2={0.5} vector-effect="non-scaling-stroke" />
          <line class="credits-chart-axis" x1={0} x2={data.length * SLOT} y1={HEIGHT} y2={HEIGHT} vector-effect="non-scaling-stroke" />
          {data.map((d, i) => (
            <rect key={d.date} class="credits-chart-bar" x={i * SLOT + (SLOT - BAR) / 2} y={HEIGHT - heights[i]} width={BAR} height={heights[i]}>
              <title>{`${formatDay(d.date)}: ${d.spent.toLocaleString()} spent`}</title>
            </rect>
          ))}
        </svg>
        <div class="credits-chart-days" aria-hidden="true">
          <span>{formatDay(usage.from)}</span>
          <span>{formatDay(usage.to)}</span>
        </div>
      </div>
      <details class="credits-figures">
        <summary>Daily figures</summary>
        <div class="table-scroll" tabIndex={0} role="region" aria-label="Daily figures table">
          <table>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                <th scope="col" class="credits-number">Spent</th>
                <th scope="col" class="credits-number">Granted</th>
                <th scope="col" class="credits-number">Paid work started</th>
              </tr>
            </thead>
            <tbody>
              {data.map((d) => (
                <tr key={d.date}>
                  <th scope="row">{d.date}</th>
                  <td class="credits-number">{d.spent.toLocaleString()}</td>
                  <td class="credits-number">{d.granted.toLocaleString()}</td>
                  <td class="credits-number">{d.reservations.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}
