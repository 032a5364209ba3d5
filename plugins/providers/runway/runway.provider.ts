import {
  optionProblems, PROVIDER_SDK_VERSION, ProviderError, ProviderPlugin,
  type PollResult, type PriceQuote, type ProviderCallContext, type ProviderHealth, type ProviderModel, type ProviderRequest, type RemoteWork,
} from '../../../src/plugins';
import { RunwayClient } from './runway-client';
import { parseRemoteId, pollResult, remoteIdOf, renderedSeconds, RUNWAY_CURRENCY, taskRequest } from './runway-mapping';
import {
  DEFAULT_MODELS, DEFAULT_POLL_INTERVAL_MS, modelOptionProblems, RUNWAY_API, RunwayCredentials, RunwayOptions, type RunwayModelOptions,
} from './runway-options.dto';

/**
 * Runway's video models through its official client: a video is a task, started from a prompt
 * (text-to-video) or a first frame (image-to-video), then asked about until it succeeds; a cancelled
 * job cancels it. The video is Runway's link, downloaded by the core.
 */
@ProviderPlugin({
  id: 'runway',
  sdkVersion: PROVIDER_SDK_VERSION,
  name: 'Runway',
  description: 'Video from a prompt or a first frame: Runway Gen-4.5, Gen-4 Turbo and Veo 3.1 by default, the models from configuration.',
  models: DEFAULT_MODELS.map(providerModel),
  byok: true,
  credentials: RunwayCredentials,
})
export class RunwayProvider implements RemoteWork {
  /** Each id's models are the ones its options configure. */
  static modelsFor(options: Record<string, unknown>): ProviderModel[] {
    return ((options as RunwayOptions).models ?? DEFAULT_MODELS).map(providerModel);
  }

  static validateOptions(options: Record<string, unknown>): string[] {
    const problems = optionProblems(RunwayOptions, options);
    return problems.length ? problems : modelOptionProblems((options as RunwayOptions).models ?? DEFAULT_MODELS);
  }

  private readonly baseUrl: string;
  private readonly models: RunwayModelOptions[];
  private readonly pollIntervalMs: number;

  constructor(options: Record<string, unknown>) {
    const { baseUrl, models, pollIntervalMs } = options as RunwayOptions;
    this.baseUrl = (baseUrl ?? RUNWAY_API).replace(/\/$/, '');
    this.models = models ?? DEFAULT_MODELS;
    this.pollIntervalMs = pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  }

  async submit(request: ProviderRequest, ctx: ProviderCallContext): Promise<{ remoteId: string }> {
    if (request.operation !== 'video') throw new ProviderError('invalid_input', `runway: ${request.operation} is not served`);
    const model = this.models.find((m) => m.id === request.input.model);
    if (!model) throw new ProviderError('invalid_input', `runway: no model "${request.input.model}" is configured`);
    const task = taskRequest(request.input, model);
    const created = await new RunwayClient(this.baseUrl, ctx).createTask(task);
    ctx.report({ requestId: created.id, cost: { amount: created.credits, currency: RUNWAY_CURRENCY } });
    ctx.logger.debug('runway task created', { task: created.id, endpoint: task.endpoint });
    return { remoteId: remoteIdOf(created.id, task.seconds) };
  }

  async poll(remoteId: string, ctx: ProviderCallContext): Promise<PollResult> {
    const { taskId, seconds } = parseRemoteId(remoteId);
    try {
      const task = await new RunwayClient(this.baseUrl, ctx).getTask(taskId);
      return pollResult(task, seconds, this.pollIntervalMs, (report) => ctx.report(report));
    } catch (err) {
      // A task Runway no longer has (deleted, or past its retention) is work to start again, not a question to repeat.
      if (err instanceof ProviderError && err.detail === 'HTTP 404') return { status: 'failed', error: new ProviderError('transient', `runway: task ${taskId} no longer exists`, { detail: taskId }) };
      throw err;
    }
  }

  async cancel(remoteId: string, ctx: ProviderCallContext): Promise<void> {
    await new RunwayClient(this.baseUrl, ctx).deleteTask(parseRemoteId(remoteId).taskId);
  }

  async health(ctx: ProviderCallContext): Promise<ProviderHealth> {
    if (!ctx.credentials) return { ok: false, detail: 'no API secret' };
    try {
      await new RunwayClient(this.baseUrl, ctx).organization();
      return { ok: true };
    } catch (err) {
      if (err instanceof ProviderError) return { ok: false, detail: err.message };
      throw err;
    }
  }
}

function providerModel(m: RunwayModelOptions): ProviderModel {
  const seconds = (quote: PriceQuote) => renderedSeconds(m, quote.durationSeconds) ?? m.durations.at(-1)!;
  return {
    id: m.id,
    name: m.name ?? m.id,
    description: m.description ?? `${m.model}, on Runway`,
    operations: ['video'],
    sizes: m.ratios.map((r) => r.replace(':', 'x')),
    // A video is an MP4 whatever is asked; the formats say only what a request may name.
    formats: ['png'],
    maxImagesPerCall: 1,
    seed: true,
    durations: { seconds: m.durations, default: m.durations.includes(5) ? 5 : m.durations[0] },
    price: (quote) => quote.n * m.creditsPerSecond * seconds(quote),
    providerPrice: (quote) => ({ amount: quote.n * m.creditsPerSecond * seconds(quote), currency: RUNWAY_CURRENCY }),
  };
}
