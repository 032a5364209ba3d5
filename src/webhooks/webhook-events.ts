/** The events an organisation can subscribe to. */
export const WEBHOOK_EVENT_TYPES = ['job.completed', 'job.failed', 'job.canceled', 'credits.low', 'channel.needs_attention'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** An event to deliver: `id` becomes the webhook-id header, the same on every attempt and redelivery. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  data: object;
}
