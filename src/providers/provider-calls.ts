import { setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { OutboundHttp } from '../common/net/outbound-http';
import { FinalJobError, TransientJobError } from '../jobs/job-handler';
import { Metrics } from '../ops/metrics';
import type { ProviderCallReport } from '../plugins/provider-context';
import { ProviderError } from '../plugins/provider-error';
import type { ImageOutput, ProviderOutput, ProviderRequest, VideoOutput } from '../plugins/provider-operations';
import { JobStepsRepository } from '../jobs/job-steps.repository';
import { callContext } from './call-context';
import { circuitKey, CircuitBreakers } from './circuit-breakers';
import { callOnce, parseCheckpoint, type RemoteWork } from './remote-work';
import { RemoteWorkWakeups } from './remote-work-wakeups';
import { StepRecorder } from './step-recorder';
import { ProviderOutputs, type RenderedImage } from './provider-outputs';
import { ProviderRouter, type ProviderRoute } from './provider-router';

/** A target to fall back to: a provider id and one of its models. */
export interface FallbackTarget {
  provider: string;
  model: string;
}

/** An operation of a job, as its handler hands it over. */
export interface ProviderJobCall<R extends ProviderRequest = ImageRequest> {
  jobId: string;
  orgId: string;
  /** The job's run (1 for the first): each step records it. */
  attempt: number;
  provider: string;
  request: R;
  /** Where to go, in order, when the provider fails in a way another might not (ProviderRouter.plan). */
  fallback?: FallbackTarget[];
  /** A test job's call: the route is replaced by aura's model for the operation (never a paid provider), and costs nothing. */
  test?: boolean;
  signal: AbortSignal;
  /** What an earlier run of the job checkpointed: the remote work to poll instead of submitting again. */
  previousCheckpoint: string | null;
  checkpoint(value: string): Promise<void>;
  /** How far along the provider says it is (its ctx.report progress, 0 to 1), for the job's progress. */
  progress?(fraction: number): void;
}

type ImageRequest = Extract<ProviderRequest, { operation: 'generate' | 'edit' | 'upscale' | 'removeBackground' }>;
type VideoRequest = Extract<ProviderRequest, { operation: 'video' }>;

/** A provider's Retry-After is honoured up to this; a longer wait is better spent failing clearly. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * Runs a job's operation through its route: the provider it names, then each fallback target while
 * they fail in a way another provider might not (5xx, timeouts, rate limits, a provider gone) or
 * their key is of no use (refused, quota spent); a failure the request caused (its content, its
 * input) ends the job at once. A target whose circuit is open is passed over. On each target, n is
 * split into calls of at most the model's maxImagesPerCall, slow backends are submitted once (the
 * remote ids checkpointed on the job) and polled, outputs go to the caller's consumer. Every try is a
 * step of the job (JobStep). A ProviderError becomes the job's error with its catalogue code. A test
 * job's call goes to aura alone and costs nothing.
 */
@Injectable()
export class ProviderCalls {
  constructor(
    private readonly router: ProviderRouter,
    private readonly http: OutboundHttp,
    private readonly outputs: ProviderOutputs,
    private readonly metrics: Metrics,
    private readonly breakers: CircuitBreakers,
    private readonly steps: JobStepsRepository,
    private readonly wakeups: RemoteWorkWakeups,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The images, and the credits the request costs: as its model prices it, or the platform fee on the organisation's own key. */
  async images(call: ProviderJobCall): Promise<{ images: RenderedImage[]; cost: number; provider: string; model: string }> {
    const { results, cost, route } = await this.run(call, (output, part, i, route) => {
      const seed = 'seed' in part.input ? part.input.seed : 0;
      return this.outputs.image(output as ImageOutput, { format: part.input.format, seed: seed + i }, route.provider.trustedOrigin, call.signal);
    }, (images) => ('width' in call.request.input ? { width: call.request.input.width, height: call.request.input.height } : { width: images[0]?.width ?? 0, height: images[0]?.height ?? 0 }));
    return { images: results, cost, provider: route.provider.id, model: route.model.id };
  }

  /**
   * The videos, each handed to `store` as the provider answers it (a stream or a link: held by the
   * caller, never whole in memory here), and the credits the request costs.
   */
  async videos<T>(call: ProviderJobCall<VideoRequest>, store: (output: VideoOutput, index: number, trustedOrigin: string | null) => Promise<T>): Promise<{ videos: T[]; cost: number; provider: string; model: string }> {
    let index = 0;
    const { results, cost, route } = await this.run(call, (output, _part, _i, route) => store(output as VideoOutput, index++, route.provider.trustedOrigin),
      () => ({ width: call.request.input.width, height: call.request.input.height, durationSeconds: call.request.input.durationSeconds }));
    return { videos: results, cost, provider: route.provider.id, model: route.model.id };
  }

  private async run<R extends ProviderRequest, T>(
    call: ProviderJobCall<R>,
    consume: (output: ProviderOutput, part: R, index: number, route: ProviderRoute) => Promise<T>,
    sizeOf: (results: T[]) => { width: number; height: number; durationSeconds?: number },
  ): Promise<{ results: T[]; cost: number; route: ProviderRoute }> {
    const targets: FallbackTarget[] = call.test ? [this.testTarget(call.request.operation)] : [{ provider: call.provider, model: call.request.input.model }, ...(call.fallback ?? [])];
    const work = parseCheckpoint(call.previousCheckpoint, targets.length);
    const failures: { target: FallbackTarget; error: unknown }[] = [];
    for (; work.target < targets.length; work.target++, work.ids = []) {
      const target = targets[work.target];
      const outcome = await this.tryTarget(call, target, work, consume, sizeOf);
      if ('results' in outcome) return outcome;
      failures.push({ target, error: outcome.error });
    }
    // Every target failed: the next run of the job starts from the first again.
    await call.checkpoint('');
    throw routeFailure(failures);
  }

  /** Where a test job's call goes, with the same input (aura renders any size): the enabled id whose plugin is aura, and its model for the operation. */
  private testTarget(operation: ProviderRequest['operation']): FallbackTarget {
    const aura = this.router.enabled().find((p) => p.use === 'aura');
    const model = aura?.metadata.models.find((m) => m.operations.includes(operation));
    if (!aura) throw new FinalJobError('provider_unavailable', 'test mode renders with aura, which is not configured here');
    if (!model) throw new FinalJobError('provider_unavailable', `test mode renders with aura, which cannot ${operation}`);
    return { provider: aura.id, model: model.id };
  }

  /** One target: its answer, or why to go on to the next; a failure the request caused, or a cancel, is thrown at once. */
  private async tryTarget<R extends ProviderRequest, T>(
    call: ProviderJobCall<R>,
    target: FallbackTarget,
    work: RemoteWork,
    consume: (output: ProviderOutput, part: R, index: number, route: ProviderRoute) => Promise<T>,
    sizeOf: (results: T[]) => { width: number; height: number; durationSeconds?: number },
  ): Promise<{ results: T[]; cost: number; route: ProviderRoute } | { error: unknown }> {
    const { request, signal } = call;
    const step = new StepRecorder(call, target);
    let route: ProviderRoute;
    try {
      route = this.router.forJob(target.provider, target.model, request.operation);
    } catch (error) {
      await this.steps.record(step.failed(jobErrorOf(error, target.provider)));
      return { error };
    }
    // Looked up once: every part runs on the same key, and its cost follows whose it is.
    const credentials = await this.router.credentialsFor(call.orgId, route.provider);
    step.keySource = credentials?.owner === 'organization' ? 'byok' : 'platform';
    const circuit = circuitKey(route.provider.id, credentials?.owner ?? 'platform', call.orgId);
    if (!this.breakers.allow(circuit)) {
      const reopensAt = this.breakers.reopensAt(circuit);
      const error = new ProviderError('transient', `${route.provider.id} is passed over while its circuit is open`, { retryAfterMs: reopensAt === null ? undefined : reopensAt - Date.now() });
      await this.steps.record(step.skipped('circuit_open', error.message));
      return { error };
    }
    const observe = (outcome: string) => this.metrics.observeProviderCall(route.provider.id, request.operation, outcome, step.elapsedSeconds());
    try {
      const results: T[] = [];
      // A fallback is asked the same with its own model, and the options the request gave its provider.
      const asked = { ...request, input: askedOf(request.input, route) };
      for (const [index, part] of split(asked, route.model.maxImagesPerCall).entries()) {
        const callId = work.target === 0 ? `${call.jobId}-${index}` : `${call.jobId}-${work.target}-${index}`;
        const webhookUrl = this.webhookUrl(route, call.jobId);
        const contextWith = (s: AbortSignal) => callContext(this.http, route.provider, { credentials, signal: s, callId, jobId: call.jobId, onReport: (r) => this.reported(call, step, r), webhookUrl });
        // Only a call that gave the backend a webhook URL waits to be woken; the rest just wait, and cost the wake-up poll nothing.
        const wait = webhookUrl ? (ms: number, s: AbortSignal) => this.wakeups.sleep(call.jobId, ms, s) : (ms: number, s: AbortSignal) => delay(ms, undefined, { signal: s });
        const outputs = await callOnce(route, part, contextWith, call.signal, index, work, call.checkpoint, wait);
        for (const [i, output] of outputs.entries()) results.push(await consume(output, part, i, route));
      }
      const quote = { operation: request.operation, n: 'n' in request.input ? request.input.n : 1, format: 'format' in request.input ? request.input.format : 'png' as const, ...sizeOf(results) };
      const cost = call.test ? 0 : this.router.charge(route, quote, credentials);
      this.breakers.succeeded(circuit);
      observe('ok');
      await this.steps.record(step.succeeded(cost, route.model.providerPrice?.({ ...quote, model: route.model.id })));
      return { results, cost, route };
    } catch (err) {
      observe(signal.aborted ? 'canceled' : err instanceof ProviderError ? err.kind : 'transient');
      if (signal.aborted) {
        this.breakers.released(circuit);
        await this.steps.record(step.failed(new FinalJobError('canceled', 'the job was cancelled')));
        // Cancelled: not the provider's failure, so not worth a retry.
        signal.throwIfAborted();
      }
      const kind = err instanceof ProviderError ? err.kind : 'transient';
      await this.steps.record(step.failed(jobErrorOf(err, route.provider.id)));
      if (kind === 'content_rejected' || kind === 'invalid_input') {
        // The provider answered: it is up; the request is what failed, and another provider would be a policy decision, not a retry.
        this.breakers.succeeded(circuit);
        throw jobErrorOf(err, route.provider.id);
      }
      if (kind === 'invalid_credentials' || kind === 'quota_exhausted') this.breakers.keyRejected(circuit);
      else this.breakers.failed(circuit, err instanceof ProviderError ? err.retryAfterMs : undefined);
      return { error: err };
    }
  }

  /** Where the backend may post when the job's remote work ends: only with PROVIDER_WEBHOOKS on, to a plugin that checks deliveries. */
  private webhookUrl(route: ProviderRoute, jobId: string): string | undefined {
    if (!this.config.routing.webhooks || !route.provider.plugin.verifyWebhook) return undefined;
    return new URL(`/api/v1/providers/webhooks/${encodeURIComponent(route.provider.id)}/${jobId}`, this.config.publicUrl).toString();
  }

  private reported(call: ProviderJobCall<ProviderRequest>, step: StepRecorder, report: ProviderCallReport): void {
    step.reported(report);
    if (report.progress !== undefined && Number.isFinite(report.progress)) call.progress?.(Math.min(1, Math.max(0, report.progress)));
  }
}

/** A request's input for one target: its model, and of the request's providerOptions (by id) those of its provider. */
function askedOf<I extends ProviderRequest['input']>(input: I & { providerOptions?: Record<string, Record<string, unknown>> }, route: ProviderRoute): I {
  const { providerOptions, ...rest } = input;
  const options = providerOptions?.[route.provider.id];
  return { ...rest, model: route.model.id, ...(options ? { options } : {}) } as I;
}

/** The calls a request takes: generate and edit in parts of at most `max` images, the seeds running on. */
export function split<R extends ProviderRequest>(request: R, max: number): R[] {
  if (request.operation !== 'generate' && request.operation !== 'edit') return [request];
  const parts: R[] = [];
  for (let done = 0; done < request.input.n; done += max) {
    parts.push({ ...request, input: { ...request.input, n: Math.min(max, request.input.n - done), seed: request.input.seed + done } });
  }
  return parts;
}

/** The job error a provider's failure stands for: codes from the catalogue (docs/errors.md). */
export function jobErrorOf(err: unknown, providerId: string): TransientJobError | FinalJobError {
  if (err instanceof TransientJobError || err instanceof FinalJobError) return err;
  if (!(err instanceof ProviderError)) return new TransientJobError('provider_unavailable', `${providerId} failed: ${(err as Error).message}`);
  const message = `${providerId}: ${err.message}`;
  switch (err.kind) {
    case 'transient':
      return new TransientJobError('provider_unavailable', message);
    case 'rate_limited':
      return new TransientJobError('provider_rate_limited', message, err.retryAfterMs === undefined ? undefined : Math.min(err.retryAfterMs, MAX_RETRY_AFTER_MS));
    case 'invalid_credentials':
      return new FinalJobError('provider_credentials_invalid', message);
    case 'quota_exhausted':
      return new FinalJobError('provider_quota_exhausted', message);
    case 'content_rejected':
      return new FinalJobError('content_rejected', message);
    case 'invalid_input':
      return new FinalJobError('provider_invalid_input', message);
    case 'unavailable':
      return new FinalJobError('provider_unavailable', message);
  }
}

/**
 * The job's error when no target answered. One target: its own error, retried as its kind says.
 * Several: provider_unavailable naming each failure, worth another run when any of them might
 * mend (a 5xx, a rate limit, an open circuit), not when every key was refused or gone.
 */
function routeFailure(failures: { target: FallbackTarget; error: unknown }[]): Error {
  if (failures.length === 1) return jobErrorOf(failures[0].error, failures[0].target.provider);
  const errors = failures.map((f) => jobErrorOf(f.error, f.target.provider));
  const message = `every target failed: ${errors.map((e) => e.message).join('; ')}`;
  const waits = failures.map((f) => (f.error instanceof ProviderError && f.error.retryable ? (f.error.retryAfterMs ?? 0) : null)).filter((w) => w !== null);
  if (!waits.length) return new FinalJobError('provider_unavailable', message);
  return new TransientJobError('provider_unavailable', message, Math.min(MAX_RETRY_AFTER_MS, Math.min(...waits)) || undefined);
}
