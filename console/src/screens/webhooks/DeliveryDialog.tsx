import { useMutation, useQuery, useQueryClient } from '@tanstack/preact-query';
import { useEffect, useRef } from 'preact/hooks';
import { api } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useOrganization } from '../../layout/current-organization';
import { formatDate } from '../../lib/format';
import { DeliveryStatus } from './DeliveryStatus';
import { DELIVERIES_PATH, deliveriesQueryKey, deliveryQueryKey, type WebhookDelivery, type WebhookDeliveryDetail } from './webhooks-api';

/** While a delivery is being sent, its detail is read again this often to show each attempt. */
const PENDING_POLL_MS = 2000;

/** A delivery: what was sent (the payload), every attempt with your server's answer, and Redeliver. */
export function DeliveryDialog({ deliveryId, onClose }: { deliveryId: string; onClose(): void }) {
  const org = useOrganization();
  const queryClient = useQueryClient();
  const path = `${DELIVERIES_PATH}/${encodeURIComponent(deliveryId)}`;
  const detail = useQuery({
    queryKey: deliveryQueryKey(org.id, deliveryId),
    queryFn: () => api<WebhookDeliveryDetail>(path),
    refetchInterval: (query) => (query.state.data?.status === 'pending' ? PENDING_POLL_MS : false),
  });
  const redeliver = useMutation({
    mutationFn: () => api<WebhookDelivery>(`${path}/redeliver`, { method: 'POST' }),
    onSuccess: () => Promise.all([deliveryQueryKey(org.id, deliveryId), deliveriesQueryKey(org.id)].map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
  const status = detail.data?.status;
  // The log behind the dialog follows each change of status seen here (a redelivery that ends, say).
  const seenStatus = useRef(status);
  useEffect(() => {
    if (seenStatus.current && status !== seenStatus.current) void queryClient.invalidateQueries({ queryKey: deliveriesQueryKey(org.id) });
    seenStatus.current = status;
  }, [status]);

  return (
    <Dialog title="Webhook delivery" onClose={onClose}>
      {detail.isPending ? (
        <p class="loading">Loading the delivery…</p>
      ) : detail.error ? (
        <ErrorMessage error={detail.error} />
      ) : (
        <>
          <dl class="wh-facts">
            <dt>Event</dt>
            <dd><code>{detail.data.eventType}</code> <span class="hint">webhook-id <code>{detail.data.eventId}</code></span></dd>
            <dt>To</dt>
            <dd><code>{detail.data.url}</code>{!detail.data.endpointId && <span class="tag">job's webhookUrl</span>}</dd>
            <dt>Status</dt>
            <dd aria-live="polite"><DeliveryStatus delivery={detail.data} /></dd>
            <dt>Created</dt>
            <dd>{formatDate(detail.data.createdAt)}</dd>
            {detail.data.nextAttemptAt && (
              <>
                <dt>Next attempt</dt>
                <dd>{formatDate(detail.data.nextAttemptAt)}</dd>
              </>
            )}
          </dl>
          <h3 class="wh-subhead">Attempts</h3>
          {detail.data.attemptLog.length === 0 ? (
            <p class="hint">No attempt yet.</p>
          ) : (
            <ol class="wh-attempts">
              {detail.data.attemptLog.map((a) => (
                <li key={a.attemptedAt}>
                  <span>{formatDate(a.attemptedAt)}</span>{' '}
                  <strong>{a.statusCode ?? 'no answer'}</strong>{' '}
                  <span class="hint">{a.durationMs} ms</span>
                  {a.error && <div class="wh-attempt-error">{a.error}</div>}
                  {a.responseBody && <pre class="wh-pre">{a.responseBody}</pre>}
                </li>
              ))}
            </ol>
          )}
          <h3 class="wh-subhead">Payload</h3>
          <pre class="wh-pre" tabIndex={0} aria-label="Payload">{JSON.stringify(detail.data.payload, null, 2)}</pre>
        </>
      )}
      <ErrorMessage error={redeliver.error} />
      {redeliver.isSuccess && <p role="status" class="hint">{status === 'pending' ? 'Sending again…' : `Sent again: ${status}.`}</p>}
      <div class="actions">
        {detail.data && (detail.data.status === 'succeeded' || detail.data.status === 'failed') && (
          <button type="button" class="primary" onClick={() => redeliver.mutate()} disabled={redeliver.isPending} aria-busy={redeliver.isPending}>Redeliver</button>
        )}
        <button type="button" onClick={onClose}>Close</button>
      </div>
    </Dialog>
  );
}
