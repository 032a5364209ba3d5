import { createHmac, randomUUID } from 'node:crypto';
import type { ChannelWebhookEventKind } from '../../../src/plugins';
// The fake server alone, not the testing index, which loads vitest: `npm run fakes` runs this outside tests.
import { startFakeServer, type FakeRequest, type FakeResponse, type FakeServer } from '../../../src/plugins/testing/fake-server';
import { fakeImages, type FakeImageKind, type FakeImages } from '../../../src/plugins/testing/fake-images';
import type { ChannelContractStore, ChannelProductSeed, ChannelWebhookRequest } from '../../../src/plugins/testing';
import { WooAuth } from './fake-auth';
import { WooCatalogue } from './fake-catalogue';
import { WpError } from './fake-errors';
import type { WooCommerceCredentials } from './woocommerce-credentials.dto';

const REST = '/wp-json/wc/v3/';
const MEDIA = '/wp-json/wp/v2/media';
const WEBHOOK_ID = '17';

/** What `demo()` hands out: the same on every start, so a person can paste them once. */
const DEMO_KEYS = { consumerKey: 'ck_demo0000000000000000000000000000000000', consumerSecret: 'cs_demo0000000000000000000000000000000000' };

/**
 * A WooCommerce store on 127.0.0.1, for the plugin's tests and `npm run fakes`, written from the
 * REST API v3 reference (woocommerce.github.io/woocommerce-rest-api-docs) and WordPress's REST
 * media endpoint, and driven by the official client unchanged: OAuth 1.0a-signed requests, or
 * Basic auth when a proxy says the request came over https (fake-auth.ts), products and variations paged with X-WP-Total and X-WP-TotalPages, images
 * downloaded from `src` or uploaded to the media library (fake-catalogue.ts), webhooks signed with
 * X-WC-Webhook-Signature, and the refusals a store answers: unknown keys, a vanished product, an
 * image it cannot take, a limiter's 429 with Retry-After, a 5xx from the host.
 */
export class WooCommerceStoreFake implements ChannelContractStore<WooCommerceCredentials> {
  private server!: FakeServer;
  private readonly auth = new WooAuth();
  private readonly catalogue = new WooCatalogue(() => this.baseUrl);
  private readonly failures: (() => FakeResponse)[] = [];
  private stallMs = 0;
  private failAfterSaving = 0;
  private images!: FakeImages;

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

  /** Credentials of a new REST API key (and, with `mediaLibrary`, a WordPress Application Password). */
  install(options: { mediaLibrary?: boolean } = {}): WooCommerceCredentials {
    const keys = this.auth.issueKeys();
    const media = options.mediaLibrary ? { wordpressUsername: 'darkroom', applicationPassword: this.auth.issueApplicationPassword('darkroom') } : {};
    return { storeUrl: this.baseUrl, ...keys, ...media };
  }

  /**
   * What `npm run fakes` prints: the plugin's options (none) and a connection's credentials, the same
   * on every start so a person can paste them once; the first time, a small catalogue to sync.
   */
  demo(): { options: Record<string, never>; credentials: WooCommerceCredentials } {
    this.auth.issueKeys(DEMO_KEYS);
    if (!this.catalogue.productCount) {
      this.catalogue.reset([
        { title: 'Linen shirt', skus: ['LS-S', 'LS-M', 'LS-L'], updatedAt: new Date(), images: ['passing', 'failing'] },
        { title: 'Ceramic mug', skus: ['MUG-01'], updatedAt: new Date(), images: ['failing'] },
        { title: 'Canvas tote', skus: ['TOTE-01'], updatedAt: new Date(), images: ['passing'] },
      ], this.images);
    }
    return { options: {}, credentials: { storeUrl: this.baseUrl, ...DEMO_KEYS } };
  }

  // --- ChannelContractStore ---

  async resetCatalogue(products: ChannelProductSeed[]): Promise<string[]> {
    return this.catalogue.reset(products, this.images);
  }

  /** The merchant replaces the product's photos (new files, new URLs); the product counts as modified. */
  replaceImages(productExternalId: string, kinds: FakeImageKind[]): void {
    this.catalogue.replaceImages(productExternalId, kinds, this.images);
  }

  /** The Store API's limiter answer (a host's limiter says the same with Retry-After). */
  throttleNext(retryAfterSeconds = 1): void {
    this.failures.push(() => ({
      status: 429,
      headers: { 'retry-after': String(retryAfterSeconds), 'ratelimit-limit': '25', 'ratelimit-remaining': '0', 'ratelimit-reset': String(Math.ceil(Date.now() / 1000) + retryAfterSeconds) },
      body: new WpError(429, 'rate_limit_exceeded', `Too many requests. Please wait ${retryAfterSeconds} seconds before trying again.`).body,
    }));
  }

  /** The next request meets the host's gateway error page, as a WordPress host answers when PHP is down. */
  failNext(status = 502): void {
    this.failures.push(() => ({ status, headers: { 'content-type': 'text/html' }, body: `<html><body><h1>${status} Bad Gateway</h1></body></html>` }));
  }

  /** The next product update is saved, but answered only after `ms`: a client that gives up sooner never hears it succeed. */
  stallNextUpdate(ms: number): void {
    this.stallMs = ms;
  }

  /** The next product update is saved, then answered with the host's gateway timeout: its proxy gave up on PHP, which went on. */
  failNextUpdateAfterSaving(status = 504): void {
    this.failAfterSaving = status;
  }

  webhook(_credentials: WooCommerceCredentials, event: ChannelWebhookEventKind, productExternalId: string, secret: string): ChannelWebhookRequest {
    const topic = { 'product.created': 'product.created', 'product.updated': 'product.updated', 'product.deleted': 'product.deleted' }[event as string];
    if (!topic) throw new Error(`WooCommerce has no webhook for ${event}`);
    const body = topic === 'product.deleted' ? { id: Number(productExternalId) } : this.catalogue.productJson(productExternalId);
    const rawBody = Buffer.from(JSON.stringify(body));
    const [resource, action] = topic.split('.');
    return {
      headers: {
        'content-type': 'application/json',
        'x-wc-webhook-source': `${this.baseUrl}/`,
        'x-wc-webhook-topic': topic,
        'x-wc-webhook-resource': resource,
        'x-wc-webhook-event': action,
        'x-wc-webhook-signature': createHmac('sha256', secret).update(rawBody).digest('base64'),
        'x-wc-webhook-id': WEBHOOK_ID,
        'x-wc-webhook-delivery-id': randomUUID(),
      },
      rawBody,
    };
  }

  // --- the HTTP API ---

  private async serve(req: FakeRequest): Promise<FakeResponse> {
    const url = new URL(req.url, this.baseUrl);
    const failure = url.pathname.startsWith('/wp-json/') ? this.failures.shift() : undefined;
    if (failure) return failure();
    try {
      return await this.route(req, url);
    } catch (err) {
      if (!(err instanceof WpError)) throw err;
      return { status: err.status, headers: err.headers, body: err.body };
    }
  }

  private async route(req: FakeRequest, url: URL): Promise<FakeResponse> {
    const { method } = req;
    const path = url.pathname;
    if (method === 'GET' && path.startsWith('/wp-content/uploads/')) {
      const file = this.catalogue.file(path);
      return file ? { headers: { 'content-type': file.mimeType }, body: file.data } : { status: 404, body: 'Not Found' };
    }
    if (path === MEDIA) {
      this.auth.checkApplicationPassword(req.headers.authorization);
      if (method === 'GET') return { body: this.catalogue.searchMedia(url.searchParams) };
      if (method === 'POST') return { status: 201, body: this.catalogue.upload(req.body, header(req, 'content-disposition'), url.searchParams) };
    }
    if (!path.startsWith(REST)) throw new WpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    // Behind a TLS-terminating proxy the site sees https (is_ssl()), and WooCommerce takes Basic auth.
    if (header(req, 'x-forwarded-proto') === 'https') this.auth.checkBasic(req.headers.authorization, url.searchParams);
    else this.auth.checkOAuth(method, url);
    return this.rest(method, path.slice(REST.length), url.searchParams, req.body);
  }

  private async rest(method: string, route: string, query: URLSearchParams, body: Buffer): Promise<FakeResponse> {
    if (method === 'GET' && route === 'products') return paged(this.catalogue.list(query));
    let m = /^products\/(\d+)$/.exec(route);
    if (m && method === 'GET') return { body: this.catalogue.get(m[1]) };
    if (m && (method === 'PUT' || method === 'POST')) {
      const updated = await this.catalogue.update(m[1], json(body));
      if (this.stallMs) await new Promise((resolve) => setTimeout(resolve, this.stallMs));
      this.stallMs = 0;
      const failed = this.failAfterSaving;
      this.failAfterSaving = 0;
      if (failed) return { status: failed, headers: { 'content-type': 'text/html' }, body: `<html><body><h1>${failed} Gateway Time-out</h1></body></html>` };
      return { body: updated };
    }
    m = /^products\/(\d+)\/variations$/.exec(route);
    if (m && method === 'GET') return paged(this.catalogue.variations(m[1], query));
    m = /^products\/(\d+)\/variations\/(\d+)$/.exec(route);
    if (m && (method === 'PUT' || method === 'POST')) return { body: this.catalogue.updateVariation(m[1], m[2], json(body)) };
    throw new WpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
  }
}

function paged({ items, total, pages }: { items: object[]; total: number; pages: number }): FakeResponse {
  return { headers: { 'x-wp-total': String(total), 'x-wp-totalpages': String(pages) }, body: items };
}

function header(req: FakeRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function json(body: Buffer): Record<string, never> {
  try {
    return JSON.parse(body.toString('utf8') || '{}') as Record<string, never>;
  } catch {
    throw new WpError(400, 'rest_invalid_json', 'Invalid JSON body passed.');
  }
}
