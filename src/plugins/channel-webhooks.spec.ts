import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSignatureMatches, webhookHeader } from './channel-webhooks';

describe('hmacSignatureMatches', () => {
  const body = Buffer.from('{"id":1}');
  const sign = (secret: string, encoding: 'base64' | 'hex') => createHmac('sha256', secret).update(body).digest(encoding);

  it('accepts the HMAC-SHA256 of the raw body, in base64 or hex', () => {
    expect(hmacSignatureMatches(body, 'shh', sign('shh', 'base64'))).toBe(true);
    expect(hmacSignatureMatches(body, 'shh', sign('shh', 'hex'), 'hex')).toBe(true);
  });

  it('refuses another secret, another body, a truncated, missing or empty signature, and an empty secret', () => {
    expect(hmacSignatureMatches(body, 'other', sign('shh', 'base64'))).toBe(false);
    expect(hmacSignatureMatches(Buffer.from('{"id": 1}'), 'shh', sign('shh', 'base64'))).toBe(false);
    expect(hmacSignatureMatches(body, 'shh', sign('shh', 'base64').slice(0, 20))).toBe(false);
    expect(hmacSignatureMatches(body, 'shh', undefined)).toBe(false);
    expect(hmacSignatureMatches(body, 'shh', '')).toBe(false);
    expect(hmacSignatureMatches(body, '', createHmac('sha256', '').update(body).digest('base64'))).toBe(false);
  });
});

describe('webhookHeader', () => {
  it('finds a header whatever the case of its name, the first of repeated ones', () => {
    expect(webhookHeader({ 'X-Shopify-Topic': 'products/update' }, 'x-shopify-topic')).toBe('products/update');
    expect(webhookHeader({ 'x-wc-webhook-topic': ['product.updated', 'x'] }, 'X-WC-Webhook-Topic')).toBe('product.updated');
    expect(webhookHeader({}, 'x-missing')).toBeUndefined();
  });
});
