import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EchoProvider } from '../../test/fixtures/plugins/providers/echo/echo.provider';
import { ECHO_KEY, startEchoFake, type EchoFake } from '../../test/fixtures/plugins/providers/echo/fake';
import { OutboundHttp } from '../common/net/outbound-http';
import { UrlGuard } from '../common/net/url-guard';
import type { AppConfig } from '../config/app-config';
import { FinalJobError, TransientJobError } from '../jobs/job-handler';
import { Metrics } from '../ops/metrics';
import type { PluginRegistry, RegisteredProvider } from '../plugins/plugin-registry';
import { ProviderError, type ProviderErrorKind } from '../plugins/provider-error';
import type { GenerateInput, ImageOutput } from '../plugins/provider-operations';
import { PROVIDER_SDK_VERSION, providerMetadataOf, type ProviderPlugin, type ProviderPluginMetadata } from '../plugins/provider-plugin';
import { RemoteWorkWakeups } from './remote-work-wakeups';
import type { JobQueueRepository } from '../jobs/job-queue.repository';
import { jobErrorOf, ProviderCalls, split, type ProviderJobCall } from './provider-calls';
import { JobStep } from '../jobs/job-step.entity';
import type { JobStepsRepository } from '../jobs/job-steps.repository';
import { CircuitBreakers } from './circuit-breakers';
import { ProviderOutputs } from './provider-outputs';
import type { OrgProviderKeys } from './provider-credentials.keys';
import { ProviderRouter } from './provider-router';

// No webhooks in these cases: every wait runs its full length.
const wakeups = new RemoteWorkWakeups({ takeRemoteWorkReady: () => Promise.resolve([]) } as unknown as JobQueueRepository);

const input: GenerateInput = { model: 'echo-1', prompt: 'a square', width: 64, height: 96, format: 'webp', n: 3, seed: 10 };

/** A plugin answering with whatever `answer` gives: for the cases the echo backend does not cover. */
const inline = (answer: () => Promise<ImageOutput[]>): RegisteredProvider => {
  const metadata: ProviderPluginMetadata = {
    id: 'inline', sdkVersion: PROVIDER_SDK_VERSION, name: 'Inline', description: 'test', byok: false,
    models: [{ id: 'm', name: 'm', description: 'm', operations: ['generate'], sizes: ['64x96'], formats: ['webp'], maxImagesPerCall: 4, seed: true, price: (q) => q.n }],
  };
  return { id: 'inline', use: 'inline', enabled: true, metadata, plugin: { generate: answer } as ProviderPlugin, platformCredentials: null, trustedOrigin: null };
};

describe('ProviderCalls', () => {
  let fake: EchoFake;
  let providers: Map<string, RegisteredProvider>;
  let calls: ProviderCalls;
  let http: OutboundHttp;
  let saved: string[];
  let metrics: Metrics;
  let breakers: CircuitBreakers;
  let steps: JobStep[];

  const call = (over: Partial<ProviderJobCall> = {}): ProviderJobCall => ({
    jobId: 'job-1', orgId: 'org-1', attempt: 1, provider: 'echo', request: { operation: 'generate', input }, signal: new AbortController().signal,
    previousCheckpoint: null, checkpoint: async (value) => void saved.push(value), ...over,
  });
  const posts = () => fake.requests.filter((r) => r.method === 'POST').length;

  beforeAll(async () => {
    fake = await startEchoFake();
    http = new OutboundHttp(new UrlGuard({ allowPrivateUrls: false } as AppConfig));
    const echo = (id: string, enabled = true): RegisteredProvider => ({
      id, use: 'echo', enabled, metadata: providerMetadataOf(EchoProvider)!, plugin: new EchoProvider({ baseUrl: fake.url }),
      platformCredentials: { apiKey: ECHO_KEY }, trustedOrigin: fake.url,
    });
    providers = new Map([['echo', echo('echo')], ['echo-b', echo('echo-b')], ['echo-off', echo('echo-off', false)]]);
    const registry = { provider: (id: string) => providers.get(id), listProviders: () => [...providers.values()] } as unknown as PluginRegistry;
    metrics = new Metrics();
    // These cases fail the same provider often: only the breaker's own cases let it open.
    breakers = new CircuitBreakers({ routing: { breakerFailures: 100, breakerCooldownSeconds: 30 } } as AppConfig);
    calls = new ProviderCalls(new ProviderRouter(registry, { valuesFor: () => Promise.resolve(undefined) } as unknown as OrgProviderKeys), http, new ProviderOutputs(http), metrics, breakers, {
      record: (step: JobStep) => Promise.resolve(void steps.push(step)),
    } as unknown as JobStepsRepository, wakeups, { routing: { webhooks: false }, publicUrl: 'http://localhost' } as AppConfig);
  });
  afterAll(async () => {
    await fake.close();
    await http.onModuleDestroy();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.pollsBeforeDone = 1;
    saved = [];
    steps = [];
    breakers.reset('echo:platform');
  });

  it("splits n into calls of the model's maxImagesPerCall, seeds running on, and downloads the outputs by URL", async () => {
    const { images, cost } = await calls.images(call());
    expect(images.map((i) => ({ format: i.format, width: i.width, height: i.height, seed: i.seed }))).toEqual([10, 11, 12].map((seed) => ({ format: 'webp', width: 64, height: 96, seed })));
    expect((await sharp(images[2].data).metadata()).format).toBe('webp');
    expect(cost).toBe(6);
    const submitted = fake.requests.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body.toString()) as GenerateInput);
    expect(submitted.map((s) => [s.n, s.seed])).toEqual([[2, 10], [1, 12]]);
    expect(fake.requests.filter((r) => r.method === 'POST').map((r) => r.headers['idempotency-key'])).toEqual(['job-1-0', 'job-1-1']);
    expect(saved).toEqual([JSON.stringify(['r1']), JSON.stringify(['r1', 'r2'])]);
  });

  it('polls the remote work an earlier run checkpointed instead of submitting it again', async () => {
    await calls.images(call({ request: { operation: 'generate', input: { ...input, n: 1 } } }));
    const [remoteId] = JSON.parse(saved[0]) as string[];
    fake.requests.length = 0;
    const { images } = await calls.images(call({ request: { operation: 'generate', input: { ...input, n: 1 } }, previousCheckpoint: JSON.stringify([remoteId]) }));
    expect(images).toHaveLength(1);
    expect(posts()).toBe(0);
  });

  it('forgets remote work that failed, so that a retry submits again, and fails with its code', async () => {
    fake.failNextRender();
    const failure = await calls.images(call({ request: { operation: 'generate', input: { ...input, n: 1 } } })).catch((e: unknown) => e);
    expect(failure).toEqual(new FinalJobError('content_rejected', 'echo: echo: moderated'));
    expect(saved.at(-1)).toBe(JSON.stringify(['']));
    expect(steps.map((s) => [s.status, s.errorCode])).toEqual([['failed', 'content_rejected']]);
  });

  it('asks the backend to stop when the job is cancelled while it polls, and rejects with the reason', async () => {
    fake.pollsBeforeDone = 1_000;
    const controller = new AbortController();
    const running = calls.images(call({ signal: controller.signal, request: { operation: 'generate', input: { ...input, n: 1 } } }));
    await expect.poll(() => fake.requests.filter((r) => r.method === 'GET').length).toBeGreaterThan(0);
    controller.abort(new Error('cancelled'));
    await expect(running).rejects.toThrow('cancelled');
    await expect.poll(() => fake.requests.filter((r) => r.method === 'DELETE').length).toBe(1);
  });

  it.each<[ProviderErrorKind, Error]>([
    ['invalid_credentials', new FinalJobError('provider_credentials_invalid', 'echo: echo: bad key')],
    ['rate_limited', new TransientJobError('provider_rate_limited', 'echo: echo: too many requests', 3000)],
    ['transient', new TransientJobError('provider_unavailable', 'echo: echo: try later')],
    ['content_rejected', new FinalJobError('content_rejected', 'echo: echo: refused by moderation')],
    ['invalid_input', new FinalJobError('provider_invalid_input', 'echo: echo: prompt too long')],
    ['unavailable', new FinalJobError('provider_unavailable', 'echo: echo: no such model')],
  ])("makes the backend's %s failure the job's error, retried only when transient", async (kind, expected) => {
    fake.failNext!(kind);
    const failure = await calls.images(call()).catch((e: unknown) => e);
    expect(failure).toEqual(expected);
    expect((failure as { retryAfterMs?: number }).retryAfterMs).toBe((expected as { retryAfterMs?: number }).retryAfterMs);
  });

  it('counts each call by provider, operation and outcome in the metrics', async () => {
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/provider_call_duration_seconds_count\{provider="echo",operation="generate",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/provider_call_duration_seconds_count\{provider="echo",operation="generate",outcome="rate_limited"\} 1/);
    expect(text).toMatch(/provider_call_duration_seconds_count\{provider="echo",operation="generate",outcome="canceled"\} 1/);
  });

  it('caps a Retry-After at 10 minutes, and takes any other throw for a transient failure', () => {
    expect((jobErrorOf(new ProviderError('rate_limited', 'slow', { retryAfterMs: 86_400_000 }), 'p') as TransientJobError).retryAfterMs).toBe(600_000);
    expect(jobErrorOf(new TypeError('fetch failed'), 'p')).toEqual(new TransientJobError('provider_unavailable', 'p failed: fetch failed'));
  });

  it('fails the job, without retrying, for a disabled or unknown provider', async () => {
    await expect(calls.images(call({ provider: 'echo-off' }))).rejects.toEqual(new FinalJobError('provider_unavailable', 'echo-off: The provider "echo-off" is disabled'));
    await expect(calls.images(call({ provider: 'gone' }))).rejects.toEqual(new FinalJobError('provider_unavailable', 'gone: The provider "gone" is no longer configured'));
  });

  it('converts an output in another format than asked, and refuses an output URL on a private address', async () => {
    const png = await sharp({ create: { width: 64, height: 96, channels: 3, background: '#000' } }).png().toBuffer();
    providers.set('inline', inline(async () => [{ data: png, format: 'png', width: 64, height: 96 }]));
    const [image] = (await calls.images(call({ provider: 'inline', request: { operation: 'generate', input: { ...input, model: 'm', n: 1 } } }))).images;
    expect([image.format, (await sharp(image.data).metadata()).format]).toEqual(['webp', 'webp']);
    providers.set('inline', inline(async () => [{ url: 'http://10.1.2.3/image.png' }]));
    const failure = await calls.images(call({ provider: 'inline', request: { operation: 'generate', input: { ...input, model: 'm', n: 1 } } })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FinalJobError);
    expect((failure as FinalJobError).code).toBe('provider_unavailable');
  });
});

describe('ProviderCalls: fallback, circuits and steps', () => {
  let fake: EchoFake;
  let http: OutboundHttp;
  let calls: ProviderCalls;
  let breakers: CircuitBreakers;
  let steps: JobStep[];
  let saved: string[];
  const one: GenerateInput = { ...input, n: 1 };

  const call = (over: Partial<ProviderJobCall> = {}): ProviderJobCall => ({
    jobId: 'job-2', orgId: 'org-1', attempt: 1, provider: 'echo', request: { operation: 'generate', input: one }, fallback: [{ provider: 'echo-b', model: 'echo-1' }],
    signal: new AbortController().signal, previousCheckpoint: null, checkpoint: async (value) => void saved.push(value), ...over,
  });
  const summary = () => steps.map((s) => [s.provider, s.status, s.errorCode]);

  beforeAll(async () => {
    fake = await startEchoFake();
    fake.pollsBeforeDone = 0;
    http = new OutboundHttp(new UrlGuard({ allowPrivateUrls: false } as AppConfig));
    const echo = (id: string, enabled = true): RegisteredProvider => ({
      id, use: 'echo', enabled, metadata: providerMetadataOf(EchoProvider)!, plugin: new EchoProvider({ baseUrl: fake.url }), platformCredentials: { apiKey: ECHO_KEY }, trustedOrigin: fake.url,
    });
    const providers = new Map([['echo', echo('echo')], ['echo-b', echo('echo-b')], ['echo-off', echo('echo-off', false)]]);
    const registry = { provider: (id: string) => providers.get(id), listProviders: () => [...providers.values()] } as unknown as PluginRegistry;
    breakers = new CircuitBreakers({ routing: { breakerFailures: 2, breakerCooldownSeconds: 30 } } as AppConfig);
    calls = new ProviderCalls(new ProviderRouter(registry, { valuesFor: () => Promise.resolve(undefined) } as unknown as OrgProviderKeys), http, new ProviderOutputs(http), new Metrics(), breakers, {
      record: (step: JobStep) => Promise.resolve(void steps.push(step)),
    } as unknown as JobStepsRepository, wakeups, { routing: { webhooks: false }, publicUrl: 'http://localhost' } as AppConfig);
  });
  afterAll(async () => {
    await fake.close();
    await http.onModuleDestroy();
  });
  beforeEach(() => {
    steps = [];
    saved = [];
    for (const id of ['echo', 'echo-b']) breakers.reset(`${id}:platform`);
  });

  it('falls back to the next target when the first fails in a way another might not, and records both steps', async () => {
    fake.failNext!('transient');
    const { images, provider } = await calls.images(call());
    expect([images.length, provider]).toEqual([1, 'echo-b']);
    expect(summary()).toEqual([['echo', 'failed', 'provider_unavailable'], ['echo-b', 'succeeded', null]]);
    expect(steps[1]).toMatchObject({ keySource: 'platform', attempt: 1, requestId: expect.stringMatching(/^r\d+$/), providerCost: 0.01, providerCostCurrency: 'USD', credits: 2 });
    expect(breakers.state('echo:platform')).toBe('degraded');
  });

  it('never falls back from a failure the request caused', async () => {
    fake.failNext!('content_rejected');
    await expect(calls.images(call())).rejects.toEqual(new FinalJobError('content_rejected', 'echo: echo: refused by moderation'));
    expect(summary()).toEqual([['echo', 'failed', 'content_rejected']]);
    expect(breakers.state('echo:platform')).toBe('healthy');
  });

  it('moves on from a refused key or a spent quota and passes that key over until its circuit lets a call try again', async () => {
    fake.failNext!('quota_exhausted');
    await calls.images(call());
    expect(breakers.state('echo:platform')).toBe('open');
    steps = [];
    await calls.images(call());
    expect(summary()).toEqual([['echo', 'skipped', 'circuit_open'], ['echo-b', 'succeeded', null]]);
  });

  it('opens a circuit after PROVIDER_BREAKER_FAILURES failures in a row, and the first call after the cooldown closes it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (let i = 0; i < 2; i++) {
        fake.failNext!('transient');
        await calls.images(call());
      }
      expect(breakers.state('echo:platform')).toBe('open');
      vi.setSystemTime(Date.now() + 31_000);
      steps = [];
      await calls.images(call());
      expect(summary()).toEqual([['echo', 'succeeded', null]]);
      expect(breakers.state('echo:platform')).toBe('healthy');
    } finally {
      vi.useRealTimers();
    }
  });

  it('fails with provider_unavailable naming each target when none answers, worth a retry when one might mend', async () => {
    fake.failNext!('transient');
    const failure = await calls.images(call({ fallback: [{ provider: 'echo-off', model: 'echo-1' }] })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TransientJobError);
    expect(failure).toMatchObject({ code: 'provider_unavailable', message: expect.stringMatching(/every target failed: echo: .*try later; echo-off: .*disabled/) });
    expect(summary()).toEqual([['echo', 'failed', 'provider_unavailable'], ['echo-off', 'failed', 'provider_unavailable']]);
    expect(saved.at(-1)).toBe('');
  });

  it('resumes the remote work a crashed run had started on a fallback target, without submitting again', async () => {
    fake.failNext!('transient');
    await calls.images(call());
    const checkpoint = saved.at(-1)!;
    expect(JSON.parse(checkpoint)).toEqual({ t: 1, ids: [expect.any(String)] });
    fake.requests.length = 0;
    steps = [];
    await calls.images(call({ previousCheckpoint: checkpoint, attempt: 2 }));
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    expect(summary()).toEqual([['echo-b', 'succeeded', null]]);
    expect(steps[0].attempt).toBe(2);
  });
});

describe('split', () => {
  it('leaves a request within the limit whole, and never splits operations without n', () => {
    expect(split({ operation: 'generate', input: { ...input, n: 2 } }, 4)).toHaveLength(1);
    const upscale = { operation: 'upscale' as const, input: { model: 'm', image: { data: Buffer.alloc(0), mimeType: 'image/png' }, width: 8, height: 8, format: 'png' as const } };
    expect(split(upscale, 1)).toEqual([upscale]);
  });
});
