import {
  optionProblems, PROVIDER_SDK_VERSION, ProviderError, ProviderPlugin,
  type PollResult, type PriceQuote, type ProviderCallContext, type ProviderHealth, type ProviderModel, type ProviderRequest, type RemoteWork,
} from '../../../src/plugins';
import { KlingClient } from './kling-client';
import { parseRemoteId, pollResult, remoteIdOf, renderedSeconds, submission } from './kling-mapping';
import {
  DEFAULT_MODELS, KLING_BASE_URL, KLING_DURATIONS, KLING_POLL_INTERVAL_MS, KlingCredentials, KlingOptions, modelOptionProblems, type KlingModelOptions,
} from './kling-options.dto';

/**
 * Kling (Kuaishou): images from a prompt, and videos from a prompt or a first frame, each a task
 * submitted and polled (`RemoteWork`); outputs are Kling's links, downloaded by the core. Every
 * request is authenticated with a JWT signed by the key pair.
 */
@ProviderPlugin({
  id: 'kling',
  sdkVersion: PROVIDER_SDK_VERSION,
  name: 'Kling',
  description: 'Kling text-to-image, and text-to-video or image-to-video in 5 or 10 seconds, from Kling\'s own API.',
  models: DEFAULT_MODELS.map(providerModel),
  byok: true,
  credentials: KlingCredentials,
})
export class KlingProvider implements RemoteWork {
  /** Each id's models are the ones its options configure (the defaults otherwise). */
  static modelsFor(options: Record<string, unknown>): ProviderModel[] {
    return ((options as KlingOptions).models ?? DEFAULT_MODELS).map(providerModel);
  }

  static validateOptions(options: Record<string, unknown>): string[] {
    const problems = optionProblems(KlingOptions, options);
    return problems.length ? problems : modelOptionProblems((options as KlingOptions).models ?? DEFAULT_MODELS);
  }

  private readonly client: KlingClient;
  private readonly models: KlingModelOptions[];
  private readonly pollIntervalMs: number;

  constructor(options: Record<string, unknown>) {
    const { baseUrl, models, pollIntervalMs } = options as KlingOptions;
    this.client = new KlingClient((baseUrl ?? KLING_BASE_URL).replace(/\/$/, ''));
    this.models = models ?? DEFAULT_MODELS;
    this.pollIntervalMs = pollIntervalMs ?? KLING_POLL_INTERVAL_MS;
  }

  async submit(request: ProviderRequest, ctx: ProviderCallContext): Promise<{ remoteId: string }> {
    const model = this.models.find((m) => m.id === request.input.model);
    if (!model) throw new ProviderError('invalid_input', `kling: no model "${request.input.model}" is configured`);
    const { kind, body, seconds } = await submission(request, model);
    const { task, requestId } = await this.client.submit(kind, body, ctx);
    // Kling's answer says nothing of the cost: the list price.
    const units = seconds ?? (request.operation === 'generate' ? request.input.n : 1);
    ctx.report({ requestId: task.task_id, cost: { amount: roundCents(units * model.usd), currency: 'USD' } });
    ctx.logger.debug('kling task submitted', { task: task.task_id, kind, model: model.id, requestId });
    return { remoteId: remoteIdOf(kind, task.task_id) };
  }

  async poll(remoteId: string, ctx: ProviderCallContext): Promise<PollResult> {
    const { kind, taskId } = parseRemoteId(remoteId);
    return pollResult(await this.client.task(kind, taskId, ctx), this.pollIntervalMs);
  }

  /** Kling documents no account endpoint: a key pair is checked by listing its newest image task. */
  async health(ctx: ProviderCallContext): Promise<ProviderHealth> {
    if (!ctx.credentials) return { ok: false, detail: 'no access key and secret key' };
    try {
      await this.client.latestImageTask(ctx);
      return { ok: true, detail: 'the key pair lists its image tasks (Kling has no account endpoint)' };
    } catch (err) {
      if (err instanceof ProviderError) return { ok: false, detail: err.message };
      throw err;
    }
  }
}

function providerModel(m: KlingModelOptions): ProviderModel {
  const video = m.operation === 'video';
  // Images are priced each; videos by the second, of the length Kling renders (5 or 10 s).
  const units = (quote: PriceQuote) => quote.n * (video ? renderedSeconds(quote.durationSeconds) ?? KLING_DURATIONS.at(-1)! : 1);
  return {
    id: m.id,
    name: m.name ?? m.id,
    description: m.description ?? `Kling's ${m.modelName ?? m.id}.`,
    operations: [m.operation],
    sizes: Object.keys(m.sizes),
    // Kling answers PNG images (the core converts to another format asked) and MP4 videos, whatever a request names.
    formats: video ? ['png'] : ['png', 'jpeg', 'webp'],
    maxImagesPerCall: m.maxImagesPerCall ?? 1,
    seed: false,
    ...(video ? { durations: { seconds: KLING_DURATIONS, default: KLING_DURATIONS[0] } } : {}),
    price: (quote) => units(quote) * m.credits,
    providerPrice: (quote) => ({ amount: roundCents(units(quote) * m.usd), currency: 'USD' }),
  };
}

/** Dollars to a tenth of a cent, without float noise. */
function roundCents(amount: number): number {
  return Math.round(amount * 1000) / 1000;
}
