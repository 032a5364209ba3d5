import { createFalClient, type FalClient as Sdk, type QueueStatus } from '@fal-ai/client';
import { ProviderError, type ProviderCallContext, type ProviderFetch } from '../../../src/plugins';
import { errorFromResponse, type FalImageOutput } from './fal-mapping';
import { FAL_QUEUE_URL } from './fal-options.dto';

export type { QueueStatus };

/**
 * fal's official client for one call, its queue API only (submit, status, result, cancel; never its
 * blocking `subscribe`, which sleeps between polls), on the core's outbound fetch. The client builds
 * every queue URL on https://queue.fal.run: a request middleware moves them to `baseUrl`. It retries
 * 429 and 502-504 three times (a status read five) whatever its `retry` option says, so
 * the fetch it is given answers every non-2xx as a ProviderError, which it does not retry: the core's
 * retry policy decides instead.
 */
export class FalClient {
  private readonly sdk: Sdk;

  constructor(baseUrl: string, private readonly ctx: ProviderCallContext) {
    const target = baseUrl.replace(/\/$/, '');
    this.sdk = createFalClient({
      // Always given, so the client never falls back to the process's FAL_KEY for an organisation's call.
      credentials: ctx.credentials?.values.apiKey ?? '',
      fetch: failingFetch(ctx) as typeof fetch,
      requestMiddleware: async (request) => ({ ...request, url: target + request.url.slice(FAL_QUEUE_URL.length) }),
      retry: { maxRetries: 0 },
    });
  }

  /** With `webhookUrl`, fal posts the outcome there (`?fal_webhook=`) when the request ends. */
  submit(endpoint: string, input: Record<string, unknown>, webhookUrl?: string): Promise<{ request_id: string }> {
    return this.call(() => this.sdk.queue.submit(endpoint, { input, webhookUrl, abortSignal: this.ctx.signal }));
  }

  status(endpoint: string, requestId: string): Promise<QueueStatus> {
    return this.call(() => this.sdk.queue.status(endpoint, { requestId, abortSignal: this.ctx.signal }));
  }

  async result(endpoint: string, requestId: string): Promise<FalImageOutput> {
    return (await this.call(() => this.sdk.queue.result(endpoint, { requestId, abortSignal: this.ctx.signal }))).data as FalImageOutput;
  }

  cancel(endpoint: string, requestId: string): Promise<void> {
    return this.call(() => this.sdk.queue.cancel(endpoint, { requestId, abortSignal: this.ctx.signal }));
  }

  /** A cancelled job rejects with its signal's reason, whatever the client made of the abort. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    this.ctx.signal.throwIfAborted();
    try {
      return await request();
    } catch (err) {
      this.ctx.signal.throwIfAborted();
      throw err;
    }
  }
}

/**
 * The core's fetch, answering a non-2xx as its ProviderError and a dropped connection as a
 * `transient` one. Neither carries the network error as its cause: the client walks the causes and
 * retries what looks like a connection reset.
 */
function failingFetch(ctx: ProviderCallContext): ProviderFetch {
  return async (input, init) => {
    let res: Response;
    try {
      res = await ctx.http.fetch(input, init);
    } catch (err) {
      if (ctx.signal.aborted || (err instanceof Error && err.name === 'AbortError')) throw err;
      throw new ProviderError('transient', `fal: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!res.ok) throw errorFromResponse(res.status, res.headers, await res.text());
    return res;
  };
}
