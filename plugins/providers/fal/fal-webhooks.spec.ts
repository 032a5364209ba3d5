import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProviderRequest, ProviderWebhookDelivery } from '../../../src/plugins';
import { nthReceived, providerTestContext, startFakeServer, webhookDeliveryOf, type FakeServer } from '../../../src/plugins/testing';
import { FAL_KEY, FAL_USER_ID, startFalFake, type FalFake, type FalWebhookBody } from './fake';
import { FalProvider } from './fal.provider';

describe('fal webhooks', () => {
  let fake: FalFake;
  /** Where Darkroom would receive the deliveries. */
  let receiver: FakeServer;
  let plugin: FalProvider;
  const ctx = () => providerTestContext({ credentials: { owner: 'platform', values: { apiKey: FAL_KEY } } });
  const generate: ProviderRequest = { operation: 'generate', input: { model: 'flux-schnell', prompt: 'a teal teapot', width: 1024, height: 1024, format: 'png', n: 1, seed: 1 } };
  const keyReads = () => fake.requests.filter((r) => r.url === '/.well-known/jwks.json').length;
  const signed = (body: string, requestId: string, at?: { timestamp?: number }): ProviderWebhookDelivery => ({ headers: fake.signWebhook(body, requestId, at), body: Buffer.from(body), remoteIds: [] });
  beforeAll(async () => {
    fake = await startFalFake();
    receiver = await startFakeServer(() => ({ status: 204 }));
  });
  afterAll(async () => {
    await fake.close();
    await receiver.close();
  });
  beforeEach(() => {
    // A new instance each time: no keys kept from another test.
    plugin = new FalProvider({ baseUrl: fake.url, webhookJwksUrl: fake.jwksUrl });
    fake.pollsBeforeDone = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('submits with fal_webhook, and accepts the signed delivery of the completed request, naming fal\'s request id', async () => {
    fake.pollsBeforeDone = 3;
    const webhookUrl = `${receiver.url}/api/v1/providers/webhooks/fal/job-1`;
    const [from, seen, reads] = [fake.requests.length, receiver.requests.length, keyReads()];
    const { remoteId } = await plugin.submit(generate, { ...ctx(), webhookUrl });
    expect(fake.requests[from].url).toBe(`/fal-ai/flux/schnell?fal_webhook=${encodeURIComponent(webhookUrl)}`);
    const requestId = remoteId.split('/requests/')[1];
    // Completed on its own, nobody polling: only the delivery says so.
    const delivery = await nthReceived(receiver, seen + 1);
    expect(delivery.url).toBe('/api/v1/providers/webhooks/fal/job-1');
    expect(delivery.headers).toMatchObject({ 'x-fal-webhook-request-id': requestId, 'x-fal-webhook-user-id': FAL_USER_ID });
    const body = JSON.parse(delivery.body.toString()) as FalWebhookBody;
    expect(body).toMatchObject({ request_id: requestId, status: 'OK', payload: { images: [expect.objectContaining({ width: 1024 })] } });
    expect(await plugin.verifyWebhook(webhookDeliveryOf(delivery), ctx())).toEqual({ remoteId: requestId });
    // The job knows the work by the id submit answered; the delivery names that one.
    expect(await plugin.verifyWebhook(webhookDeliveryOf(delivery, ['other/app/requests/x', remoteId]), ctx())).toEqual({ remoteId });
    expect(keyReads() - reads).toBe(1);
    expect((await plugin.poll(remoteId, ctx())).status).toBe('done');
  });

  it('submits without fal_webhook when the call has no webhook URL', async () => {
    const from = fake.requests.length;
    await plugin.submit(generate, ctx());
    expect(fake.requests[from].url).toBe('/fal-ai/flux/schnell');
  });

  it('delivers a content checker\'s refusal as status ERROR, which verifies all the same', async () => {
    fake.failNextRequest('content_policy_violation');
    const seen = receiver.requests.length;
    const { remoteId } = await plugin.submit(generate, { ...ctx(), webhookUrl: `${receiver.url}/hook` });
    const delivery = await nthReceived(receiver, seen + 1);
    expect(JSON.parse(delivery.body.toString())).toMatchObject({ status: 'ERROR', payload: { detail: [expect.objectContaining({ type: 'content_policy_violation' })] } });
    expect(await plugin.verifyWebhook(webhookDeliveryOf(delivery), ctx())).toEqual({ remoteId: remoteId.split('/requests/')[1] });
  });

  it('refuses a delivery with a wrong signature, a timestamp more than 5 minutes off, a body or request id changed after signing, or missing headers', async () => {
    const body = JSON.stringify({ request_id: 'req-1', gateway_request_id: 'req-1', status: 'OK', payload: { images: [] } });
    const genuine = signed(body, 'req-1');
    expect(await plugin.verifyWebhook(genuine, ctx())).toEqual({ remoteId: 'req-1' });
    const reads = keyReads();
    const now = Math.floor(Date.now() / 1000);
    const { 'x-fal-webhook-signature': _, ...unsigned } = genuine.headers;
    const refused: ProviderWebhookDelivery[] = [
      { ...genuine, headers: { ...genuine.headers, 'x-fal-webhook-signature': '00'.repeat(64) } },
      { ...genuine, headers: { ...genuine.headers, 'x-fal-webhook-signature': 'not hex' } },
      signed(body, 'req-1', { timestamp: now - 330 }),
      signed(body, 'req-1', { timestamp: now + 330 }),
      { ...genuine, body: Buffer.from(body.replace('"OK"', '"ERROR"')) },
      { ...genuine, headers: { ...genuine.headers, 'x-fal-webhook-request-id': 'req-2' } },
      { ...genuine, headers: unsigned },
    ];
    for (const delivery of refused) expect(await plugin.verifyWebhook(delivery, ctx())).toBeNull();
    // No key verified them, but the keys were read less than a minute ago: not read again.
    expect(keyReads()).toBe(reads);
  });

  it('reads the keys again when none verifies a signature a minute or more after the last read (fal rotated them)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const body = JSON.stringify({ request_id: 'req-3', gateway_request_id: 'req-3', status: 'OK', payload: {} });
    expect(await plugin.verifyWebhook(signed(body, 'req-3'), ctx())).toEqual({ remoteId: 'req-3' });
    const reads = keyReads();
    fake.rotateSigningKey();
    expect(await plugin.verifyWebhook(signed(body, 'req-3'), ctx())).toBeNull();
    expect(keyReads()).toBe(reads);
    vi.setSystemTime(Date.now() + 61_000);
    expect(await plugin.verifyWebhook(signed(body, 'req-3'), ctx())).toEqual({ remoteId: 'req-3' });
    expect(await plugin.verifyWebhook(signed(body, 'req-3'), ctx())).toEqual({ remoteId: 'req-3' });
    expect(keyReads()).toBe(reads + 1);
  });

  it('fails, keeping nothing, when the keys cannot be read; reads them on the next delivery', async () => {
    const body = JSON.stringify({ request_id: 'req-4', gateway_request_id: 'req-4', status: 'OK', payload: {} });
    const broken = new FalProvider({ baseUrl: fake.url, webhookJwksUrl: `${fake.url}/no-such-jwks.json` });
    await expect(broken.verifyWebhook(signed(body, 'req-4'), ctx())).rejects.toMatchObject({ kind: 'transient' });
    const reads = keyReads();
    expect(await plugin.verifyWebhook(signed(body, 'req-4'), ctx())).toEqual({ remoteId: 'req-4' });
    expect(keyReads()).toBe(reads + 1);
  });
});
