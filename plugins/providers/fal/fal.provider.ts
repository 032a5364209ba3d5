import {
  optionProblems, PROVIDER_SDK_VERSION, ProviderError, ProviderPlugin,
  type GenerateInput, type PollResult, type ProviderCallContext, type ProviderHealth, type ProviderModel, type ProviderRequest,
  type ProviderWebhookDelivery, type RemoteWork,
} from '../../../src/plugins';
import { FalClient } from './fal-client';
import { listPrice, outputResult, POLL_AFTER_MS, queueInput } from './fal-mapping';
import {
  DEFAULT_MODELS, FAL_JWKS_URL, FAL_QUEUE_URL, FalCredentials, FalOptions, modelOptionProblems, type FalModelOptions,
} from './fal-options.dto';
import { FalWebhookVerifier } from './fal-webhooks';

/** How a remote id joins the endpoint and fal's request id, as fal's own queue paths do. */
const REQUESTS = '/requests/';

/** A request id no request has: the health check's status read answers 404 for it with a key fal takes. */
const UNKNOWN_REQUEST = '00000000-0000-4000-8000-000000000000';

/**
 * fal: image endpoints (FLUX by default) run on fal's queue, each a model configured in the `models`
 * option with the inputs it takes. A generation or edit is submitted to the queue, its status polled
 * and, once completed, its result read (when the core gives a webhook URL, fal's signed delivery
 * wakes the poll); a cancelled job cancels it. Outputs are fal's file links, downloaded by the core.
 */
@ProviderPlugin({
  id: 'fal',
  sdkVersion: PROVIDER_SDK_VERSION,
  name: 'fal',
  description: 'Image models on fal.ai\'s queue (FLUX by default), any endpoint by id from configuration.',
  models: DEFAULT_MODELS.map(providerModel),
  byok: true,
  credentials: FalCredentials,
})
export class FalProvider implements RemoteWork {
  /** Each id's models are the ones its options configure (FLUX by default). */
  static modelsFor(options: Record<string, unknown>): ProviderModel[] {
    return ((options as FalOptions).models ?? DEFAULT_MODELS).map(providerModel);
  }

  static validateOptions(options: Record<string, unknown>): string[] {
    const problems = optionProblems(FalOptions, options);
    return problems.length ? problems : modelOptionProblems((options as FalOptions).models ?? DEFAULT_MODELS);
  }

  private readonly baseUrl: string;
  private readonly models: FalModelOptions[];
  private readonly webhooks: FalWebhookVerifier;

  constructor(options: Record<string, unknown>) {
    const { baseUrl, models, webhookJwksUrl } = options as FalOptions;
    this.baseUrl = baseUrl ?? FAL_QUEUE_URL;
    this.models = models ?? DEFAULT_MODELS;
    this.webhooks = new FalWebhookVerifier(webhookJwksUrl ?? FAL_JWKS_URL);
  }

  async submit(request: ProviderRequest, ctx: ProviderCallContext): Promise<{ remoteId: string }> {
    const model = this.models.find((m) => m.id === request.input.model);
    if (!model) throw new ProviderError('invalid_input', `fal: no model "${request.input.model}" is configured`);
    const input = await queueInput(request, model);
    const { request_id: requestId } = await new FalClient(this.baseUrl, ctx).submit(model.endpoint, input, ctx.webhookUrl);
    // fal's answers say nothing of the cost: its list price is what it charges.
    ctx.report({ requestId, cost: listPrice(model, request.input as GenerateInput) });
    ctx.logger.debug('fal request queued', { endpoint: model.endpoint, request: requestId });
    return { remoteId: `${model.endpoint}${REQUESTS}${requestId}` };
  }

  async poll(remoteId: string, ctx: ProviderCallContext): Promise<PollResult> {
    const [endpoint, requestId] = parseRemoteId(remoteId);
    const client = new FalClient(this.baseUrl, ctx);
    const state = await client.status(endpoint, requestId);
    if (state.status !== 'COMPLETED') return { status: 'pending', retryAfterMs: POLL_AFTER_MS };
    try {
      return outputResult(await client.result(endpoint, requestId), requestId);
    } catch (err) {
      // The model's own refusal or failure is the result of the work; a throttled or unreachable API is a failed question.
      if (err instanceof ProviderError && !err.retryable) return { status: 'failed', error: err };
      throw err;
    }
  }

  verifyWebhook(delivery: ProviderWebhookDelivery, ctx: ProviderCallContext): Promise<{ remoteId: string } | null> {
    return this.webhooks.verify(delivery, ctx);
  }

  async cancel(remoteId: string, ctx: ProviderCallContext): Promise<void> {
    const [endpoint, requestId] = parseRemoteId(remoteId);
    await new FalClient(this.baseUrl, ctx).cancel(endpoint, requestId);
  }

  /**
   * fal has no "who am I" for an inference key (its billing API needs an admin key), so the check
   * reads the status of a request that does not exist on the first model's endpoint: free, and
   * refused (401, 403) for a key fal does not take or an account that is locked.
   */
  async health(ctx: ProviderCallContext): Promise<ProviderHealth> {
    if (!ctx.credentials) return { ok: false, detail: 'no API key' };
    try {
      await new FalClient(this.baseUrl, ctx).status(this.models[0].endpoint, UNKNOWN_REQUEST);
      return { ok: true };
    } catch (err) {
      if (!(err instanceof ProviderError) || err.retryable) throw err;
      if (err.kind === 'invalid_credentials' || err.kind === 'quota_exhausted') return { ok: false, detail: err.message };
      return { ok: true };
    }
  }
}

function parseRemoteId(remoteId: string): [endpoint: string, requestId: string] {
  const at = remoteId.lastIndexOf(REQUESTS);
  if (at <= 0) throw new ProviderError('invalid_input', `fal: "${remoteId}" is not a fal request`);
  return [remoteId.slice(0, at), remoteId.slice(at + REQUESTS.length)];
}

function providerModel(m: FalModelOptions): ProviderModel {
  return {
    id: m.id,
    name: m.name ?? m.id,
    description: m.description ?? `${m.endpoint}, on fal`,
    operations: m.operations,
    sizes: Object.keys(m.sizes),
    formats: Object.keys(m.formats) as ProviderModel['formats'],
    maxImagesPerCall: m.maxImagesPerCall ?? 1,
    maxSourceImages: m.maxSourceImages ?? 1,
    mask: m.mask ?? false,
    seed: Boolean(m.seedInput),
    price: (quote) => quote.n * m.credits,
    providerPrice: (quote) => listPrice(m, quote),
  };
}
