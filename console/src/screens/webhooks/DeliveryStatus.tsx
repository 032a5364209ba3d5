import type { WebhookDelivery } from './webhooks-api';

const STATUS_CLASS: Record<WebhookDelivery['status'], string> = {
  succeeded: 'status-active',
  pending: 'status-expired',
  paused: 'status-expired',
  failed: 'status-revoked',
};

/** A delivery's status, with its attempts so far and the last answer (or error). */
export function DeliveryStatus({ delivery }: { delivery: WebhookDelivery }) {
  const last = delivery.lastStatusCode ?? delivery.lastError;
  return (
    <span class="wh-delivery-status">
      <span class={`status ${STATUS_CLASS[delivery.status]}`}>{delivery.status}</span>
      {delivery.attempts > 0 && <span class="hint"> {delivery.attempts === 1 ? '1 attempt' : `${delivery.attempts} attempts`}{last !== null && `, last: ${last}`}</span>}
    </span>
  );
}
