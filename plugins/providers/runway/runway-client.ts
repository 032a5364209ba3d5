import RunwayML from '@runwayml/sdk';
import { ProviderError, type ProviderCallContext, type ProviderLogger } from '../../../src/plugins';
import { providerErrorOf, type TaskRequest } from './runway-mapping';

/**
 * Runway's official client for one call: made per call, because the key is the call's (the
 * platform's or an organisation's own), on the core's fetch (address guard, timeouts, the job's
 * signal), with no retries of its own so the core's policy alone decides. It sends
 * `X-Runway-Version: 2024-11-06` itself. Tasks are asked about one at a time (`tasks.retrieve`),
 * never through `waitForTaskOutput`, which sleeps six seconds between questions.
 */
export class RunwayClient {
  private readonly sdk: RunwayML;

  constructor(baseUrl: string, private readonly ctx: ProviderCallContext) {
    const apiSecret = ctx.credentials?.values.apiSecret;
    if (!apiSecret) throw new ProviderError('invalid_credentials', 'runway: no API secret for this call');
    this.sdk = new RunwayML({ apiKey: apiSecret, baseURL: baseUrl, fetch: ctx.http.fetch, maxRetries: 0, logger: sdkLogger(ctx.logger) });
  }

  /** Starts a task: its id and the most it may cost, in Runway credits. */
  createTask(request: TaskRequest): Promise<{ id: string; credits: number }> {
    return this.call(async () => {
      const options = { signal: this.ctx.signal };
      // The model ids are configuration, so the body is checked by Runway, not by the SDK's per-model types.
      const created = request.endpoint === 'text_to_video'
        ? await this.sdk.textToVideo.create(request.body as unknown as RunwayML.TextToVideoCreateParams, options)
        : await this.sdk.imageToVideo.create(request.body as unknown as RunwayML.ImageToVideoCreateParams, options);
      return { id: created.id, credits: created.estimatedCost.credits };
    });
  }

  getTask(id: string): Promise<RunwayML.TaskRetrieveResponse> {
    return this.call(() => this.sdk.tasks.retrieve(id, { signal: this.ctx.signal }));
  }

  /** Cancels a task still running (Runway deletes one that has finished). */
  deleteTask(id: string): Promise<void> {
    return this.call(() => this.sdk.tasks.delete(id, { signal: this.ctx.signal }));
  }

  /** The organisation's balance and tier: the cheap authenticated read Runway offers. */
  organization(): Promise<{ creditBalance: number }> {
    return this.call(() => this.sdk.organization.retrieve({ signal: this.ctx.signal }));
  }

  /** A cancelled job rejects with its signal's reason; the API's answers become ProviderErrors. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    this.ctx.signal.throwIfAborted();
    try {
      return await request();
    } catch (err) {
      this.ctx.signal.throwIfAborted();
      throw providerErrorOf(err);
    }
  }
}

/** The SDK's log lines go to the call's logger (it logs with extra arguments, passed on as fields). */
function sdkLogger(logger: ProviderLogger) {
  const to = (level: keyof ProviderLogger) => (message: string, ...rest: unknown[]) => logger[level](`runway sdk: ${message}`, rest.length ? { details: rest } : undefined);
  return { debug: to('debug'), info: to('info'), warn: to('warn'), error: to('error') };
}
