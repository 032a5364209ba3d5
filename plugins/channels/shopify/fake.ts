import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { ChannelWebhookEventKind } from '../../../src/plugins';
// The fake server alone, not the testing index, which loads vitest: `npm run fakes` runs this outside tests.
import { startFakeServer, type FakeRequest, type FakeResponse, type FakeServer } from '../../../src/plugins/testing/fake-server';
import { fakeImages, type FakeImages } from '../../../src/plugins/testing/fake-images';
import type { ChannelContractStore, ChannelProductSeed, ChannelWebhookRequest } from '../../../src/plugins/testing';
import { ShopifyFakeCatalogue } from './fake-catalogue';
import type { ShopifyCredentials } from './shopify-credentials.dto';

/** Darkroom's app at the fake Shopify: the options a plugin talking to it is made with. */
export const SHOPIFY_FAKE_APP = { clientId: 'darkroom-fake-app', clientSecret: 'shpss_fake_darkroom_app_secret' };
export const SHOPIFY_FAKE_SHOP = 'darkroom-demo.myshopify.com';

const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';
const CUSTOMER = { id: 7, email: 'ada@example.com', phone: null };

interface Bucket { available: number; at: number }

/**
 * One Shopify shop on 127.0.0.1, reached by @shopify/shopify-api unchanged through the plugin's
 * baseUrl: the GraphQL Admin API (X-Shopify-Access-Token, cost-based throttling with
 * extensions.cost and THROTTLED), OAuth (authorisation code with a signed callback, client
 * credentials), the staged-upload form
 * POST, the CDN serving processed images, and webhooks signed with the app's secret.
 */
export class ShopifyStoreFake implements ChannelContractStore<ShopifyCredentials> {
  private server!: FakeServer;
  private readonly catalogue = new ShopifyFakeCatalogue(() => this.baseUrl);
  private readonly tokens = new Set<string>();
  private readonly apps = new Map<string, string>([[SHOPIFY_FAKE_APP.clientId, SHOPIFY_FAKE_APP.clientSecret]]);
  private bucket: Bucket;
  private images!: FakeImages;
  private failures: number[] = [];
  private stalled: { field: string; ms: number } | null = null;
  private readonly codes = new Map<string, string>();
  /** Requests to the token endpoint, whatever the grant. */
  tokenRequests = 0;
  /** Root fields answered, in order: tests count uploads and attachments. */
  readonly calls: string[] = [];

  /** Standard plans: a bucket of 1,000 points refilled at 100 a second. */
  constructor(private readonly limits = { maximumAvailable: 1000, restoreRate: 100 }) {
    this.bucket = { available: limits.maximumAvailable, at: Date.now() };
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

  /** An Admin API access token for the shop, as installing an app gives one. */
  install(): ShopifyCredentials {
    const accessToken = `shpat_${randomBytes(16).toString('hex')}`;
    this.tokens.add(accessToken);
    return { shop: SHOPIFY_FAKE_SHOP, accessToken };
  }

  /** The merchant's own app, which gets its tokens by the client-credentials grant. */
  installOwnApp(): ShopifyCredentials {
    const clientId = `app_${randomBytes(6).toString('hex')}`;
    const clientSecret = `shpss_${randomBytes(16).toString('hex')}`;
    this.apps.set(clientId, clientSecret);
    return { shop: SHOPIFY_FAKE_SHOP, clientId, clientSecret };
  }

  /** What `npm run fakes` prints for trying the flow by hand. */
  demo(): { baseUrl: string; options: typeof SHOPIFY_FAKE_APP & { baseUrl: string }; credentials: ShopifyCredentials } {
    return { baseUrl: this.baseUrl, options: { ...SHOPIFY_FAKE_APP, baseUrl: this.baseUrl }, credentials: this.install() };
  }

  /** Ends every access token, as uninstalling the app does. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** The next API requests answer these HTTP statuses (a 502 or 503 from Shopify's edge). */
  failNext(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  /** The next `field` is carried out but answered only after `ms`, as a request that times out after reaching Shopify. */
  stallNext(field: string, ms: number): void {
    this.stalled = { field, ms };
  }

  // --- ChannelContractStore ---

  async resetCatalogue(products: ChannelProductSeed[]): Promise<string[]> {
    return this.catalogue.reset(products, this.images);
  }

  throttleNext(): void {
    this.bucket = { available: 0, at: Date.now() };
  }

  publishAsynchronously(statusChecks = 2): void {
    this.catalogue.processNextAsynchronously(statusChecks);
  }

  /** Signed as Shopify signs: with the installed app's secret (the connection's `secret` plays no part). */
  webhook(credentials: ShopifyCredentials, event: ChannelWebhookEventKind, productExternalId: string): ChannelWebhookRequest {
    const [topic, body] = this.webhookBody(event, productExternalId);
    const rawBody = Buffer.from(JSON.stringify(body));
    const hmac = createHmac('sha256', credentials.clientSecret ?? SHOPIFY_FAKE_APP.clientSecret).update(rawBody).digest('base64');
    return {
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-hmac-sha256': hmac,
        'x-shopify-shop-domain': SHOPIFY_FAKE_SHOP,
        'x-shopify-api-version': '2026-07',
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-triggered-at': new Date().toISOString(),
      },
      rawBody,
    };
  }

  private webhookBody(event: ChannelWebhookEventKind, productId: string): [string, object] {
    const shop = { shop_id: 1, shop_domain: SHOPIFY_FAKE_SHOP };
    switch (event) {
      case 'product.created':
        return ['products/create', this.catalogue.webhookProduct(productId)];
      case 'product.updated':
        return ['products/update', this.catalogue.webhookProduct(productId)];
      case 'product.deleted':
        return ['products/delete', { id: Number(productId.split('/').pop()) }];
      case 'app.uninstalled':
        return ['app/uninstalled', { id: 1, name: 'Darkroom Demo', domain: SHOPIFY_FAKE_SHOP, myshopify_domain: SHOPIFY_FAKE_SHOP }];
      case 'gdpr.customer_data_request':
        return ['customers/data_request', { ...shop, customer: CUSTOMER, orders_requested: [], data_request: { id: 99 } }];
      case 'gdpr.customer_redact':
        return ['customers/redact', { ...shop, customer: CUSTOMER, orders_to_redact: [] }];
      case 'gdpr.shop_redact':
        return ['shop/redact', shop];
    }
  }

  // --- HTTP ---

  private async serve(req: FakeRequest): Promise<FakeResponse> {
    const url = new URL(req.url, this.baseUrl);
    if (req.method === 'POST' && /^\/admin\/api\/[\w-]+\/graphql\.json$/.test(url.pathname)) return this.graphql(req);
    if (req.method === 'GET' && url.pathname === '/admin/oauth/authorize') return this.authorize(url.searchParams);
    if (req.method === 'POST' && url.pathname === '/admin/oauth/access_token') return this.grant(req.body);
    if (req.method === 'POST' && url.pathname === '/staged-uploads') return this.receiveUpload(req);
    const cdn = /^\/cdn\/shop\/files\/([^/]+)$/.exec(url.pathname);
    const file = req.method === 'GET' && cdn ? this.catalogue.file(cdn[1]) : undefined;
    if (file) return { headers: { 'content-type': file.mimeType }, body: file.data };
    return { status: 404, body: { errors: 'Not Found' } };
  }

  private async graphql(req: FakeRequest): Promise<FakeResponse> {
    const failure = this.failures.shift();
    if (failure) return { status: failure, body: { errors: failure === 503 ? 'Service Unavailable' : 'Bad Gateway' } };
    const token = req.headers['x-shopify-access-token'];
    if (typeof token !== 'string' || !this.tokens.has(token)) return { status: 401, body: { errors: INVALID_TOKEN } };
    const { query, variables = {} } = JSON.parse(req.body.toString('utf8')) as { query: string; variables?: Record<string, unknown> };
    const field = /^\s*(?:query|mutation)\b[^{]*\{\s*(\w+)/.exec(query)?.[1] ?? '';
    const requested = requestedCost(query, variables);
    const available = this.refill();
    if (requested > available) {
      return { body: { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }], extensions: { cost: this.cost(requested, null, available) } } };
    }
    const data = field === 'shop' ? { id: 'gid://shopify/Shop/1', name: 'Darkroom Demo', myshopifyDomain: SHOPIFY_FAKE_SHOP } : this.catalogue.resolve(field, variables);
    if (data === undefined) return { body: { errors: [{ message: `Field '${field}' doesn't exist on type 'QueryRoot'`, extensions: { code: 'undefinedField' } }] } };
    this.calls.push(field);
    const actual = Math.min(requested, 1 + Math.ceil(JSON.stringify(data).length / 200));
    this.bucket = { available: available - actual, at: Date.now() };
    if (this.stalled?.field === field) {
      const { ms } = this.stalled;
      this.stalled = null;
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
    return { body: { data: { [field]: data }, extensions: { cost: this.cost(requested, actual, this.bucket.available) } } };
  }

  private refill(): number {
    const now = Date.now();
    return Math.min(this.limits.maximumAvailable, this.bucket.available + ((now - this.bucket.at) / 1000) * this.limits.restoreRate);
  }

  private cost(requested: number, actual: number | null, available: number): object {
    return { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: { maximumAvailable: this.limits.maximumAvailable, currentlyAvailable: Math.floor(available), restoreRate: this.limits.restoreRate } };
  }

  /** The merchant approves at once: back to the app with a code, the shop, a timestamp and the hmac over them. */
  private authorize(params: URLSearchParams): FakeResponse {
    const clientId = params.get('client_id') ?? '';
    const redirect = params.get('redirect_uri');
    if (!this.apps.has(clientId) || !redirect) return { status: 400, body: 'Oauth error invalid_request: The redirect_uri and application url must have matching hosts' };
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, clientId);
    const query: Record<string, string> = { code, host: Buffer.from(`admin.shopify.com/store/${SHOPIFY_FAKE_SHOP.split('.')[0]}`).toString('base64url'), shop: SHOPIFY_FAKE_SHOP, state: params.get('state') ?? '', timestamp: String(Math.trunc(Date.now() / 1000)) };
    const signed = new URLSearchParams(Object.entries(query).sort(([a], [b]) => a.localeCompare(b))).toString();
    const hmac = createHmac('sha256', this.apps.get(clientId)!).update(signed).digest('hex');
    return { status: 302, headers: { location: `${redirect}?${new URLSearchParams({ ...query, hmac })}` } };
  }

  private grant(body: Buffer): FakeResponse {
    this.tokenRequests++;
    const form = JSON.parse(body.toString('utf8')) as { client_id?: string; client_secret?: string; grant_type?: string; code?: string };
    if (form.code !== undefined) return this.exchangeCode(form);
    if (form.grant_type !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'The grant type is not supported.' } };
    if (!form.client_id || this.apps.get(form.client_id) !== form.client_secret) return { status: 400, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } };
    const accessToken = `shpat_${randomBytes(16).toString('hex')}`;
    this.tokens.add(accessToken);
    return { body: { access_token: accessToken, scope: 'read_products,write_products,write_files', expires_in: 86399 } };
  }

  private exchangeCode(form: { client_id?: string; client_secret?: string; code?: string }): FakeResponse {
    const issuedTo = this.codes.get(form.code ?? '');
    this.codes.delete(form.code ?? '');
    if (!form.client_id || this.apps.get(form.client_id) !== form.client_secret) return { status: 400, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } };
    if (issuedTo !== form.client_id) return { status: 400, body: { error: 'invalid_request', error_description: 'The authorization code was not found or was already used' } };
    const accessToken = `shpat_${randomBytes(16).toString('hex')}`;
    this.tokens.add(accessToken);
    return { body: { access_token: accessToken, scope: 'read_products,write_products,read_files,write_files' } };
  }

  /** Shopify's staged upload target is a signed form POST: the policy and key fields, then the file. */
  private async receiveUpload(req: FakeRequest): Promise<FakeResponse> {
    const form = await new Request(`${this.baseUrl}/staged-uploads`, { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body: req.body }).formData();
    const key = form.get('key');
    const file = form.get('file');
    if (typeof key !== 'string' || !form.get('policy') || !(file instanceof Blob)) return { status: 400, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>InvalidArgument</Code><Message>Missing policy, key or file.</Message></Error>' };
    this.catalogue.receiveUpload(key, Buffer.from(await file.arrayBuffer()), String(form.get('Content-Type') ?? file.type));
    return { status: 201, headers: { 'content-type': 'application/xml' }, body: `<PostResponse><Location>${this.baseUrl}/staged-uploads/${key}</Location><Key>${key}</Key></PostResponse>` };
  }
}

/**
 * Shopify's requested cost of a query: an object costs 1, a connection 2 plus its page size times
 * the cost of one of its nodes, a scalar nothing; a mutation 10. Variables stand in for `$first`.
 */
function requestedCost(query: string, variables: Record<string, unknown>): number {
  if (query.trimStart().startsWith('mutation')) return 10;
  const body = query.slice(query.indexOf('{') + 1, query.lastIndexOf('}'));
  return selectionCost(body.replace(/\$(\w+)/g, (_, name: string) => String(variables[name] ?? 0)));
}

/** The cost of the fields of one selection set, whose nested sets are found by matching braces. */
function selectionCost(selection: string): number {
  let cost = 0;
  const field = /(\.\.\.\s*on\s+\w+|\w+)\s*(\([^)]*\))?\s*\{/g;
  for (let match = field.exec(selection); match; match = field.exec(selection)) {
    let depth = 1;
    let end = field.lastIndex;
    while (depth > 0 && end < selection.length) {
      const char = selection[end++];
      if (char === '{') depth++;
      else if (char === '}') depth--;
    }
    const inner = selection.slice(field.lastIndex, end - 1);
    const size = /\b(?:first|last):\s*(\d+)/.exec(match[2] ?? '')?.[1];
    const nodes = /\bnodes\s*\{/.exec(inner);
    if (size !== undefined && nodes) cost += 2 + Number(size) * (1 + selectionCost(inner.slice(nodes.index + nodes[0].length)));
    else if (match[1] === 'pageInfo' || match[1] === 'nodes' || match[1].startsWith('...')) cost += selectionCost(inner);
    else cost += 1 + selectionCost(inner);
    field.lastIndex = end;
  }
  return cost;
}
