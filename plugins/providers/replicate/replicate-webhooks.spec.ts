import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProviderRequest, ProviderWebhookDelivery } from '../../../src/plugins';
import { nthReceived, providerTestContext, startFakeServer, webhookDeliveryOf, type FakeServer } from '../../../src/plugins/testing';
import { BROKE_TOKEN, REPLICATE_TOKEN, startReplicateFake, type ReplicateFake } from './fake';
import { ReplicateProvider } from './replicate.provider';

describe('replicate webhooks', () => {
  let fake: ReplicateFake;
  /** Where Darkroom would receive the deliveries. */
  let receiver: FakeServer;
  let plugin: ReplicateProvider;
  const ctx = (apiToken = REPLICATE_TOKEN) => providerTestContext({ credentials: { owner: 'platform', values: { apiToken } } });
  const generate: ProviderRequest = { operation: 'generate', input: { model: 'flux-schnell', prompt: 'a teal teapot', width: 1024, height: 1024, format: 'png', n: 1, seed: 1 } };
  const secretReads = () => fake.requests.filter((r) => r.url === '/v1/webhooks/default/secret').length;
  const signed = (body: string, at?: { timestamp?: number }): ProviderWebhookDelivery => ({ headers: fake.signWebhook(body, at), body: Buffer.from(body), remoteIds: [] });
  beforeAll(async () => {
    fake = await startReplicateFake();
    receiver = await startFakeServer(() => ({ status: 204 }));
  });
  afterAll(async () => {
    await fake.close();
    await receiver.close();
  });
  beforeEach(() => {
    // A new instance each time: nothing kept from another test.
    plugin = new ReplicateProvider({ baseUrl: fake.url, waitSeconds: 1 });
    fake.pollsBeforeDone = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks for the completed event at the webhook URL, and accepts the signed delivery of the finished prediction, naming it', async () => {
    fake.pollsBeforeDone = 3;
    const webhookUrl = `${receiver.url}/api/v1/providers/webhooks/replicate/job-1`;
    const [from, seen, reads] = [fake.requests.length, receiver.requests.length, secretReads()];
    const { remoteId } = await plugin.submit(generate, { ...ctx(), webhookUrl });
    expect(JSON.parse(fake.requests[from].body.toString())).toMatchObject({ webhook: webhookUrl, webhook_events_filter: ['completed'] });
    // Finished on its own, nobody polling: only the delivery says so.
    const delivery = await nthReceived(receiver, seen + 1);
    expect(delivery.url).toBe('/api/v1/providers/webhooks/replicate/job-1');
    expect(JSON.parse(delivery.body.toString())).toMatchObject({ id: remoteId, status: 'succeeded' });
    expect(await plugin.verifyWebhook(webhookDeliveryOf(delivery), ctx())).toEqual({ remoteId });
    expect(await plugin.verifyWebhook(webhookDeliveryOf(delivery), ctx())).toEqual({ remoteId });
    expect(secretReads() - reads).toBe(1);
    expect((await plugin.poll(remoteId, ctx())).status).toBe('done');
  });

  it('creates a prediction without a webhook when the call has no webhook URL', async () => {
    const from = fake.requests.length;
    await plugin.submit(generate, ctx());
    expect(JSON.parse(fake.requests[from].body.toString())).not.toHaveProperty('webhook');
  });

  it('refuses a delivery with a wrong signature, a timestamp more than 5 minutes off, a body changed after signing, or no signature headers', async () => {
    const body = JSON.stringify({ id: 'p4n7q2', status: 'succeeded' });
    const genuine = signed(body);
    expect(await plugin.verifyWebhook(genuine, ctx())).toEqual({ remoteId: 'p4n7q2' });
    const reads = secretReads();
    const now = Math.floor(Date.now() / 1000);
    const refused: ProviderWebhookDelivery[] = [
      { ...genuine, headers: { ...genuine.headers, 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` } },
      signed(body, { timestamp: now - 330 }),
      signed(body, { timestamp: now + 330 }),
      { ...genuine, body: Buffer.from(body.replace('p4n7q2', 'x9y8z7')) },
      { headers: { 'content-type': 'application/json' }, body: Buffer.from(body), remoteIds: [] },
    ];
    for (const delivery of refused) expect(await plugin.verifyWebhook(delivery, ctx())).toBeNull();
    // A failed signature within a minute of the last read does not read the secret again: forgeries cost Replicate nothing.
    expect(secretReads()).toBe(reads);
  });

  it('reads the secret again when a signature fails a minute or more after the last read (the secret was rotated)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const body = JSON.stringify({ id: 'r0t4t3', status: 'succeeded' });
    expect(await plugin.verifyWebhook(signed(body), ctx())).toEqual({ remoteId: 'r0t4t3' });
    const reads = secretReads();
    fake.rotateWebhookSecret();
    expect(await plugin.verifyWebhook(signed(body), ctx())).toBeNull();
    expect(secretReads()).toBe(reads);
    vi.setSystemTime(Date.now() + 61_000);
    expect(await plugin.verifyWebhook(signed(body), ctx())).toEqual({ remoteId: 'r0t4t3' });
    expect(await plugin.verifyWebhook(signed(body), ctx())).toEqual({ remoteId: 'r0t4t3' });
    expect(secretReads()).toBe(reads + 1);
  });

  it('keeps each token\'s secret apart, refuses a delivery for a call without a token, and fails on a token Replicate refuses', async () => {
    const body = JSON.stringify({ id: 'k33p4p', status: 'failed' });
    const reads = secretReads();
    expect(await plugin.verifyWebhook(signed(body), ctx())).toEqual({ remoteId: 'k33p4p' });
    expect(await plugin.verifyWebhook(signed(body), ctx(BROKE_TOKEN))).toEqual({ remoteId: 'k33p4p' });
    expect(secretReads()).toBe(reads + 2);
    expect(await plugin.verifyWebhook(signed(body), providerTestContext())).toBeNull();
    await expect(plugin.verifyWebhook(signed(body), ctx('r8_not_a_token_at_all'))).rejects.toMatchObject({ kind: 'invalid_credentials' });
  });
});
