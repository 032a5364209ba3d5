import {
  optionProblems, PROVIDER_SDK_VERSION, ProviderError, ProviderPlugin,
  type PollResult, type ProviderCallContext, type ProviderHealth, type ProviderModel, type ProviderRequest, type RemoteWork,
} from '../../../src/plugins';
import { LumaClient } from './luma-client';
import { generationBody, listPrice, pollResult } from './luma-mapping';
import { DEFAULT_MODELS, DEFAULT_POLL_INTERVAL_MS, LUMA_API, LumaCredentials, LumaOptions, modelOptionProblems, type LumaModelOptions } from './luma-options.dto';

/**
 * Luma Dream Machine's Ray models through its official client: a video is a generation, created
 * from the prompt and asked about until it is completed; a cancelled job deletes it. The video is
 * Luma's link, downloaded by the core.
 */
@ProviderPlugin({
  id: 'luma',
  sdkVersion: PROVIDER_SDK_VERSION,
  name: 'Luma',
  description: 'Video from a prompt with Luma Dream Machine: Ray 2 and Ray Flash 2 by default, the models from configuration.',
  models: DEFAULT_MODELS.map(providerModel),
  byok: true,
  credentials: LumaCredentials,
})
export class LumaProvider implements RemoteWork {
  /** Each id's models are the ones its options configure. */
  static modelsFor(options: Record<string, unknown>): ProviderModel[] {
    return ((options as LumaOptions).models ?? DEFAULT_MODELS).map(providerModel);
  }

  static validateOptions(options: Record<string, unknown>): string[] {
    const problems = optionProblems(LumaOptions, options);
    return problems.length ? problems : modelOptionProblems((options as LumaOptions).models ?? DEFAULT_MODELS);
  }

  private readonly baseUrl: string;
  private readonly models: LumaModelOptions[];
  private readonly pollIntervalMs: number;

  constructor(options: Record<string, unknown>) {
    const { baseUrl, models, pollIntervalMs } = options as LumaOptions;
    this.baseUrl = (baseUrl ?? LUMA_API).replace(/\/$/, '');
    this.models = models ?? DEFAULT_MODELS;
    this.pollIntervalMs = pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  }

  async submit(request: ProviderRequest, ctx: ProviderCallContext): Promise<{ remoteId: string }> {
    if (request.operation !== 'video') throw new ProviderError('invalid_input', `luma: ${request.operation} is not served`);
    const model = this.models.find((m) => m.id === request.input.model);
    if (!model) throw new ProviderError('invalid_input', `luma: no model "${request.input.model}" is configured`);
    const generation = await new LumaClient(this.baseUrl, ctx).createGeneration(generationBody(request.input, model));
    if (!generation.id) throw new ProviderError('transient', 'luma: the generation was created without an id');
    // Luma's answer says nothing of the cost: the list price stands for it.
    ctx.report({ requestId: generation.id, cost: listPrice(model, { ...request.input, n: 1 }) });
    ctx.logger.debug('luma generation created', { generation: generation.id, state: generation.state });
    return { remoteId: generation.id };
  }

  async poll(remoteId: string, ctx: ProviderCallContext): Promise<PollResult> {
    try {
      return pollResult(await new LumaClient(this.baseUrl, ctx).getGeneration(remoteId), this.pollIntervalMs);
    } catch (err) {
      // A generation Luma no longer has (deleted, expired) is work to start again, not a question to repeat.
      if (err instanceof ProviderError && err.detail === 'HTTP 404') return { status: 'failed', error: new ProviderError('transient', `luma: generation ${remoteId} no longer exists`, { detail: remoteId }) };
      throw err;
    }
  }

  async cancel(remoteId: string, ctx: ProviderCallContext): Promise<void> {
    await new LumaClient(this.baseUrl, ctx).deleteGeneration(remoteId);
  }

  async health(ctx: ProviderCallContext): Promise<ProviderHealth> {
    if (!ctx.credentials) return { ok: false, detail: 'no API key' };
    try {
      await new LumaClient(this.baseUrl, ctx).credits();
      return { ok: true };
    } catch (err) {
      if (err instanceof ProviderError) return { ok: false, detail: err.message };
      throw err;
    }
  }
}

function providerModel(m: LumaModelOptions): ProviderModel {
  return {
    id: m.id,
    name: m.name ?? m.id,
    description: m.description ?? `${m.model} at ${m.resolution}, on Luma`,
    operations: ['video'],
    sizes: Object.keys(m.sizes),
    // A video is an MP4 whatever is asked; the formats say only what a request may name.
    formats: ['png'],
    maxImagesPerCall: 1,
    seed: false,
    durations: { seconds: m.durations, default: m.durations[0] },
    // One Darkroom credit is a US cent: the list price, rounded up.
    price: (quote) => Math.max(1, Math.ceil(listPrice(m, quote).amount * 100 - 1e-9)),
    providerPrice: (quote) => listPrice(m, quote),
  };
}
