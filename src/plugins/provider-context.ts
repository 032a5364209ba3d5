/**
 * Whose key a call runs with: the platform's (from the instance's configured `credentials`) or the
 * organisation's own (BYOK). `values` has the fields of the plugin's `credentials` DTO.
 */
export interface ProviderCredentials<V extends object = Record<string, string>> {
  owner: 'platform' | 'organization';
  values: Readonly<V>;
}

/** A fetch-compatible function: official SDKs take it as their `fetch` option. */
export type ProviderFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * The core's outbound HTTP client, narrowed to fetch. It adds the job's abort signal and a timeout
 * to every request, and refuses loopback and private addresses (unless ALLOW_PRIVATE_URLS) except
 * on the origin of the instance's own `baseUrl` option, which the operator chose.
 */
export interface ProviderHttp {
  fetch: ProviderFetch;
}

export interface ProviderLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What the core hands a plugin with each call. */
export interface ProviderCallContext<C extends object = Record<string, string>> {
  /** Undefined for plugins that declare no `credentials`. */
  credentials?: ProviderCredentials<C>;
  http: ProviderHttp;
  /**
   * Aborts when the job is cancelled. `http.fetch` already listens to it; check it between steps of
   * your own and reject with its reason as soon as it fires, whatever work is still in flight.
   */
  signal: AbortSignal;
  logger: ProviderLogger;
  /**
   * The same for every attempt of the same call of the same job: send it as the backend's
   * idempotency key where it has one, so a retried submit is not paid twice.
   */
  callId: string;
  /**
   * Tells the core what the backend said about this call, as soon as it is known: its request id
   * (for support), what it cost in its own currency, how far along slow work is. Each field is
   * optional and a later report overrides an earlier one; the core records them on the job's step.
   */
  report(report: ProviderCallReport): void;
  /**
   * Where the backend may post when the remote work of this call ends (RemoteWork.verifyWebhook):
   * set only when PROVIDER_WEBHOOKS is on and the plugin verifies deliveries. Without it, poll.
   */
  webhookUrl?: string;
}

/** An amount in the provider's own currency: `USD`, or its credits (`stability-credits`). */
export interface ProviderCost {
  amount: number;
  currency: string;
}

export interface ProviderCallReport {
  /** The backend's id of the request (x-request-id, the prediction or task id). */
  requestId?: string;
  /** What the backend charged, or its list price when it does not say. */
  cost?: ProviderCost;
  /** How far along, from 0 to 1. */
  progress?: number;
}
