import { setTimeout as delay } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { OutboundHttp } from '../common/net/outbound-http';
import { FinalJobError, TransientJobError } from '../jobs/job-handler';
import { Metrics } from '../ops/metrics';
import type { ProviderCallContext, ProviderCredentials } from '../plugins/provider-context';
import { ProviderError } from '../plugins/provider-error';
import { OPERATION_METHODS, type ImageOutput, type PollResult, type ProviderOutput, type ProviderRequest, type VideoOutput } from '../plugins/provider-operations';
import { callContext } from './call-context';
import { ProviderOutputs, type RenderedImage } from './provider-outputs';
import { ProviderRouter, type ProviderRoute } from './provider-router';

/** An operation of a job, as its handler hands it over. */
export interface ProviderJobCall<R extends ProviderRequest = ImageRequest> {
  jobId: string;
  orgId: string;
  provider: string;
  request: R;
  signal: AbortSignal;
  /** What an earlier run of the job checkpointed: the remote work to poll instead of submitting again. */
  previousCheckpoint: string | null;
  checkpoint(value: string): Promise<void>;
}

type ImageRequest = Extract<ProviderRequest, { operation: 'generate' | 'edit' | 'upscale' | 'removeBackground' }>;
type VideoRequest = Extract<ProviderRequest, { operation: 'video' }>;

const POLL_DEFAULT_MS = 2_000;
const POLL_MIN_MS = 250;
const POLL_MAX_MS = 30_000;
/** Remote work not done after this long fails the run; the next run polls the same remote work again. */
const REMOTE_WORK_TIMEOUT_MS = 30 * 60_000;
/** A provider's Retry-After is honoured up to this; a longer wait is better spent failing clearly. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;
const CHECKPOINT_LENGTH = 255;
const CANCEL_TIMEOUT_MS = 10_000;

/**
 * Runs a job's operation through its provider: n split into calls of at most the model's
 * maxImagesPerCall, each with its context (credentials, the core's HTTP client, the job's signal, a
 * logger); slow backends submitted once (the remote ids checkpointed on the job) and polled; outputs
 * by URL downloaded within bounds. A ProviderError becomes the job's error with its catalogue code:
 * only transient and rate_limited are tried again.
 */
@Injectable()
export class ProviderCalls {
  constructor(private readonly router: ProviderRouter, private readonly http: OutboundHttp, private readonly outputs: ProviderOutputs, private readonly metrics: Metrics) {}

  /** The images, and the credits the request costs: as its model prices it, or the platform fee on the organisation's own key. */
  async images(call: ProviderJobCall): Promise<{ images: RenderedImage[]; cost: number }> {
    const { images, cost } = await this.run(call, (output, part, i, route) => {
      const seed = 'seed' in part.input ? part.input.seed : 0;
      return this.outputs.image(output as ImageOutput, { format: part.input.format, seed: seed + i }, route.provider.trustedOrigin, call.signal);
    }, (images) => ('width' in call.request.input ? { width: call.request.input.width, height: call.request.input.height } : { width: images[0]?.width ?? 0, height: images[0]?.height ?? 0 }));
    return { images, cost };
  }

  /**
   * The videos, each handed to `store` as the provider answers it (a stream or a link: held by the
   * caller, never whole in memory here), and the credits the request costs.
   */
  async videos<T>(call: ProviderJobCall<VideoRequest>, store: (output: VideoOutput, index: number, trustedOrigin: string | null) => Promise<T>): Promise<{ videos: T[]; cost: number }> {
    let index = 0;
    const { images: videos, cost } = await this.run(call, (output, _part, _i, route) => store(output as VideoOutput, index++, route.provider.trustedOrigin),
      () => ({ width: call.request.input.width, height: call.request.input.height, durationSeconds: call.request.input.durationSeconds }));
    return { videos, cost };
  }

  private async run<R extends ProviderRequest, T>(
    call: ProviderJobCall<R>,
    consume: (output: ProviderOutput, part: R, index: number, route: ProviderRoute) => Promise<T>,
    sizeOf: (results: T[]) => { width: number; height: number; durationSeconds?: number },
  ): Promise<{ images: T[]; cost: number }> {
    const { request, signal } = call;
    const started = performance.now();
    const observe = (outcome: string) => this.metrics.observeProviderCall(call.provider, request.operation, outcome, (performance.now() - started) / 1000);
    try {
      const route = this.router.forJob(call.provider, request.input.model, request.operation);
      // Looked up once: every part of the job runs on the same key, and its cost follows whose it is.
      const credentials = await this.router.credentialsFor(call.orgId, route.provider);
      const remoteIds = parseCheckpoint(call.previousCheckpoint);
      const results: T[] = [];
      for (const [index, part] of split(request, route.model.maxImagesPerCall).entries()) {
        const contextWith = (signal: AbortSignal) => this.context(call, route, credentials, index, signal);
        const outputs = await this.once(route, part, contextWith, index, remoteIds, call);
        for (const [i, output] of outputs.entries()) results.push(await consume(output, part, i, route));
      }
      const { input } = request;
      observe('ok');
      const quote = { operation: request.operation, n: 'n' in input ? input.n : 1, format: 'format' in input ? input.format : 'png' as const, ...sizeOf(results) };
      return { images: results, cost: this.router.charge(route, quote, credentials) };
    } catch (err) {
      observe(signal.aborted ? 'canceled' : err instanceof ProviderError ? err.kind : 'transient');
      // Cancelled: not the provider's failure, so not worth a retry.
      signal.throwIfAborted();
      throw jobErrorOf(err, call.provider);
    }
  }

  private context(call: ProviderJobCall<ProviderRequest>, route: ProviderRoute, credentials: ProviderCredentials | undefined, index: number, signal: AbortSignal): ProviderCallContext {
    return callContext(this.http, route.provider, { credentials, signal, callId: `${call.jobId}-${index}`, jobId: call.jobId });
  }

  /** One call: the operation's method, or for slow backends submit (unless an earlier run did) and poll. */
  private async once(
    route: ProviderRoute, request: ProviderRequest, contextWith: (signal: AbortSignal) => ProviderCallContext, index: number, remoteIds: string[], call: ProviderJobCall<ProviderRequest>,
  ): Promise<ProviderOutput[]> {
    const { plugin } = route.provider;
    const ctx = contextWith(call.signal);
    if (!plugin.submit || !plugin.poll) {
      const method = plugin[OPERATION_METHODS[request.operation]] as (input: unknown, ctx: ProviderCallContext) => Promise<ProviderOutput[]>;
      return method.call(plugin, request.input, ctx);
    }
    if (!remoteIds[index]) {
      remoteIds[index] = (await plugin.submit(request, ctx)).remoteId;
      const value = JSON.stringify(remoteIds);
      if (value.length <= CHECKPOINT_LENGTH) await call.checkpoint(value);
      else ctx.logger.warn('remote ids too long to checkpoint: a run after a crash submits again', { remoteIds });
    }
    const state = await this.poll(route, remoteIds[index], ctx, contextWith);
    if (state.status === 'done') return state.outputs;
    // The remote work itself failed: a retry must start it again, not poll its corpse.
    remoteIds[index] = '';
    await call.checkpoint(JSON.stringify(remoteIds));
    throw state.error;
  }

  private async poll(route: ProviderRoute, remoteId: string, ctx: ProviderCallContext, contextWith: (signal: AbortSignal) => ProviderCallContext): Promise<Exclude<PollResult, { status: 'pending' }>> {
    const { plugin } = route.provider;
    const deadline = Date.now() + REMOTE_WORK_TIMEOUT_MS;
    try {
      for (;;) {
        const state = await plugin.poll!(remoteId, ctx);
        if (state.status !== 'pending') return state;
        if (Date.now() > deadline) throw new ProviderError('transient', `the remote work ${remoteId} did not finish in ${REMOTE_WORK_TIMEOUT_MS / 60_000} minutes`);
        await delay(Math.min(POLL_MAX_MS, Math.max(POLL_MIN_MS, state.retryAfterMs ?? POLL_DEFAULT_MS)), undefined, { signal: ctx.signal });
      }
    } catch (err) {
      // Cancelled: ask the backend to stop, so the work is not paid for in vain; its answer changes nothing here.
      if (ctx.signal.aborted && plugin.cancel) await plugin.cancel(remoteId, contextWith(AbortSignal.timeout(CANCEL_TIMEOUT_MS))).catch(() => undefined);
      throw err;
    }
  }
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
export function jobErrorOf(err: unknown, providerId: string): Error {
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

function parseCheckpoint(value: string | null): string[] {
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}
