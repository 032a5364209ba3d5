import { ApiError, GoogleGenAI, type GenerateContentParameters, type GenerateContentResponse } from '@google/genai';
import { ProviderError, type ProviderCallContext, type ProviderFetch } from '../../../src/plugins';
import { bodyOfMessage, errorFromAnswer, type GoogleErrorBody } from './google-mapping';

/** The Gemini API version every call goes to (the SDK's default for the Gemini API). */
const API_VERSION = 'v1beta';

/**
 * The official client for one call, made per call because the key is the call's (the platform's or
 * an organisation's own): pointed at the id's base URL, on the core's fetch (address guard,
 * timeouts, the job's signal), and without retries (the SDK retries only when `retryOptions` is
 * set), so the core's retry policy alone decides. The fetch keeps the last answer's headers: the
 * SDK's ApiError carries only the status and the body.
 */
export class GoogleClient {
  private readonly sdk: GoogleGenAI;
  private readonly apiKey: string;
  private lastHeaders?: Headers;

  constructor(private readonly baseUrl: string, private readonly ctx: ProviderCallContext) {
    const apiKey = ctx.credentials?.values.apiKey;
    if (!apiKey) throw new ProviderError('invalid_credentials', 'google: no API key for this call');
    this.apiKey = apiKey;
    this.sdk = new GoogleGenAI({ apiKey, vertexai: false, httpOptions: { baseUrl, apiVersion: API_VERSION, fetch: this.fetch } });
  }

  private readonly fetch: ProviderFetch = async (input, init) => {
    const response = await this.ctx.http.fetch(input, init);
    this.lastHeaders = response.headers;
    return response;
  };

  generateContent(params: GenerateContentParameters): Promise<GenerateContentResponse> {
    return this.call(() => this.sdk.models.generateContent(params));
  }

  /**
   * An Imagen model's `POST /v1beta/models/{model}:predict`. The SDK's generateImages serves only
   * Vertex AI (it throws on the Gemini API), so this one request goes through the core's fetch
   * directly, with the same key header the SDK sends.
   */
  predict(model: string, body: Record<string, unknown>): Promise<{ predictions?: Array<Record<string, string>> }> {
    return this.call(async () => {
      const response = await this.fetch(`${this.baseUrl}/${API_VERSION}/models/${encodeURIComponent(model)}:predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goog-api-key': this.apiKey },
        body: JSON.stringify(body),
      });
      const answer = (await response.json().catch(() => undefined)) as GoogleErrorBody & { predictions?: Array<Record<string, string>> } | undefined;
      if (!response.ok) throw errorFromAnswer(response.status, answer, response.headers);
      return answer ?? {};
    });
  }

  /** The Google ids of the models the key may use (`GET /v1beta/models`), without the "models/" prefix. */
  listModels(): Promise<string[]> {
    return this.call(async () => {
      const ids: string[] = [];
      for await (const model of await this.sdk.models.list({ config: { pageSize: 1000, abortSignal: this.ctx.signal } })) {
        if (model.name) ids.push(model.name.replace(/^models\//, ''));
      }
      return ids;
    });
  }

  /** A cancelled job rejects with its signal's reason; the API's answers become ProviderErrors, a failed connection transient. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    this.ctx.signal.throwIfAborted();
    try {
      return await request();
    } catch (err) {
      this.ctx.signal.throwIfAborted();
      if (err instanceof ProviderError) throw err;
      if (err instanceof ApiError) throw errorFromAnswer(err.status, bodyOfMessage(err.message), this.lastHeaders);
      throw new ProviderError('transient', `google could not be reached: ${(err as Error).message}`, { cause: err });
    }
  }
}
