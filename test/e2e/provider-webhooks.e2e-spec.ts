import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAL_KEY, startFalFake, type FalFake } from '../../plugins/providers/fal/fake';
import { REPLICATE_TOKEN, startReplicateFake, type ReplicateFake } from '../../plugins/providers/replicate/fake';
import { APP_CONFIG, type AppConfig } from '../../src/config/app-config';
import { bearer } from '../support/accounts';
import { startProviderApp, type ProviderApp } from '../support/provider-app';

/** How long the fakes' work runs before it finishes and posts: well inside the 10 s poll a webhook-awaiting job waits between polls. */
const WORK_MS = 1500;
/** A call the webhook woke ends long before the next poll would have come (10 s). */
const WOKEN_WITHIN_MS = 8000;

describe('provider webhooks (PROVIDER_WEBHOOKS): a signed delivery wakes the poll, anything else is refused', () => {
  let replicate: ReplicateFake;
  let fal: FalFake;
  let app: ProviderApp;
  let base: string;

  beforeAll(async () => {
    [replicate, fal] = await Promise.all([startReplicateFake(), startFalFake()]);
    app = await startProviderApp({
      providers: [
        { id: 'replicate', options: { baseUrl: replicate.url }, credentials: { apiToken: REPLICATE_TOKEN } },
        { id: 'fal', options: { baseUrl: fal.url, webhookJwksUrl: fal.jwksUrl }, credentials: { apiKey: FAL_KEY } },
      ],
      plan: 'pro', credits: 500, label: 'webhooks', scopes: ['images:generate', 'images:read', 'jobs:read'],
      env: { PROVIDER_WEBHOOKS: 'true' }, listen: true,
    });
    // The providers post to this server: links follow the port it got, on the address it listens on.
    base = `http://127.0.0.1:${(app.t.app.getHttpServer().address() as AddressInfo).port}`;
    app.t.app.get<AppConfig>(APP_CONFIG).publicUrl = base;
    for (const fake of [replicate, fal]) Object.assign(fake, { pollsBeforeDone: 1000, webhookAfterMs: WORK_MS });
  }, 60_000);
  afterAll(async () => {
    await app?.t.close();
    await Promise.all([replicate?.close(), fal?.close()]);
  });

  const generate = async (provider: string, model: string) => {
    const res = await app.t.http().post('/api/v1/images/generations').set(bearer(app.key)).send({ prompt: 'a paper boat', provider, model, size: '1024x1024' }).expect(202);
    return app.finished(res.body.id);
  };
  const deliver = (provider: string, jobId: string, headers: Record<string, string>, body: string) =>
    app.t.http().post(`/api/v1/providers/webhooks/${provider}/${jobId}`).set({ 'content-type': 'application/json', ...headers }).send(body);

  it('gives Replicate the job\'s webhook URL, and its signed delivery ends the wait long before the next poll', async () => {
    const job = await generate('replicate', 'flux-schnell');
    expect(job.status).toBe('completed');
    const create = replicate.requests.find((r) => r.method === 'POST' && r.url.includes('/predictions'))!;
    expect(JSON.parse(create.body.toString())).toMatchObject({ webhook: `${base}/api/v1/providers/webhooks/replicate/${job.id}`, webhook_events_filter: ['completed'] });
    expect(job.steps[0]).toMatchObject({ provider: 'replicate', status: 'succeeded' });
    expect(job.steps[0].latencyMs).toBeLessThan(WOKEN_WITHIN_MS);
  });

  it("wakes a fal job with fal's Ed25519-signed delivery, though it names only the request id", async () => {
    const job = await generate('fal', 'flux-schnell');
    expect(job.status).toBe('completed');
    expect(fal.requests.some((r) => r.url.includes(`fal_webhook=${encodeURIComponent(`${base}/api/v1/providers/webhooks/fal/${job.id}`)}`))).toBe(true);
    expect(job.steps[0].latencyMs).toBeLessThan(WOKEN_WITHIN_MS);
  });

  it('refuses a forged or stale delivery, an unknown job and a provider that sends none with 401, and acknowledges a genuine one for a finished job', async () => {
    const job = await generate('replicate', 'flux-schnell');
    const body = JSON.stringify({ id: 'p0', status: 'succeeded' });
    const genuine = replicate.signWebhook(body);
    expect((await deliver('replicate', job.id, genuine, body).expect(200)).body).toEqual({ received: true });
    const refusals = [
      await deliver('replicate', job.id, { ...genuine, 'webhook-signature': 'v1,AAAA' }, body),
      await deliver('replicate', job.id, replicate.signWebhook(body, { timestamp: Math.floor(Date.now() / 1000) - 600 }), body),
      await deliver('replicate', job.id, genuine, body.replace('p0', 'p1')),
      await deliver('replicate', '00000000-0000-4000-8000-000000000000', genuine, body),
      await deliver('replicate', 'not-a-job', genuine, body),
      await deliver('aura', job.id, genuine, body),
      await deliver('nope', job.id, genuine, body),
    ];
    for (const res of refusals) expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 401, code: 'webhook_signature_invalid' });
  });
});
