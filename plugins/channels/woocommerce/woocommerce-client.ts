import { AsyncLocalStorage } from 'node:async_hooks';
import WooCommerceRestApi from '@woocommerce/woocommerce-rest-api';
import { PluginError, pluginErrorFromStatus, type ChannelCallContext, type PluginHttp } from '../../../src/plugins';
import type { WooCommerceCredentials } from './woocommerce-credentials.dto';

/** Headers of an answer, read by name whatever their case. */
export interface WooHeaders {
  get(name: string): string | null;
}

export interface WooAnswer<T> {
  data: T;
  headers: WooHeaders;
}

/** WooCommerce's and WordPress's error body: `{ code, message, data: { status } }`. */
interface WpErrorJson {
  code?: string;
  message?: string;
}

/**
 * The library sends through axios; axios's fetch adapter takes the fetch to call from `env.fetch`,
 * and keeps one adapter per distinct function for good. So the library gets this one function for
 * every call, and each call names the core's client it runs on (ctx.http: address guard, timeouts,
 * abort) through this store.
 */
const coreHttp = new AsyncLocalStorage<PluginHttp>();
const throughCoreHttp = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const http = coreHttp.getStore();
  if (!http) return Promise.reject(new Error('a WooCommerce request was made outside a channel call'));
  return http.fetch(input, init);
};

/**
 * WooCommerce REST v3 for one connection, through the official `@woocommerce/woocommerce-rest-api`
 * (OAuth 1.0a signatures over http, Basic auth over https), its requests sent by the core's HTTP
 * client; and the WordPress media library (`wp/v2/media`, which takes an Application Password, not
 * the WooCommerce keys, so the library cannot reach it) through ctx.http directly. Answers become
 * the SDK's error kinds.
 */
export class WooCommerceClient {
  private readonly api: WooCommerceRestApi;

  constructor(private readonly credentials: Readonly<WooCommerceCredentials>, private readonly ctx: ChannelCallContext) {
    this.api = new WooCommerceRestApi({
      url: credentials.storeUrl,
      consumerKey: credentials.consumerKey,
      consumerSecret: credentials.consumerSecret,
      version: 'wc/v3',
      // Redirects are not followed: a PUT that meets a 301 (http to https, a www prefix) comes back a GET.
      axiosConfig: { adapter: 'fetch', env: { fetch: throughCoreHttp }, signal: ctx.signal, validateStatus: () => true, maxRedirects: 0 },
    });
  }

  get<T>(endpoint: string, params: Record<string, string | number | boolean> = {}): Promise<WooAnswer<T>> {
    return this.send(`GET ${endpoint}`, () => this.api.get(endpoint, params));
  }

  put<T>(endpoint: string, data: object): Promise<WooAnswer<T>> {
    return this.send(`PUT ${endpoint}`, () => this.api.put(endpoint, data));
  }

  get canUploadMedia(): boolean {
    return Boolean(this.credentials.wordpressUsername && this.credentials.applicationPassword);
  }

  /** The media library's attachments whose title matches `search`. */
  async findMedia(search: string): Promise<{ id: number; title: { rendered: string } }[]> {
    const res = await this.wordpress(`media?${new URLSearchParams({ search, per_page: '10' })}`, { method: 'GET' });
    return (await this.wordpressJson(res, 'GET media')) as { id: number; title: { rendered: string } }[];
  }

  /** Uploads an image to the media library as the Application Password's user; its attachment id. */
  async uploadMedia(image: { data: Buffer; mimeType: string; filename: string }, title: string, alt: string | undefined): Promise<number> {
    const query = new URLSearchParams({ title, ...(alt ? { alt_text: alt } : {}) });
    const res = await this.wordpress(`media?${query}`, {
      method: 'POST',
      headers: { 'content-type': image.mimeType, 'content-disposition': `attachment; filename="${image.filename.replace(/["\\\r\n]/g, '_')}"` },
      body: image.data,
    });
    return ((await this.wordpressJson(res, 'POST media')) as { id: number }).id;
  }

  private async wordpress(path: string, init: RequestInit): Promise<Response> {
    const { wordpressUsername, applicationPassword } = this.credentials;
    const url = new URL(`wp-json/wp/v2/${path}`, this.credentials.storeUrl.endsWith('/') ? this.credentials.storeUrl : `${this.credentials.storeUrl}/`);
    const authorization = `Basic ${Buffer.from(`${wordpressUsername}:${applicationPassword}`).toString('base64')}`;
    try {
      return await this.ctx.http.fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), authorization, accept: 'application/json' } });
    } catch (err) {
      throw this.unanswered(err);
    }
  }

  private async wordpressJson(res: Response, what: string): Promise<unknown> {
    const text = await res.text();
    const json = parse(text);
    if (res.ok) return json;
    throw wooError(res.status, json, { get: (name) => res.headers.get(name) }, what);
  }

  private async send<T>(what: string, call: () => Promise<{ status: number; data: unknown; headers: { get(name: string): unknown } }>): Promise<WooAnswer<T>> {
    let res: Awaited<ReturnType<typeof call>>;
    try {
      res = await coreHttp.run(this.ctx.http, call);
    } catch (err) {
      throw this.unanswered(err);
    }
    const headers: WooHeaders = { get: (name) => stringOrNull(res.headers.get(name)) };
    const data = typeof res.data === 'string' ? parse(res.data) : res.data;
    if (res.status >= 200 && res.status < 300) return { data: data as T, headers };
    throw wooError(res.status, data, headers, what);
  }

  /**
   * No answer: the call's own cancellation as it is, anything else worth another try. Neither the
   * request's URL nor axios's error goes with it: they carry the key (in the OAuth query over http,
   * as Basic auth in the error's config over https).
   */
  private unanswered(err: unknown): unknown {
    if (this.ctx.signal.aborted) return this.ctx.signal.reason;
    const reason = (err as { code?: string }).code ?? (err as Error).name;
    return new PluginError('transient', `the WooCommerce store did not answer (${reason})`, { detail: reason });
  }
}

/**
 * A redirect is the store's address to fix. Then the store's refusals by their code: an image WordPress could not fetch, type or store is
 * the content's fault; a product that vanished is the request's; then by status (401 keys refused
 * or without the permission, 429 with Retry-After from a host's or the Store API's limiter, 5xx).
 */
export function wooError(status: number, json: unknown, headers: WooHeaders, what: string): PluginError {
  const body = (json && typeof json === 'object' ? json : {}) as WpErrorJson;
  const code = body.code ?? `HTTP ${status}`;
  if (status >= 300 && status < 400) {
    const location = headers.get('location');
    const moved = location && URL.canParse(location) ? new URL(location).origin : 'another address';
    return new PluginError('invalid_input', `WooCommerce ${what}: the store answers from ${moved}; connect it with that address`, { detail: `HTTP ${status}` });
  }
  const message = `WooCommerce ${what}: ${body.message ?? `HTTP ${status}`} (${code})`;
  if (status === 404) return new PluginError('invalid_input', message, { detail: code });
  if (/image|upload/.test(code) && status < 500) return new PluginError('content_rejected', message, { detail: code });
  if (code === 'rest_upload_sideload_error' || code === 'rest_upload_unknown_error') return new PluginError('content_rejected', message, { detail: code });
  return pluginErrorFromStatus(status, message, headers);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function stringOrNull(value: unknown): string | null {
  if (value === undefined || value === null || value === false) return null;
  return Array.isArray(value) ? value.join(', ') : String(value);
}
