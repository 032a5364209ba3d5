import {
  optionProblems, PROVIDER_SDK_VERSION, ProviderError, ProviderPlugin,
  type PollResult, type ProviderCallContext, type ProviderHealth, type ProviderModel, type ProviderRequest, type ProviderWebhookDelivery, type RemoteWork,
} from '../../../src/plugins';
import { ReplicateClient, type Prediction } from './replicate-client';
import { pollResult, predictionInput } from './replicate-mapping';
import {
  DEFAULT_MODELS, modelOptionProblems, REPLICATE_API, ReplicateCredentials, ReplicateOptions, type ReplicateModelOptions,
} from './replicate-options.dto';
import { ReplicateWebhookVerifier } from './replicate-webhooks';

/** Predictions answered within a create's wait, kept for the first poll; bounded in case a job never polls. */
const ANSWERED_KEPT = 1000;

/**
 * Replicate: any model, official ("owner/name") or pinned to a version ("owner/name:version"),
 * configured in the `models` option with the inputs it takes. A generation or edit is a
 * prediction: created with `Prefer: wait` so a fast model answers at once, else polled (and, when
 * the core gives a webhook URL, Replicate's signed delivery on completion wakes the poll); a
 * cancelled job cancels it. Outputs are Replicate's file links, downloaded by the core.
 */
@ProviderPlugin({
  id: 'replicate',
  sdkVersion: PROVIDER_SDK_VERSION,
  name: 'Replicate',
  description: 'Image models hosted on Replicate (FLUX by default), any model or version by name from configuration.',
  models: DEFAULT_MODELS.map(providerModel),
  byok: true,
  credentials: ReplicateCredentials,
})
export class ReplicateProvider implements RemoteWork {
  /** Each id's models are the ones its options configure (FLUX by default). */
  static modelsFor(options: Record<string, unknown>): ProviderModel[] {
    return ((options as ReplicateOptions).models ?? DEFAULT_MODELS).map(providerModel);
  }

  static validateOptions(options: Record<string, unknown>): string[] {
    const problems = optionProblems(ReplicateOptions, options);
    return problems.length ? problems : modelOptionProblems((options as ReplicateOptions).models ?? DEFAULT_MODELS);
  }

  private readonly baseUrl: string;
  private readonly models: ReplicateModelOptions[];
  private readonly waitSeconds: number;
  private readonly answered = new Map<string, Prediction>();
  private readonly webhooks: ReplicateWebhookVerifier;

  constructor(options: Record<string, unknown>) {
    const { baseUrl, models, waitSeconds } = options as ReplicateOptions;
    this.baseUrl = (baseUrl ?? REPLICATE_API).replace(/\/$/, '');
    this.models = models ?? DEFAULT_MODELS;
    this.waitSeconds = waitSeconds ?? 60;
    this.webhooks = new ReplicateWebhookVerifier(this.baseUrl);
  }

  async submit(request: ProviderRequest, ctx: ProviderCallContext): Promise<{ remoteId: string }> {
    const model = this.models.find((m) => m.id === request.input.model);
    if (!model) throw new ProviderError('invalid_input', `replicate: no model "${request.input.model}" is configured`);
    const input = await predictionInput(request, model);
    const prediction = await new ReplicateClient(this.baseUrl, ctx).createPrediction(model.model, input, this.waitSeconds, ctx.webhookUrl);
    ctx.logger.debug('replicate prediction created', { prediction: prediction.id, status: prediction.status });
    if (pollResult(prediction).status !== 'pending') this.keep(prediction);
    return { remoteId: prediction.id };
  }

  async poll(remoteId: string, ctx: ProviderCallContext): Promise<PollResult> {
    const answered = this.answered.get(remoteId);
    this.answered.delete(remoteId);
    return pollResult(answered ?? (await new ReplicateClient(this.baseUrl, ctx).getPrediction(remoteId)));
  }

  verifyWebhook(delivery: ProviderWebhookDelivery, ctx: ProviderCallContext): Promise<{ remoteId: string } | null> {
    return this.webhooks.verify(delivery, ctx);
  }

  async cancel(remoteId: string, ctx: ProviderCallContext): Promise<void> {
    this.answered.delete(remoteId);
    await new ReplicateClient(this.baseUrl, ctx).cancelPrediction(remoteId);
  }

  /** The token's account: the cheap authenticated read Replicate offers. */
  async health(ctx: ProviderCallContext): Promise<ProviderHealth> {
    if (!ctx.credentials) return { ok: false, detail: 'no API token' };
    try {
      await new ReplicateClient(this.baseUrl, ctx).account();
      return { ok: true };
    } catch (err) {
      if (err instanceof ProviderError) return { ok: false, detail: err.message };
      throw err;
    }
  }

  private keep(prediction: Prediction): void {
    if (this.answered.size >= ANSWERED_KEPT) this.answered.delete(this.answered.keys().next().value!);
    this.answered.set(prediction.id, prediction);
  }
}

function providerModel(m: ReplicateModelOptions): ProviderModel {
  return {
    id: m.id,
    name: m.name ?? m.id,
    description: m.description ?? `${m.model}, on Replicate`,
    operations: m.operations,
    sizes: Object.keys(m.sizes),
    formats: Object.keys(m.formats) as ProviderModel['formats'],
    maxImagesPerCall: m.maxImagesPerCall ?? 1,
    maxSourceImages: m.maxSourceImages ?? 1,
    mask: m.mask ?? false,
    seed: Boolean(m.seedInput),
    price: (quote) => quote.n * m.credits,
  };
}

