import { randomBytes } from 'node:crypto';
// The fake server alone, not the testing index, which loads vitest: `npm run fakes` runs this outside tests.
import { startFakeServer, type FakeRequest, type FakeResponse, type FakeServer } from '../../../src/plugins/testing/fake-server';
import type { ChannelContractStore, ChannelProductSeed } from '../../../src/plugins/testing';
import { fakeImages, type FakeImages } from '../../../src/plugins/testing/fake-images';
import type { AmazonCredentials, AmazonOptions } from './amazon-credentials.dto';
import { FakeListings, SpApiHttpError } from './fake-listings';

export const AMAZON_FAKE_CLIENT_ID = 'amzn1.application-oa2-client.darkroomfake';
export const AMAZON_FAKE_CLIENT_SECRET = 'amzn1.oa2-cs.v1.darkroom-fake-secret';
export const AMAZON_FAKE_APPLICATION_ID = 'amzn1.sp.solution.darkroom-fake';
export const AMAZON_FAKE_SELLER_ID = 'A3DARKROOMDEMO';
/** LWA takes an authorisation code for five minutes, once. */
const CODE_LIFE_MS = 5 * 60_000;
const US = { id: 'ATVPDKIKX0DER', name: 'Amazon.com', countryCode: 'US', defaultCurrencyCode: 'USD', defaultLanguageCode: 'en_US', domainName: 'www.amazon.com' };

/** The documented usage plans (requests per second and burst) of the operations the fake serves. */
const USAGE_PLANS: Record<string, { rate: number; burst: number }> = {
  searchListingsItems: { rate: 5, burst: 5 },
  getListingsItem: { rate: 5, burst: 10 },
  patchListingsItem: { rate: 5, burst: 5 },
  getMarketplaceParticipations: { rate: 0.016, burst: 15 },
};

export interface AmazonFakeOptions {
  /** Overrides every operation's burst: tests that call faster than Amazon allows raise it. */
  burst?: number;
  /** Seconds an access token lives (3600, as LWA's). */
  accessTokenSeconds?: number;
}

/** x-amzn-RateLimit-Limit as SP-API writes it: "5.0", "0.0167". */
const rateHeader = (rate: number) => (Number.isInteger(rate) ? rate.toFixed(1) : String(rate));
const token = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

/**
 * Login with Amazon and the Selling Partner API on 127.0.0.1, as amazon-sp-api reaches them through
 * the plugin's `spApiBaseUrl` and `lwaBaseUrl` (one server serves both): refresh tokens exchanged
 * for hourly access tokens (`invalid_grant`, `invalid_client`), SP-API's 403 Unauthorized for a bad
 * or expired token or another seller's id, each operation's usage plan as a token bucket answering
 * 429 QuotaExceeded with `x-amzn-RateLimit-Limit`, the Sellers API's marketplace participations and
 * the Listings Items API (fake-listings.ts). Written from the SP-API models and the LWA docs.
 */
export class AmazonSpApiFake implements ChannelContractStore<AmazonCredentials> {
  private server!: FakeServer;
  private readonly listings = new FakeListings(US.id);
  private images!: FakeImages;
  private readonly refreshTokens = new Set<string>();
  private readonly codes = new Map<string, number>();
  private readonly accessTokens = new Map<string, number>();
  private readonly buckets = new Map<string, { level: number; at: number }>();
  private readonly options: Required<AmazonFakeOptions>;
  private throttled = false;
  private failure: number | null = null;
  private delayMs = 0;
  /** How many access tokens LWA issued. */
  tokensIssued = 0;

  constructor(options: AmazonFakeOptions = {}) {
    this.options = { burst: 0, accessTokenSeconds: 3600, ...options };
  }

  async start(): Promise<this> {
    this.images = await fakeImages();
    this.server = await startFakeServer((req) => this.serve(req));
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  get baseUrl(): string {
    return this.server.url;
  }

  /** Every request received, oldest first. */
  get requests(): FakeRequest[] {
    return this.server.requests;
  }

  /** The plugin's options for this fake: the app's LWA client and both base URLs. */
  pluginOptions(): AmazonOptions {
    return { clientId: AMAZON_FAKE_CLIENT_ID, clientSecret: AMAZON_FAKE_CLIENT_SECRET, applicationId: AMAZON_FAKE_APPLICATION_ID, sellerCentralUrl: this.baseUrl, spApiBaseUrl: this.baseUrl, lwaBaseUrl: this.baseUrl };
  }

  /** A seller's authorisation of the app: its credentials, as the website authorisation workflow ends with. */
  install(): AmazonCredentials {
    const refreshToken = token('Atzr|');
    this.refreshTokens.add(refreshToken);
    return { sellerId: AMAZON_FAKE_SELLER_ID, marketplaceIds: [US.id], region: 'na', refreshToken };
  }

  /** What `npm run fakes` prints: the plugin's options and a connection's credentials. */
  demo(): { options: AmazonOptions; credentials: AmazonCredentials } {
    return { options: this.pluginOptions(), credentials: this.install() };
  }

  expireAccessTokens(): void {
    this.accessTokens.clear();
  }

  /** The next SP-API request fails with this status (500 InternalFailure, 503 ServiceUnavailable). */
  failNext(status: 500 | 503): void {
    this.failure = status;
  }

  /** The next listing submission (a patch not in VALIDATION_PREVIEW mode) is carried out, but answered only after this long: the client has given up by then. */
  delayNextSubmission(ms: number): void {
    this.delayMs = ms;
  }

  // --- ChannelContractStore ---

  async resetCatalogue(products: ChannelProductSeed[]): Promise<string[]> {
    return this.listings.reset(products, this.images, this.baseUrl);
  }

  throttleNext(): void {
    this.throttled = true;
  }

  publishAsynchronously(checks = 2): void {
    this.listings.processNextAsynchronously(checks);
  }

  // --- the HTTP API ---

  private async serve(req: FakeRequest): Promise<FakeResponse> {
    const url = new URL(req.url, this.baseUrl);
    if (req.method === 'GET' && url.pathname === '/apps/authorize/consent') return this.consent(url.searchParams);
    if (req.method === 'POST' && url.pathname === '/auth/o2/token') return this.lwa(req.body);
    const image = req.method === 'GET' ? this.listings.image(url.pathname) : undefined;
    if (image) return { headers: { 'content-type': image.mimeType }, body: image.data };
    const requestId = token('').slice(0, 12);
    try {
      const [operation, run] = this.route(req, url);
      const rate = this.drip(operation);
      const body = await run();
      if (this.delayMs && operation === 'patchListingsItem' && url.searchParams.get('mode') !== 'VALIDATION_PREVIEW') {
        const delay = this.delayMs;
        this.delayMs = 0;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
      return { headers: { 'x-amzn-requestid': requestId, 'x-amzn-ratelimit-limit': rate }, body };
    } catch (err) {
      if (!(err instanceof SpApiHttpError)) throw err;
      const headers: Record<string, string> = { 'x-amzn-requestid': requestId, ...(err.status === 429 ? { 'x-amzn-ratelimit-limit': err.details } : {}) };
      return { status: err.status, headers, body: { errors: [{ code: err.code, message: err.message, details: err.status === 429 ? '' : err.details }] } };
    }
  }

  /** Seller Central's consent page, as the seller's "Confirm" leaves it: back to the app with a code. */
  private consent(query: URLSearchParams): FakeResponse {
    const redirect = query.get('redirect_uri');
    if (query.get('application_id') !== AMAZON_FAKE_APPLICATION_ID || !redirect || !URL.canParse(redirect)) return { status: 400, body: 'This application is not available or the redirect URI does not match.' };
    const code = token('AN');
    this.codes.set(code, Date.now() + CODE_LIFE_MS);
    const back = new URL(redirect);
    back.search = new URLSearchParams({ state: query.get('state') ?? '', selling_partner_id: AMAZON_FAKE_SELLER_ID, spapi_oauth_code: code }).toString();
    return { status: 302, headers: { location: back.toString() } };
  }

  /** LWA's token endpoint, as amazon-sp-api calls it (a JSON body): a refresh token, or an authorisation code for one. */
  private lwa(raw: Buffer): FakeResponse {
    const body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, string>;
    if (body.client_id !== AMAZON_FAKE_CLIENT_ID || body.client_secret !== AMAZON_FAKE_CLIENT_SECRET) return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    if (body.grant_type === 'authorization_code') {
      const expires = this.codes.get(body.code);
      this.codes.delete(body.code);
      if (!expires || expires < Date.now()) return { status: 400, body: { error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : code' } };
      body.refresh_token = this.install().refreshToken;
    } else if (body.grant_type !== 'refresh_token' || !this.refreshTokens.has(body.refresh_token)) {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : refresh_token' } };
    }
    const access = token('Atza|');
    this.accessTokens.set(access, Date.now() + this.options.accessTokenSeconds * 1000);
    this.tokensIssued++;
    return { body: { access_token: access, refresh_token: body.refresh_token, token_type: 'bearer', expires_in: this.options.accessTokenSeconds } };
  }

  private route(req: FakeRequest, url: URL): [string, () => object | Promise<object>] {
    this.authenticate(req.headers['x-amz-access-token']);
    if (this.failure) {
      const status = this.failure;
      this.failure = null;
      throw status === 503 ? new SpApiHttpError(503, 'ServiceUnavailable', 'Service temporarily unavailable.') : new SpApiHttpError(500, 'InternalFailure', 'We encountered an internal error. Please try again.');
    }
    const query = url.searchParams;
    if (req.method === 'GET' && url.pathname === '/sellers/v1/marketplaceParticipations') {
      return ['getMarketplaceParticipations', () => ({ payload: [{ marketplace: US, participation: { isParticipating: true, hasSuspendedListings: false }, storeName: 'Darkroom Demo Store' }] })];
    }
    const match = /^\/listings\/2021-08-01\/items\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) throw new SpApiHttpError(404, 'NotFound', 'Resource not found.');
    if (decodeURIComponent(match[1]) !== AMAZON_FAKE_SELLER_ID) throw new SpApiHttpError(403, 'Unauthorized', 'Access to requested resource is denied.', '');
    const marketplaces = query.get('marketplaceIds')?.split(',') ?? [];
    if (!marketplaces.length || marketplaces.some((m) => m !== US.id)) throw new SpApiHttpError(400, 'InvalidInput', 'Invalid input', `marketplaceIds must be ${US.id} for this seller.`);
    const sku = match[2] === undefined ? null : decodeURIComponent(match[2]);
    if (sku === null && req.method === 'GET') return ['searchListingsItems', () => this.listings.search(query)];
    if (sku !== null && req.method === 'GET') return ['getListingsItem', () => this.listings.get(sku, query)];
    if (sku !== null && req.method === 'PATCH') return ['patchListingsItem', () => this.listings.patch(sku, JSON.parse(req.body.toString('utf8') || '{}'), query)];
    throw new SpApiHttpError(404, 'NotFound', 'Resource not found.');
  }

  private authenticate(header: string | string[] | undefined): void {
    const expires = typeof header === 'string' ? this.accessTokens.get(header) : undefined;
    if (expires === undefined) throw new SpApiHttpError(403, 'Unauthorized', 'Access to requested resource is denied.', 'The access token you provided is revoked, malformed or invalid.');
    if (expires <= Date.now()) throw new SpApiHttpError(403, 'Unauthorized', 'Access to requested resource is denied.', 'The access token you provided has expired.');
  }

  /** One request into the operation's token bucket; its rate goes in x-amzn-RateLimit-Limit. */
  private drip(operation: string): string {
    const plan = USAGE_PLANS[operation];
    const burst = this.options.burst || plan.burst;
    const now = Date.now();
    const held = this.buckets.get(operation) ?? { level: 0, at: now };
    const level = Math.max(0, held.level - ((now - held.at) / 1000) * plan.rate);
    if (this.throttled || level + 1 > burst) {
      this.throttled = false;
      throw new SpApiHttpError(429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.', rateHeader(plan.rate));
    }
    this.buckets.set(operation, { level: level + 1, at: now });
    return rateHeader(plan.rate);
  }
}
