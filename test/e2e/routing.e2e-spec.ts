import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_OPENAI_KEY, startOpenAIFake, type OpenAIFake } from '../../plugins/providers/openai/fake';
import { STABILITY_KEY, startStabilityFake, type StabilityFake } from '../../plugins/providers/stability/fake';
import { bearer, settledCredits, type TestUser } from '../support/accounts';
import { startProviderApp, type ProviderApp } from '../support/provider-app';
import type { TestApp } from '../support/test-app';

/** What one 1024x1024 image costs on each target these cases use. */
const PRICE = { openai: 1, stability: 3, aura: 1, library: 1 };
const OPENAI = { provider: 'openai', model: 'gpt-image-low', size: '1024x1024' };

/**
 * Long enough that a loaded machine still reads a circuit as open between the failures that open it
 * and the status check (a 3 s cooldown was not, once, in CI); each wait for it costs this long.
 */
const COOLDOWN_SECONDS = 6;
const afterCooldown = () => new Promise((r) => setTimeout(r, COOLDOWN_SECONDS * 1000 + 100));

describe('routing: fallback targets, routing policies, circuit breakers, job steps, usage and library first', () => {
  let openai: OpenAIFake;
  let stability: StabilityFake;
  let t: TestApp;
  let owner: TestUser;
  let operator: TestUser;
  let key: string;
  let credits: ProviderApp['credits'], finished: ProviderApp['finished'];

  beforeAll(async () => {
    [openai, stability] = await Promise.all([startOpenAIFake(), startStabilityFake()]);
    ({ t, key, owner, operator, credits, finished } = await startProviderApp({
      providers: [
        { id: 'openai', options: { baseUrl: openai.url }, credentials: { apiKey: FAKE_OPENAI_KEY } },
        { id: 'stability', options: { baseUrl: stability.url }, credentials: { apiKey: STABILITY_KEY } },
      ],
      plan: 'pro', credits: 900, label: 'routing',
      scopes: ['images:generate', 'images:read', 'jobs:read', 'credits:read', 'providers:read', 'providers:write', 'library:read'],
      env: { PROVIDER_BREAKER_FAILURES: '2', PROVIDER_BREAKER_COOLDOWN_SECONDS: String(COOLDOWN_SECONDS) },
    }));
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all([openai?.close(), stability?.close()]);
  });

  const generate = (body: Record<string, unknown>) => t.http().post('/api/v1/images/generations').set(bearer(key)).send({ prompt: 'a teal teapot', ...body });
  const policy = (operation: string) => `/api/v1/orgs/${owner.orgId}/routing-policies/${operation}`;
  const steps = (job: { steps?: { provider: string; status: string; error: { code: string } | null }[] }) => (job.steps ?? []).map((s) => [s.provider, s.status, s.error?.code ?? null]);
  const providerStatus = async (id: string) => ((await t.http().get('/api/v1/providers').set(bearer(key)).expect(200)).body.data as { id: string; status: string; retryAt?: string }[]).find((p) => p.id === id)!;
  const run = async (body: Record<string, unknown>) => finished((await generate(body).expect(202)).body.id);

  it('falls back to the next target when the provider fails with a 5xx, holding the dearest price and charging the one that answered', async () => {
    const before = await credits();
    const quote = await t.http().post('/api/v1/quotes').set(bearer(key)).send({ operation: 'images.generate', ...OPENAI, prompt: 'a teapot', fallback: ['stability/core'] }).expect(200);
    expect(quote.body.items[0]).toMatchObject({ credits: PRICE.stability, route: { provider: 'openai', model: 'gpt-image-low', fallback: [{ provider: 'stability', model: 'core' }] } });

    openai.failNextWith('server_error');
    const job = await run({ ...OPENAI, fallback: ['stability/core'] });
    expect(job).toMatchObject({ status: 'completed', cost: PRICE.stability });
    expect(steps(job)).toEqual([['openai', 'failed', 'provider_unavailable'], ['stability', 'succeeded', null]]);
    expect(job.steps[1]).toMatchObject({ model: 'core', keySource: 'platform', attempt: 1, credits: PRICE.stability, latencyMs: expect.any(Number) });
    expect(job.steps[0]).toMatchObject({ requestId: null, credits: 0 });
    const image = (await t.http().get(`/api/v1/images/${job.outputs[0].id}`).set(bearer(key)).expect(200)).body;
    expect(image).toMatchObject({ provider: 'stability', model: 'core' });
    await settledCredits(t, key, { creditsBalance: before.creditsBalance - PRICE.stability, reserved: 0 });
  }, 30_000);

  it('records the provider’s request id and cost on the step that answered', async () => {
    const job = await run(OPENAI);
    expect(job.steps).toEqual([expect.objectContaining({ provider: 'openai', status: 'succeeded', requestId: expect.any(String), credits: PRICE.openai })]);
  }, 30_000);

  it('never falls back from a failure the request caused: a moderation refusal ends the job', async () => {
    openai.failNextWith('moderation');
    const job = await run({ ...OPENAI, fallback: ['stability/core'] });
    expect(job).toMatchObject({ status: 'failed', error: { code: 'content_rejected' }, cost: 0 });
    expect(steps(job)).toEqual([['openai', 'failed', 'content_rejected']]);
  }, 30_000);

  it('refuses a fallback that is unknown, named twice or too many, before anything is charged', async () => {
    expect((await generate({ ...OPENAI, fallback: ['nowhere/x'] }).expect(400)).body.error).toMatchObject({ code: 'invalid_model' });
    expect((await generate({ ...OPENAI, fallback: ['openai/gpt-image-low'] }).expect(400)).body.error).toMatchObject({ code: 'validation_failed' });
    expect((await generate({ ...OPENAI, fallback: ['aura', 'stability', 'stability/ultra', 'stability/sd3', 'openai/gpt-image-high'] }).expect(400)).body.error.code).toBe('validation_failed');
  });

  it('routes requests that name no provider by the organisation’s policy, which owners set, read and remove', async () => {
    await t.http().put(policy('generate')).set(bearer(key)).send({ targets: ['nowhere'] }).expect(400);
    await t.http().put(policy('generate')).set(bearer(key)).send({ targets: ['aura', 'library'] }).expect(400);
    await t.http().put(policy('teleport')).set(bearer(key)).send({ targets: ['aura'] }).expect(404);
    const saved = await t.http().put(policy('generate')).set(bearer(key)).send({ targets: ['stability/core', 'aura'] }).expect(200);
    expect(saved.body).toMatchObject({ operation: 'generate', targets: ['stability/core', 'aura/aura'] });
    expect((await t.http().get(`/api/v1/orgs/${owner.orgId}/routing-policies`).set(bearer(key)).expect(200)).body.data).toEqual([expect.objectContaining({ operation: 'generate' })]);

    stability.failNext!('transient');
    const job = await run({ size: '1024x1024' });
    expect(steps(job)).toEqual([['stability', 'failed', 'provider_unavailable'], ['aura', 'succeeded', null]]);
    // Naming a provider overrides the policy.
    expect(steps(await run({ provider: 'aura' }))).toEqual([['aura', 'succeeded', null]]);

    await t.http().delete(policy('generate')).set(bearer(key)).expect(204);
    await t.http().delete(policy('generate')).set(bearer(key)).expect(404);
    const audit = (await t.http().get(`/api/v1/orgs/${owner.orgId}/audit-log`).set(bearer(owner.accessToken)).expect(200)).body.data as { action: string }[];
    expect(audit.map((e) => e.action).filter((a) => a.startsWith('routing_policy.'))).toEqual(['routing_policy.deleted', 'routing_policy.saved']);
  }, 30_000);

  it('opens the circuit of a provider that keeps failing, passes it over, and closes it when a call after the cooldown answers', async () => {
    for (let i = 0; i < 2; i++) {
      openai.failNextWith('server_error');
      expect(steps(await run({ ...OPENAI, fallback: ['aura'] }))).toEqual([['openai', 'failed', 'provider_unavailable'], ['aura', 'succeeded', null]]);
    }
    expect(await providerStatus('openai')).toMatchObject({ status: 'open', retryAt: expect.any(String) });
    const calls = openai.requests.length;
    expect(steps(await run({ ...OPENAI, fallback: ['aura'] }))).toEqual([['openai', 'skipped', 'circuit_open'], ['aura', 'succeeded', null]]);
    expect(openai.requests.length).toBe(calls);

    await afterCooldown();
    expect((await providerStatus('openai')).status).toBe('degraded');
    expect(steps(await run({ ...OPENAI, fallback: ['aura'] }))).toEqual([['openai', 'succeeded', null]]);
    expect((await providerStatus('openai')).status).toBe('healthy');
  }, 30_000);

  it('fails with provider_unavailable when every target fails, and releases the credits', async () => {
    const before = await credits();
    openai.failNextWith('bad_key');
    stability.failNext!('invalid_credentials');
    const job = await run({ ...OPENAI, fallback: ['stability/core'] });
    expect(job).toMatchObject({ status: 'failed', cost: 0, error: { code: 'provider_unavailable', message: expect.stringContaining('every target failed') } });
    expect(steps(job)).toEqual([['openai', 'failed', 'provider_credentials_invalid'], ['stability', 'failed', 'provider_credentials_invalid']]);
    await settledCredits(t, key, before);
    // Both keys were refused: their circuits are open for the cooldown.
    expect((await providerStatus('stability')).status).toBe('open');
    await afterCooldown();
  }, 30_000);

  it('sums the steps per provider and key source in the usage', async () => {
    const usage = (await t.http().get('/api/v1/usage/providers').set(bearer(key)).expect(200)).body;
    const row = (provider: string) => usage.data.find((r: { provider: string; keySource: string }) => r.provider === provider && r.keySource === 'platform');
    expect(row('openai')).toMatchObject({ succeeded: 2, skipped: 1, failed: expect.any(Number), credits: 2 * PRICE.openai, providerCost: { USD: expect.any(Number) } });
    expect(row('stability')).toMatchObject({ succeeded: 1, credits: PRICE.stability });
    expect(row('aura').credits).toBe(row('aura').succeeded * PRICE.aura);
    await t.http().get('/api/v1/usage/providers?from=2026-01-01T00:00:00Z&to=2025-01-01T00:00:00Z').set(bearer(key)).expect(400);
    expect((await t.http().get('/api/v1/usage/providers?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z').set(bearer(key)).expect(200)).body.data).toEqual([]);
  });

  it('answers from the library first when an asset covers the prompt, else generates; forceGenerate skips it', async () => {
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c0392b' } }).png().toBuffer();
    await t.http().post('/api/v1/admin/library/assets').set(bearer(operator.accessToken))
      .field('type', 'image').field('title', 'Red bicycle against a brick wall').field('tags', 'bicycle,red')
      .attach('image', png, 'bicycle.png').expect(201);
    const before = await credits();

    const hit = await run({ prompt: 'a red bicycle', libraryFirst: true, provider: 'aura' });
    expect(hit).toMatchObject({ status: 'completed', cost: PRICE.library, outputs: [{ source: 'library', width: 64, height: 48 }] });
    expect(hit.steps ?? []).toEqual([]);
    const miss = await run({ prompt: 'a green submarine', libraryFirst: true, provider: 'aura' });
    expect(miss.outputs[0].source).toBe('generated');
    expect((await run({ prompt: 'a red bicycle', libraryFirst: true, forceGenerate: true, provider: 'aura' })).outputs[0].source).toBe('generated');

    await t.http().put(policy('generate')).set(bearer(key)).send({ targets: ['library', 'aura'] }).expect(200);
    expect((await run({ prompt: 'red bicycle' })).outputs[0].source).toBe('library');
    await t.http().delete(policy('generate')).set(bearer(key)).expect(204);
    await settledCredits(t, key, { creditsBalance: before.creditsBalance - 2 * PRICE.library - 2 * PRICE.aura, reserved: 0 });
  }, 30_000);
});
