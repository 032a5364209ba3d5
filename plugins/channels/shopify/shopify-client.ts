import type { Shopify } from '@shopify/shopify-api';
import { PluginError, pluginErrorFromStatus, type ChannelCallContext, type ChannelConnection, type PluginLogger } from '../../../src/plugins';
import type { ShopifyCredentials, ShopifyOptions } from './shopify-credentials.dto';
import { shopifyLibrary, withShopifyFetch } from './shopify-transport';

const { ApiVersion, GraphqlQueryError, HttpRequestError, HttpResponseError, HttpThrottlingError, LogSeverity, Session, shopifyApi } = shopifyLibrary;

/** The pinned GraphQL Admin API version: the newest this library release knows. */
export const SHOPIFY_API_VERSION = ApiVersion.July26;

const ACCESS = 'access';

interface Cost {
  requestedQueryCost?: number;
  throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

/**
 * The GraphQL Admin API of one connection, through @shopify/shopify-api (its requests go through
 * ctx.http, see shopify-transport.ts): signs with the connection's access token, or one granted by
 * client credentials and kept in the connection's token cache, and turns Shopify's answers into the
 * SDK's error kinds.
 */
export class ShopifyClient {
  constructor(
    private readonly connection: ChannelConnection<ShopifyCredentials>,
    private readonly ctx: ChannelCallContext,
    private readonly options: ShopifyOptions,
  ) {}

  /** The `data` of a query or mutation; a refused granted token is renewed once. */
  async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      try {
        return await this.run(async () => {
          const session = new Session({ id: `offline_${this.shop}`, shop: this.shop, state: '', isOnline: false, accessToken: token });
          const client = new (this.library().clients.Graphql)({ session });
          const response = await client.request<T>(query, { variables, signal: this.ctx.signal });
          return response.data as T;
        });
      } catch (err) {
        const granted = !this.connection.credentials.accessToken;
        if (granted && attempt === 0 && err instanceof HttpResponseError && err.response.code === 401) {
          this.connection.tokens.drop(ACCESS, token);
          continue;
        }
        throw this.pluginError(err);
      }
    }
  }

  /** Sends bytes to a staged upload target (a signed form POST to Shopify's storage). */
  async upload(target: { url: string; parameters: { name: string; value: string }[] }, data: Buffer, mimeType: string, filename: string): Promise<void> {
    const form = new FormData();
    for (const { name, value } of target.parameters) form.append(name, value);
    form.append('file', new Blob([data], { type: mimeType }), filename);
    let res: Response;
    try {
      res = await this.ctx.http.fetch(target.url, { method: 'POST', body: form });
    } catch (err) {
      throw this.pluginError(err);
    }
    if (!res.ok) throw pluginErrorFromStatus(res.status, `Shopify's staged upload answered HTTP ${res.status}`, res.headers);
  }

  private get shop(): string {
    return this.connection.credentials.shop;
  }

  private async accessToken(): Promise<string> {
    const { accessToken, clientId, clientSecret } = this.connection.credentials;
    if (accessToken) return accessToken;
    if (!clientId || !clientSecret) throw new PluginError('invalid_credentials', 'a Shopify connection needs an access token, or a client id and secret');
    return this.connection.tokens.get(ACCESS, async () => {
      try {
        const { session } = await this.run(() => this.library(clientId, clientSecret).auth.clientCredentials({ shop: this.shop }));
        const seconds = session.expires ? Math.round((session.expires.getTime() - Date.now()) / 1000) : 86_399;
        return { token: session.accessToken!, expiresInSeconds: seconds };
      } catch (err) {
        // The token endpoint answers a refused app with 400 or 401.
        if (err instanceof HttpResponseError && [400, 401, 403].includes(err.response.code)) throw new PluginError('invalid_credentials', `Shopify refused the app's client credentials for ${this.shop}`, { detail: `HTTP ${err.response.code}` });
        throw this.pluginError(err);
      }
    });
  }

  private run<T>(work: () => Promise<T>): Promise<T> {
    return withShopifyFetch(this.ctx.http.fetch, this.options.baseUrl, work);
  }

  private library(apiKey?: string, apiSecretKey?: string): Shopify {
    return shopifyLibraryFor(this.options, this.ctx.logger, apiKey, apiSecretKey);
  }

  private pluginError(err: unknown): unknown {
    if (this.ctx.signal.aborted) return this.ctx.signal.reason;
    if (err instanceof PluginError) return err;
    if (err instanceof GraphqlQueryError) return graphqlError(err);
    if (err instanceof HttpThrottlingError) return new PluginError('rate_limited', 'Shopify is throttling this shop', { retryAfterMs: Math.max(1, err.response.retryAfter ?? 1) * 1000, detail: 'HTTP 429' });
    if (err instanceof HttpResponseError) {
      const { code } = err.response;
      // 404: no shop at that domain; 402 and 423: the shop is frozen or locked.
      if (code === 404) return new PluginError('invalid_credentials', `Shopify has no shop ${this.shop}`, { detail: 'HTTP 404' });
      if (code === 402 || code === 423) return new PluginError('unavailable', `Shopify has closed or locked ${this.shop}`, { detail: `HTTP ${code}` });
      return pluginErrorFromStatus(code, `Shopify answered HTTP ${code} for ${this.shop}`, { get: () => null });
    }
    if (err instanceof HttpRequestError) return new PluginError('transient', `Shopify did not answer: ${err.message}`, { cause: err });
    return new PluginError('transient', `Shopify call failed: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The library, made per call so it logs to the call. It wants an app's key and secret and the app's
 * host even to send a query with a token; only the client-credentials grant and the OAuth callback's
 * HMAC read them, and the host only its own OAuth flow, which Darkroom does not use.
 */
export function shopifyLibraryFor(options: ShopifyOptions, logger?: PluginLogger, apiKey = options.clientId ?? 'darkroom', apiSecretKey = options.clientSecret ?? 'darkroom'): Shopify {
  return shopifyApi({
    apiKey,
    apiSecretKey,
    hostName: 'darkroom.invalid',
    apiVersion: SHOPIFY_API_VERSION,
    isEmbeddedApp: false,
    logger: { level: LogSeverity.Warning, log: (severity, message) => (severity === LogSeverity.Error ? logger?.error(message) : logger?.warn(message)) },
  });
}

/**
 * A GraphQL answer with errors: THROTTLED waits until the bucket holds the query's cost again, at
 * the restore rate `extensions.cost.throttleStatus` names; ACCESS_DENIED is the token's scopes.
 */
function graphqlError(err: InstanceType<typeof GraphqlQueryError>): PluginError {
  const errors = (err.body?.errors?.graphQLErrors ?? []) as { message: string; extensions?: { code?: string } }[];
  const codes = errors.map((e) => e.extensions?.code);
  const message = `Shopify: ${errors.map((e) => e.message).join('; ') || err.message}`;
  if (codes.includes('THROTTLED')) {
    const cost = (err.body?.extensions?.cost ?? {}) as Cost;
    const status = cost.throttleStatus;
    const missing = Math.max(1, (cost.requestedQueryCost ?? 1) - (status?.currentlyAvailable ?? 0));
    return new PluginError('rate_limited', message, { retryAfterMs: Math.ceil((missing / (status?.restoreRate || 50)) * 1000), detail: 'THROTTLED' });
  }
  if (codes.includes('ACCESS_DENIED')) return new PluginError('invalid_credentials', message, { detail: 'ACCESS_DENIED' });
  if (codes.includes('INTERNAL_SERVER_ERROR')) return new PluginError('transient', message, { detail: 'INTERNAL_SERVER_ERROR' });
  return new PluginError('invalid_input', message, { detail: codes.find(Boolean) ?? 'GRAPHQL' });
}
