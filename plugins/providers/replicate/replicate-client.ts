import Replicate, { type ApiError, type Prediction } from 'replicate';
import type { ProviderCallContext, ProviderFetch } from '../../../src/plugins';
import { errorFromApi } from './replicate-mapping';

export type { Prediction };

/**
 * Replicate's official client for one call, on the core's outbound fetch. The SDK retries a 429 on
 * every request and a 5xx on a GET up to five times, with no option to stop it (lib/util.js
 * `withAutomaticRetries`); the core's retry policy must decide instead, so `onceFetch` lets each
 * request reach the network once and answers the SDK's retries of it with that first answer.
 */
export class ReplicateClient {
  private readonly sdk: Replicate;

  constructor(baseUrl: string, private readonly ctx: ProviderCallContext) {
    this.sdk = new Replicate({
      auth: ctx.credentials?.values.apiToken ?? '',
      baseUrl,
      fetch: onceFetch(ctx.http.fetch),
      useFileOutput: false,
      userAgent: 'darkroom-replicate-plugin',
    });
  }

  /** `model` is "owner/name" (an official model) or "owner/name:version"; with `webhook`, Replicate posts the prediction there when it ends. */
  createPrediction(model: string, input: Record<string, unknown>, waitSeconds: number, webhook?: string): Promise<Prediction> {
    const [name, version] = model.split(':');
    const target = version ? { version } : { model: name };
    const notify = webhook ? { webhook, webhook_events_filter: ['completed' as const] } : {};
    return this.call(() => this.sdk.predictions.create({ ...target, input, ...notify, wait: waitSeconds, signal: this.ctx.signal }));
  }

  getPrediction(id: string): Promise<Prediction> {
    return this.call(() => this.sdk.predictions.get(id, { signal: this.ctx.signal }));
  }

  cancelPrediction(id: string): Promise<Prediction> {
    return this.call(() => this.sdk.predictions.cancel(id, { signal: this.ctx.signal }));
  }

  account(): Promise<{ username: string }> {
    return this.call(() => this.sdk.accounts.current({ signal: this.ctx.signal }));
  }

  /** The account's webhook signing secret, "whsec_<base64>". */
  async webhookSecret(): Promise<string> {
    return (await this.call(() => this.sdk.webhooks.default.secret.get({ signal: this.ctx.signal }))).key;
  }

  /** A cancelled job rejects with its signal's reason; the API's answers become ProviderErrors. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    this.ctx.signal.throwIfAborted();
    try {
      return await request();
    } catch (err) {
      this.ctx.signal.throwIfAborted();
      if (isApiError(err)) throw errorFromApi(err.response, bodyOf(err));
      throw err;
    }
  }
}

/**
 * A fetch that sends each request once: the SDK calls it again with the very same `init` object to
 * retry, and gets a copy of the first answer (or the first failure) without another request.
 */
export function onceFetch(fetch: ProviderFetch): ProviderFetch {
  const answers = new WeakMap<object, Promise<Response>>();
  return (input, init) => {
    if (!init) return fetch(input, init);
    let answer = answers.get(init);
    if (!answer) {
      answer = fetch(input, init);
      answers.set(init, answer);
    }
    return answer.then((res) => res.clone());
  };
}

/** The SDK throws ApiError for a non-2xx answer, but exports it only as a type. */
function isApiError(err: unknown): err is ApiError {
  return err instanceof Error && err.name === 'ApiError' && typeof (err as Partial<ApiError>).response?.status === 'number';
}

/** The SDK has read the answer's body already, and put it in its message: "... failed with status 429 Too Many Requests: <body>." */
function bodyOf(err: ApiError): string {
  return /failed with status \d+[^:]*: ([\s\S]*)\.$/.exec(err.message)?.[1] ?? '';
}
