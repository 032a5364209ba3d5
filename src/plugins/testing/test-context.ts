import type { ProviderCallContext, ProviderCallReport, ProviderCredentials } from '../provider-context';

const silent = () => undefined;

/**
 * A call context for a plugin's own tests: Node's fetch bound to the signal, a silent logger, reports
 * handed to `onReport`. The core's context adds the address guard and its timeouts; the contract is the same.
 */
export function providerTestContext(
  overrides: { signal?: AbortSignal; credentials?: ProviderCredentials; callId?: string; onReport?: (report: ProviderCallReport) => void } = {},
): ProviderCallContext {
  const signal = overrides.signal ?? new AbortController().signal;
  return {
    credentials: overrides.credentials,
    signal,
    callId: overrides.callId ?? 'test-call',
    logger: { debug: silent, info: silent, warn: silent, error: silent },
    report: overrides.onReport ?? silent,
    http: { fetch: (input, init) => fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal }) },
  };
}
