import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a store's webhook means to the core. The GDPR kinds are the ones Shopify requires every app
 * to answer; other stores map what they have onto them.
 */
export type ChannelWebhookEventKind =
  | 'product.created'
  | 'product.updated'
  | 'product.deleted'
  | 'app.uninstalled'
  | 'gdpr.customer_data_request'
  | 'gdpr.customer_redact'
  | 'gdpr.shop_redact';

export const CHANNEL_WEBHOOK_EVENT_KINDS: readonly ChannelWebhookEventKind[] = [
  'product.created',
  'product.updated',
  'product.deleted',
  'app.uninstalled',
  'gdpr.customer_data_request',
  'gdpr.customer_redact',
  'gdpr.shop_redact',
];

export interface GdprCustomer {
  customerExternalId: string | null;
  email: string | null;
}

/** `other`: authentic, but of a topic the core does not act on; answer 200 and drop it. */
export type ChannelWebhookEvent = { deliveryId: string | null } & (
  | { event: 'product.created' | 'product.updated' | 'product.deleted'; data: { productExternalId: string } }
  | { event: 'app.uninstalled' | 'gdpr.shop_redact'; data: Record<string, never> }
  | { event: 'gdpr.customer_data_request'; data: GdprCustomer & { requestExternalId: string | null } }
  | { event: 'gdpr.customer_redact'; data: GdprCustomer }
  | { event: 'other'; data: { topic: string } }
);

/** Request headers as Node gives them (lower-case names). */
export type WebhookHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** One header's value, whatever the case of its name; the first when it came several times. */
export function webhookHeader(headers: WebhookHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const key = Object.keys(headers).find((k) => k.toLowerCase() === wanted);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Whether `signature` is the HMAC of the raw body under `secret` (Shopify and WooCommerce sign with
 * base64 HMAC-SHA256), compared in constant time. Verify the bytes as received: re-serialised JSON
 * does not match.
 */
export function hmacSignatureMatches(rawBody: Buffer, secret: string, signature: string | undefined, encoding: 'base64' | 'hex' = 'base64', algorithm: 'sha256' | 'sha1' = 'sha256'): boolean {
  if (!signature || !secret) return false;
  const expected = createHmac(algorithm, secret).update(rawBody).digest();
  const given = Buffer.from(signature.trim(), encoding);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
