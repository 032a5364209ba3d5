import { PluginError, type ChannelCallContext, type ChannelOAuth } from '../../../src/plugins';
import { shopifyLibraryFor } from './shopify-client';
import type { ShopifyCredentials, ShopifyOptions } from './shopify-credentials.dto';
import { shopOrigin } from './shopify-transport';

/** What the plugin reads and writes: products, and the files product media are. */
export const SHOPIFY_SCOPES = 'read_products,write_products,read_files,write_files';

/**
 * Installing Darkroom's app on a shop by the authorisation-code grant, for an offline token. The
 * callback's `hmac` (and its timestamp) is checked with the library before the app's secret is sent
 * to the shop the callback names.
 */
export function shopifyOAuth(options: ShopifyOptions & { clientId: string; clientSecret: string }): ChannelOAuth<ShopifyCredentials> {
  const library = () => shopifyLibraryFor(options);
  return {
    authorizeUrl({ state, redirectUri, params }) {
      const shop = library().utils.sanitizeShop(params.shop ?? '');
      if (!shop) throw new PluginError('invalid_input', 'shop must be a shop domain such as my-store.myshopify.com');
      const url = new URL('/admin/oauth/authorize', shopOrigin(shop, options.baseUrl));
      url.search = new URLSearchParams({ client_id: options.clientId, scope: SHOPIFY_SCOPES, redirect_uri: redirectUri, state }).toString();
      return url.toString();
    },
    async exchange({ code, query }, ctx) {
      const shop = library().utils.sanitizeShop(query.shop ?? '');
      const signed = shop ? await library().utils.validateHmac(query).catch(() => false) : false;
      if (!shop || !signed) throw new PluginError('invalid_credentials', 'the OAuth callback is not signed by Shopify');
      const json = await requestAccessToken(shop, { client_id: options.clientId, client_secret: options.clientSecret, code }, options.baseUrl, ctx);
      return { shop, accessToken: json.access_token };
    },
  };
}

async function requestAccessToken(shop: string, body: Record<string, string>, baseUrl: string | undefined, ctx: ChannelCallContext): Promise<{ access_token: string }> {
  let res: Response;
  try {
    res = await ctx.http.fetch(`${shopOrigin(shop, baseUrl)}/admin/oauth/access_token`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw new PluginError('transient', `Shopify did not answer: ${(err as Error).message}`, { cause: err });
  }
  const json = (await res.json().catch(() => null)) as { access_token?: string; error?: string } | null;
  if (res.ok && json?.access_token) return { access_token: json.access_token };
  // A code not issued, already used or expired is 400 invalid_request.
  if (res.status === 400 || res.status === 401) throw new PluginError('invalid_credentials', `Shopify refused the authorisation code for ${shop}`, { detail: json?.error ?? `HTTP ${res.status}` });
  throw new PluginError(res.status >= 500 ? 'transient' : 'unavailable', `Shopify's token endpoint answered HTTP ${res.status}`, { detail: `HTTP ${res.status}` });
}
