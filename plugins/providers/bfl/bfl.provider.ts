import {
  optionProblems, PROVIDER_SDK_VERSION, ProviderError, ProviderPlugin,
  type PollResult, type ProviderCallContext, type ProviderHealth, type ProviderModel, type ProviderRequest, type RemoteWork,
} from '../../../src/plugins';
import { BflClient } from './bfl-client';
import { pollResult, taskInput } from './bfl-mapping';
import {
  BFL_BASE_URL, BFL_FORMATS, BFL_POLL_INTERVAL_MS, BflCredentials, BflOptions, DEFAULT_MODELS, modelOptionProblems, type BflModelOptions,
} from './bfl-options.dto';

/**
 * Black Forest Labs' FLUX API: text-to-image (FLUX1.1 [pro], Ultra, FLUX.1 [dev], FLUX.2),
 * instruction edits of one source (FLUX.1 Kontext) or up to eight (FLUX.2), and masked fills
 * (FLUX.1 Fill), each model one BFL endpoint from configuration. Every task
 * is asynchronous: submitted, then polled at the URL BFL answers; the ready sample is a link the
 * core downloads. The remote id is that polling URL, so a run after a crash asks the right region.
 */
@ProviderPlugin({
  id: 'bfl',
  sdkVersion: PROVIDER_SDK_VERSION,
  name: 'Black Forest Labs (FLUX)',
  description: 'FLUX text-to-image (FLUX1.1 [pro], Ultra, [dev]), FLUX.1 Kontext edits and FLUX.1 Fill inpainting with a mask, from Black Forest Labs\' own API.',
  models: DEFAULT_MODELS.map(providerModel),
  byok: true,
  credentials: BflCredentials,
})
export class BflProvider implements RemoteWork {
  /** Each id's models are the ones its options configure (the defaults otherwise). */
  static modelsFor(options: Record<string, unknown>): ProviderModel[] {
    return ((options as BflOptions).models ?? DEFAULT_MODELS).map(providerModel);
  }

  static validateOptions(options: Record<string, unknown>): string[] {
    const problems = optionProblems(BflOptions, options);
    return problems.length ? problems : modelOptionProblems((options as BflOptions).models ?? DEFAULT_MODELS);
  }

  private readonly client: BflClient;
  private readonly models: BflModelOptions[];
  private readonly pollIntervalMs: number;

  constructor(options: Record<string, unknown>) {
    const { baseUrl, models, pollIntervalMs } = options as BflOptions;
    this.client = new BflClient((baseUrl ?? BFL_BASE_URL).replace(/\/$/, ''));
    this.models = models ?? DEFAULT_MODELS;
    this.pollIntervalMs = pollIntervalMs ?? BFL_POLL_INTERVAL_MS;
  }

  async submit(request: ProviderRequest, ctx: ProviderCallContext): Promise<{ remoteId: string }> {
    const model = this.models.find((m) => m.id === request.input.model);
    if (!model) throw new ProviderError('invalid_input', `bfl: no model "${request.input.model}" is configured`);
    const task = await this.client.submit(model.endpoint ?? model.id, await taskInput(request, model), ctx);
    // BFL credits are US cents; without a cost in the answer, the list price.
    ctx.report({ requestId: task.id, cost: { amount: typeof task.cost === 'number' ? task.cost / 100 : model.usd, currency: 'USD' } });
    ctx.logger.debug('bfl task submitted', { task: task.id, model: model.id });
    return { remoteId: task.polling_url };
  }

  async poll(remoteId: string, ctx: ProviderCallContext): Promise<PollResult> {
    const result = await this.client.result(remoteId, ctx);
    if (typeof result.progress === 'number') ctx.report({ progress: Math.min(1, Math.max(0, result.progress > 1 ? result.progress / 100 : result.progress)) });
    return pollResult(result, result.id ?? new URL(remoteId).searchParams.get('id') ?? remoteId, this.pollIntervalMs);
  }

  /** The account's credits (`GET /v1/credits`): BFL's cheap authenticated read. */
  async health(ctx: ProviderCallContext): Promise<ProviderHealth> {
    if (!ctx.credentials) return { ok: false, detail: 'no API key' };
    try {
      const credits = await this.client.credits(ctx);
      return { ok: true, detail: `${credits} credits left` };
    } catch (err) {
      if (err instanceof ProviderError) return { ok: false, detail: err.message };
      throw err;
    }
  }
}

function providerModel(m: BflModelOptions): ProviderModel {
  return {
    id: m.id,
    name: m.name ?? m.id,
    description: m.description ?? `BFL's ${m.endpoint ?? m.id} endpoint.`,
    operations: [m.operation === 'generate' ? 'generate' : 'edit'],
    sizes: m.bounds ? { ...m.bounds } : Object.keys(m.aspectRatios ?? {}),
    formats: BFL_FORMATS,
    maxImagesPerCall: 1,
    seed: m.seed !== false,
    ...(m.operation === 'edit' ? { maxSourceImages: m.maxSourceImages ?? 1 } : {}),
    ...(m.operation === 'fill' ? { mask: true } : {}),
    price: (quote) => quote.n * m.credits,
    providerPrice: (quote) => ({ amount: Math.round(quote.n * m.usd * 1000) / 1000, currency: 'USD' }),
  };
}
