import LumaAI from 'lumaai';
import type { Fetch } from 'lumaai/core';
import { ProviderError, type ProviderCallContext } from '../../../src/plugins';
import { providerErrorOf } from './luma-mapping';

/**
 * Luma's official client for one call: made per call, because the key is the call's (the
 * platform's or an organisation's own), with no retries of its own so the core's policy alone
 * decides. The SDK would send through node-fetch, which it bundles; its `fetch` option takes the
 * core's fetch instead (address guard, timeouts, the job's signal), and the `agent` it adds to each
 * request is ignored there.
 */
export class LumaClient {
  private readonly sdk: LumaAI;

  constructor(baseUrl: string, private readonly ctx: ProviderCallContext) {
    const apiKey = ctx.credentials?.values.apiKey;
    if (!apiKey) throw new ProviderError('invalid_credentials', 'luma: no API key for this call');
    // The SDK types its fetch with node-fetch's Request and Response; the core's is the standard one, which it reads the same way.
    this.sdk = new LumaAI({ authToken: apiKey, baseURL: baseUrl, fetch: ctx.http.fetch as unknown as Fetch, maxRetries: 0 });
  }

  createGeneration(body: LumaAI.GenerationCreateParams): Promise<LumaAI.Generation> {
    return this.call(() => this.sdk.generations.create(body, { signal: this.ctx.signal }));
  }

  getGeneration(id: string): Promise<LumaAI.Generation> {
    return this.call(() => this.sdk.generations.get(id, { signal: this.ctx.signal }));
  }

  /** Luma's only way to stop a generation: delete it. */
  deleteGeneration(id: string): Promise<void> {
    return this.call(() => this.sdk.generations.delete(id, { signal: this.ctx.signal }));
  }

  /** The account's credit balance: the cheap authenticated read Luma offers. */
  credits(): Promise<LumaAI.CreditGetResponse> {
    return this.call(() => this.sdk.credits.get({ signal: this.ctx.signal }));
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
