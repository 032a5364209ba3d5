import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signedHeaders } from './webhook-signer';

describe('signedHeaders', () => {
  const payload = JSON.stringify({ type: 'job.completed', data: { id: 'j1' } });

  it('verifies with the standardwebhooks package', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = signedHeaders('evt_1', payload, [secret]);
    expect(new Webhook(secret).verify(payload, headers)).toEqual(JSON.parse(payload));
  });

  it('verifies with either secret during a rotation, and not with another', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    const headers = signedHeaders('evt_2', payload, [current, previous]);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(current).verify(payload, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(payload, headers)).not.toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(payload, headers)).toThrow();
    expect(() => new Webhook(current).verify(payload.replace('j1', 'j2'), headers)).toThrow();
  });
});
