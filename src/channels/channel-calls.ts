import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { SecretBox } from '../common/crypto/secret-box';
import { OutboundHttp } from '../common/net/outbound-http';
import { UrlNotAllowed } from '../common/net/url-guard';
import { FinalJobError, TransientJobError } from '../jobs/job-handler';
import type { ChannelCallContext, ChannelConnection } from '../plugins/channel-connection';
import type { ChannelCall } from '../plugins/channel-plugin';
import { MemoryTokenCache } from '../plugins/channel-connection';
import { ProviderError } from '../plugins/provider-error';
import { PluginRegistry, type RegisteredChannel } from '../plugins/plugin-registry';
import { providerHttp } from '../providers/provider-http';
import { ChannelAttention } from './channel-attention';
import type { ChannelConnectionRecord } from './channel-connection.entity';
import { ChannelConnectionsRepository } from './channel-connections.repository';
import { ChannelPacer } from './channel-pacer';

/** A call to a store that has not ended in this long has failed (a sync page, a connect). */
const CALL_TIMEOUT_MS = 60_000;

/** What a store's refusal is to the caller: its catalogue code, and the store's own words. */
export function channelErrorOf(err: unknown, channel: string): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof UrlNotAllowed) return err.toAppError('credentials');
  if (!(err instanceof ProviderError)) return new AppError('channel_unavailable', `${channel} could not be reached: ${(err as Error).message}`, { channel });
  const message = `${channel}: ${err.message}`;
  switch (err.kind) {
    case 'invalid_credentials':
      return new AppError('channel_credentials_invalid', message, { channel });
    case 'rate_limited':
      return new AppError('channel_rate_limited', message, { channel, ...(err.retryAfterMs ? { retryAfterSeconds: Math.ceil(err.retryAfterMs / 1000) } : {}) });
    case 'invalid_input':
    case 'content_rejected':
      return new AppError('validation_failed', message, { channel, fields: [] });
    default:
      return new AppError('channel_unavailable', message, { channel });
  }
}

/** A store's refusal as a job's end: throttling and outages are tried again, the rest is final. */
export function channelJobError(err: unknown): Error {
  if (!(err instanceof AppError)) return err as Error;
  if (err.code === 'channel_rate_limited') return new TransientJobError(err.code, err.message, Number(err.details.retryAfterSeconds ?? 0) * 1000 || undefined);
  if (err.code === 'channel_unavailable') return new TransientJobError(err.code, err.message);
  return new FinalJobError(err.code, err.message);
}

/**
 * Calls a channel plugin for one of an organisation's connections: the plugin the connection names,
 * its credentials opened for the call (a rotated one sealed back before the call returns), its
 * short-lived tokens kept per connection in this process, and the core's outbound client, which
 * refuses private addresses (store URLs are customer input).
 */
@Injectable()
export class ChannelCalls {
  private readonly tokens = new Map<string, MemoryTokenCache>();
  private readonly pacer = new ChannelPacer();

  constructor(
    private readonly registry: PluginRegistry,
    private readonly http: OutboundHttp,
    private readonly box: SecretBox,
    private readonly connections: ChannelConnectionsRepository,
    private readonly attention: ChannelAttention,
  ) {}

  /** The configured channel plugin, or 409 channel_not_configured naming those that are. */
  plugin(channel: string): RegisteredChannel {
    const found = this.registry.channel(channel);
    if (!found) {
      const configured = this.registry.listChannels().map((c) => c.metadata.id);
      throw new AppError('channel_not_configured', `The channel "${channel}" is not configured here${configured.length ? `; configured: ${configured.join(', ')}` : ' (CHANNEL_PLUGINS is empty)'}`, { channel, configured });
    }
    return found;
  }

  /**
   * Runs `call` for a connection's record, its plugin's errors turned into catalogue codes, once the
   * channel's budget for `name` allows (ChannelPacer). Credentials the store refuses mark the
   * connection needs_attention, with the store's words, whatever the call (ChannelAttention: the
   * organisation hears of it once).
   */
  async run<T>(record: ChannelConnectionRecord, name: ChannelCall, call: (channel: RegisteredChannel, connection: ChannelConnection, ctx: ChannelCallContext) => Promise<T>): Promise<T> {
    const channel = this.plugin(record.channel);
    await this.pacer.take(record.id, channel.metadata.rateLimits, name);
    const credentials = JSON.parse(this.box.open(record.sealedCredentials)) as object;
    try {
      return await this.runWith(channel, { id: record.id, orgId: record.orgId, credentials }, call, true);
    } catch (err) {
      if (err instanceof AppError && err.code === 'channel_credentials_invalid') await this.attention.mark(record, err.message);
      throw err;
    }
  }

  /**
   * As run(), for credentials in hand: `stored` says whether the connection's row holds them (a
   * rotated credential is sealed back into it), or they are being checked before it is written (a
   * rotated credential then stays in `target.credentials`, for the caller to store).
   */
  async runWith<T>(
    channel: RegisteredChannel,
    target: { id: string; orgId: string; credentials: object },
    call: (channel: RegisteredChannel, connection: ChannelConnection, ctx: ChannelCallContext) => Promise<T>,
    stored: boolean,
  ): Promise<T> {
    let credentials = target.credentials;
    const connection: ChannelConnection = {
      id: target.id,
      orgId: target.orgId,
      get credentials() {
        return credentials;
      },
      updateCredentials: async (next) => {
        credentials = next;
        target.credentials = next;
        if (stored) await this.connections.update(target.orgId, target.id, { sealedCredentials: this.box.seal(JSON.stringify(next)) });
      },
      tokens: this.tokensOf(target.id),
    };
    const signal = AbortSignal.timeout(CALL_TIMEOUT_MS);
    try {
      return await call(channel, connection, this.context(channel, signal));
    } catch (err) {
      throw channelErrorOf(err, channel.metadata.id);
    }
  }

  /** Forgets a connection's tokens and budgets (it was deleted). */
  forget(connectionId: string): void {
    this.tokens.delete(connectionId);
    this.pacer.forget(connectionId);
  }

  private tokensOf(connectionId: string): MemoryTokenCache {
    let cache = this.tokens.get(connectionId);
    if (!cache) this.tokens.set(connectionId, (cache = new MemoryTokenCache()));
    return cache;
  }

  private context(channel: RegisteredChannel, signal: AbortSignal): ChannelCallContext {
    const logger = new Logger(`channel:${channel.metadata.id}`);
    const log = (level: 'debug' | 'log' | 'warn' | 'error') => (message: string, fields: Record<string, unknown> = {}) => logger[level](fields, message);
    return {
      http: providerHttp(this.http, null, signal),
      signal,
      logger: { debug: log('debug'), info: log('log'), warn: log('warn'), error: log('error') },
    };
  }
}
