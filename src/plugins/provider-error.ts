/**
 * What went wrong at a provider, in the few kinds the core acts on. Only `transient` and
 * `rate_limited` are worth another try (the job is queued again, after `retryAfterMs` when the
 * provider said how long to wait). `invalid_credentials` and `quota_exhausted` (an empty balance, a
 * spent quota) say the key is of no use for now: it is not tried again. The other kinds fail the
 * job at once with their catalogue code.
 */
export type ProviderErrorKind = 'transient' | 'rate_limited' | 'invalid_credentials' | 'quota_exhausted' | 'content_rejected' | 'invalid_input' | 'unavailable';

export const PROVIDER_ERROR_KINDS: readonly ProviderErrorKind[] = ['transient', 'rate_limited', 'invalid_credentials', 'quota_exhausted', 'content_rejected', 'invalid_input', 'unavailable'];

export interface ProviderErrorOptions {
  /** rate_limited: how long the provider asked to wait, in milliseconds. */
  retryAfterMs?: number;
  /** The provider's own error code or request id, for the logs. */
  detail?: string;
  cause?: unknown;
}

/** The one error a provider plugin throws; anything else is treated as `transient`. */
export class ProviderError extends Error {
  readonly retryAfterMs?: number;
  readonly detail?: string;

  constructor(readonly kind: ProviderErrorKind, message: string, options: ProviderErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'ProviderError';
    this.retryAfterMs = options.retryAfterMs;
    this.detail = options.detail;
  }

  get retryable(): boolean {
    return this.kind === 'transient' || this.kind === 'rate_limited';
  }
}

/**
 * The kind an HTTP answer stands for, by status alone: 401 and 403 are the key, 402 an empty balance, 429 a rate limit
 * (with Retry-After), 400 and 422 the input, 5xx, 408 and 409 worth a retry. A plugin that knows its
 * API better (a 400 that means moderation, a 429 that means an empty balance) decides first and
 * calls this for the rest.
 */
export function providerErrorFromStatus(status: number, message: string, headers?: { get(name: string): string | null }): ProviderError {
  if (status === 401 || status === 403) return new ProviderError('invalid_credentials', message, { detail: `HTTP ${status}` });
  if (status === 402) return new ProviderError('quota_exhausted', message, { detail: 'HTTP 402' });
  if (status === 429) return new ProviderError('rate_limited', message, { retryAfterMs: headers ? retryAfterMs(headers) : undefined, detail: 'HTTP 429' });
  if (status === 408 || status === 409 || status >= 500) return new ProviderError('transient', message, { detail: `HTTP ${status}` });
  if (status === 400 || status === 413 || status === 422) return new ProviderError('invalid_input', message, { detail: `HTTP ${status}` });
  return new ProviderError('unavailable', message, { detail: `HTTP ${status}` });
}

/** `retry-after-ms`, else `retry-after` in seconds or as an HTTP date; undefined when neither says. */
export function retryAfterMs(headers: { get(name: string): string | null }, now = Date.now()): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
