import { Logger } from '@nestjs/common';
import type { OutboundHttp } from '../common/net/outbound-http';
import type { RegisteredProvider } from '../plugins/plugin-registry';
import type { ProviderCallContext, ProviderCallReport, ProviderCredentials } from '../plugins/provider-context';
import { providerHttp } from './provider-http';

/** The context of one call to a provider: its key, the core's HTTP client bound to `signal`, a logger naming the provider (and job). */
export function callContext(
  http: OutboundHttp,
  provider: RegisteredProvider,
  call: { credentials: ProviderCredentials | undefined; signal: AbortSignal; callId: string; jobId?: string; onReport?: (report: ProviderCallReport) => void; webhookUrl?: string },
): ProviderCallContext {
  const logger = new Logger(`provider:${provider.id}`);
  const log = (level: 'debug' | 'log' | 'warn' | 'error') => (message: string, fields: Record<string, unknown> = {}) =>
    logger[level]({ ...(call.jobId ? { jobId: call.jobId } : {}), ...fields }, message);
  return {
    credentials: call.credentials,
    http: providerHttp(http, provider.trustedOrigin, call.signal),
    signal: call.signal,
    logger: { debug: log('debug'), info: log('log'), warn: log('warn'), error: log('error') },
    callId: call.callId,
    report: call.onReport ?? (() => undefined),
    ...(call.webhookUrl ? { webhookUrl: call.webhookUrl } : {}),
  };
}
