import { useId, useState } from 'preact/hooks';
import { useOpenApi } from '../../api/openapi';
import { usePagedList } from '../../api/pages';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadMore } from '../../components/LoadMore';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { DeliveryDialog } from './DeliveryDialog';
import { DeliveryStatus } from './DeliveryStatus';
import { DELIVERIES_PATH, deliveriesQueryKey, queryEnum, type WebhookDelivery, type WebhookEndpoint } from './webhooks-api';
import { DataTable } from '../../components/DataTable';

interface Filters {
  endpointId: string;
  status: string;
  eventType: string;
}

/** A labelled select whose first option, "All", sets no filter. */
function FilterSelect({ label, value, options, onChange }: { label: string; value: string; options: { value: string; label: string }[]; onChange(value: string): void }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">All</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>{o.label}</option>
        ))}
      </select>
    </div>
  );
}

/** The delivery log, newest first, a page at a time, filtered by endpoint, status and event type. */
export function Deliveries({ endpoints }: { endpoints: WebhookEndpoint[] }) {
  const org = useOrganization();
  const openapi = useOpenApi();
  const [filters, setFilters] = useState<Filters>({ endpointId: '', status: '', eventType: '' });
  const [shown, setShown] = useState<string | null>(null);
  // A deleted endpoint takes its log along: the filter on it goes too.
  const endpointId = endpoints.some((e) => e.id === filters.endpointId) ? filters.endpointId : '';
  const deliveries = usePagedList<WebhookDelivery>(deliveriesQueryKey(org.id), DELIVERIES_PATH, { ...filters, endpointId });
  const set = (key: keyof Filters) => (value: string) => setFilters({ ...filters, [key]: value });
  const enumOptions = (name: string) => (openapi.data ? queryEnum(openapi.data, DELIVERIES_PATH, name).map((v) => ({ value: v, label: v })) : []);

  return (
    <section aria-labelledby="deliveries-title" class="section">
      <div class="page-head">
        <h2 id="deliveries-title">Delivery log</h2>
        <button type="button" onClick={() => deliveries.refetch()} disabled={deliveries.isFetching} aria-busy={deliveries.isFetching}>
          {deliveries.isFetching && !deliveries.isPending ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <div class="wh-filters" role="group" aria-label="Delivery log filters">
        <FilterSelect label="Endpoint" value={endpointId} options={endpoints.map((e) => ({ value: e.id, label: e.url }))} onChange={set('endpointId')} />
        <FilterSelect label="Status" value={filters.status} options={enumOptions('status')} onChange={set('status')} />
        <FilterSelect label="Event" value={filters.eventType} options={enumOptions('eventType')} onChange={set('eventType')} />
      </div>
      {deliveries.isPending ? (
        <p class="loading">Loading deliveries…</p>
      ) : deliveries.isError && !deliveries.data ? (
        <ErrorMessage error={deliveries.error} />
      ) : (
        <DataTable label="Delivery log table" columns={['Created', 'Event', 'To', 'Status', 'Delivered', 'Actions']} empty={deliveries.items.length === 0 ? `No deliveries${endpointId || filters.status || filters.eventType ? ' match these filters' : ' yet'}.` : null}>
          {deliveries.items.map((delivery) => (
            <tr key={delivery.id}>
              <td class="wh-nowrap">{formatDate(delivery.createdAt)}</td>
              <td class="wh-nowrap"><code>{delivery.eventType}</code></td>
              <td class="wh-url-cell"><code>{delivery.url}</code></td>
              <td><DeliveryStatus delivery={delivery} /></td>
              <td class="wh-nowrap">{formatDate(delivery.deliveredAt)}</td>
              <td class="row-actions">
                <button type="button" onClick={() => setShown(delivery.id)} aria-label={`Details of the ${delivery.eventType} delivery of ${formatDate(delivery.createdAt)}`}>Details</button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <LoadMore hasMore={deliveries.hasMore} loading={deliveries.isFetchingNextPage} error={deliveries.data ? deliveries.error : null} onLoadMore={deliveries.loadMore} />
      {shown && <DeliveryDialog deliveryId={shown} onClose={() => setShown(null)} />}
    </section>
  );
}
