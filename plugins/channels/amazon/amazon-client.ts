import { SellingPartner } from 'amazon-sp-api';
import { PluginError, pluginErrorFromStatus, type ChannelCallContext, type ChannelConnection } from '../../../src/plugins';
import type { AmazonCredentials, AmazonOptions, SpApiRegion } from './amazon-credentials.dto';
import { AmazonAgent } from './amazon-transport';

const ACCESS = 'access';
/** LWA access tokens live one hour; amazon-sp-api keeps `expires_in` to itself. */
const ACCESS_TOKEN_SECONDS = 3600;
/** A request with no full answer by then is given up on (and is `transient`). */
const DEADLINE_MS = 30_000;
/** The documented rate of each operation (requests per second), for a 429 that names none. */
const DOCUMENTED_RATES: Record<SpApiOperation, number> = {
  'listingsItems.searchListingsItems': 5,
  'listingsItems.getListingsItem': 5,
  'listingsItems.patchListingsItem': 5,
  'sellers.getMarketplaceParticipations': 0.016,
};

export type SpApiOperation = 'listingsItems.searchListingsItems' | 'listingsItems.getListingsItem' | 'listingsItems.patchListingsItem' | 'sellers.getMarketplaceParticipations';

export interface SpApiRequest {
  operation: SpApiOperation;
  path?: Record<string, string>;
  query?: Record<string, string | number | string[] | undefined>;
  body?: object;
}

/** What amazon-sp-api answers with `raw_result`. */
interface RawResult {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface SpApiErrorJson {
  errors?: { code: string; message: string; details?: string }[];
}

/**
 * The Selling Partner API for one connection, through amazon-sp-api: the client builds each
 * operation's path, query and headers and signs in with LWA; this wrapper keeps the hourly access
 * token in the connection's token cache (one LWA call however many race for it), signs in again
 * once when SP-API refuses the token, and turns SP-API's answers into the SDK's error kinds.
 */
export class AmazonClient {
  constructor(private readonly options: AmazonOptions, private readonly connection: ChannelConnection<AmazonCredentials>, private readonly ctx: ChannelCallContext) {}

  async call<T>(request: SpApiRequest): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.connection.tokens.get(ACCESS, () => this.signIn());
      const res = await this.send((sp) =>
        sp.callAPI({
          operation: request.operation,
          path: { ...request.path },
          query: request.query,
          body: request.body,
          options: { raw_result: true },
        } as unknown as Parameters<SellingPartner['callAPI']>[0]) as unknown as Promise<RawResult>,
        token,
      );
      const json = parse(res.body);
      if (res.statusCode >= 200 && res.statusCode < 300) return json as T;
      // SP-API answers an expired or revoked access token with 403 Unauthorized: sign in once more.
      if ((res.statusCode === 401 || res.statusCode === 403) && attempt === 0) {
        this.connection.tokens.drop(ACCESS, token);
        continue;
      }
      throw spApiError(res, json as SpApiErrorJson | null, request.operation);
    }
  }

  /** The refresh token for an access token, through the client's own LWA call. */
  private async signIn(): Promise<{ token: string; expiresInSeconds: number }> {
    let token = '';
    await this.send(async (sp) => {
      await sp.refreshAccessToken();
      token = sp.access_token;
    });
    return { token, expiresInSeconds: ACCESS_TOKEN_SECONDS };
  }

  /** One amazon-sp-api call, on a client signed in as this connection. */
  private send<R>(run: (sp: SellingPartner) => Promise<R>, accessToken?: string): Promise<R> {
    const { region, refreshToken } = this.connection.credentials;
    return withSellingPartner(this.options, this.ctx, { region, refreshToken, accessToken }, run);
  }
}

/**
 * Runs `run` on an amazon-sp-api client made for this one call: its own agent bound to the call's
 * signal, the app's credentials given (never read from the environment or a file), and no waiting
 * or retrying of its own. Without a refresh token it can only exchange an authorisation code.
 */
export async function withSellingPartner<R>(
  options: AmazonOptions,
  ctx: ChannelCallContext,
  seller: { region: SpApiRegion; refreshToken?: string; accessToken?: string },
  run: (sp: SellingPartner) => Promise<R>,
): Promise<R> {
  ctx.signal.throwIfAborted();
  const sp = new SellingPartner({
    region: seller.region,
    refresh_token: seller.refreshToken,
    access_token: seller.accessToken,
    endpoints_versions: { listingsItems: '2021-08-01' },
    credentials: { SELLING_PARTNER_APP_CLIENT_ID: options.clientId, SELLING_PARTNER_APP_CLIENT_SECRET: options.clientSecret },
    options: {
      // The core retries throttled and failed calls with backoff and paces them by rateLimits; the client must not wait or retry on its own.
      auto_request_tokens: false,
      auto_request_throttled: false,
      retry_remote_timeout: false,
      only_grantless_operations: !seller.refreshToken,
      timeouts: { deadline: DEADLINE_MS },
      https_proxy_agent: new AmazonAgent({ spApi: options.spApiBaseUrl ? new URL(options.spApiBaseUrl) : undefined, lwa: options.lwaBaseUrl ? new URL(options.lwaBaseUrl) : undefined }, ctx.signal),
    },
  });
  try {
    return await run(sp);
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw clientError(err);
  }
}

function parse(body: string): unknown {
  try {
    return body ? JSON.parse(body) : null;
  } catch {
    return null;
  }
}

/** What amazon-sp-api threw: LWA's OAuth errors by their code, its own timeouts and network failures as transient. */
function clientError(err: unknown): PluginError {
  if (err instanceof PluginError) return err;
  const code = (err as { code?: string }).code ?? '';
  const message = (err as { message?: string }).message ?? String(err);
  // LWA answers a revoked or unknown refresh token with invalid_grant, a wrong app secret with invalid_client.
  if (code === 'invalid_grant' || code === 'invalid_client' || code === 'unauthorized_client') return new PluginError('invalid_credentials', `Amazon refused to sign in: ${message}`, { detail: code });
  return new PluginError('transient', `Amazon did not answer: ${code ? `${code} ` : ''}${message}`, { detail: code || undefined, cause: err });
}

/**
 * SP-API's refusals: 429 QuotaExceeded waits as long as the operation's rate (x-amzn-RateLimit-Limit,
 * requests per second) takes to let one more through; a SKU it does not have is the request's fault
 * (invalid_input); the rest by status.
 */
function spApiError(res: RawResult, json: SpApiErrorJson | null, operation: SpApiOperation): PluginError {
  const first = json?.errors?.[0];
  const message = `Amazon ${operation.split('.')[1]}: ${first ? `${first.code}: ${first.message}` : `HTTP ${res.statusCode}`}`;
  const header = (name: string) => {
    const value = res.headers[name];
    return (Array.isArray(value) ? value[0] : value) ?? null;
  };
  if (res.statusCode === 429) {
    const rate = Number(header('x-amzn-ratelimit-limit'));
    const retryAfterMs = Math.ceil(1000 / (rate > 0 ? rate : DOCUMENTED_RATES[operation]));
    return new PluginError('rate_limited', message, { retryAfterMs, detail: `HTTP 429 ${header('x-amzn-requestid') ?? ''}`.trim() });
  }
  if (res.statusCode === 404) return new PluginError('invalid_input', message, { detail: 'HTTP 404' });
  return pluginErrorFromStatus(res.statusCode, message, { get: header });
}
