import { AsyncLocalStorage } from 'node:async_hooks';
import type * as ShopifyApi from '@shopify/shopify-api';
import type * as ShopifyRuntime from '@shopify/shopify-api/dist/ts/runtime';
import type { PluginFetch } from '../../../src/plugins';

/*
 * The library, its Node adapter and its runtime, all required as CommonJS: the runtime's adapter
 * functions are module state, so they must be the very copy the library reads (an ESM `import` of
 * the package beside a `require` of its runtime would load two). And under this project's
 * `moduleResolution: node`, TypeScript would read the subpaths' sources, which do not compile here,
 * so their types come from the package's declarations.
 */
export const shopifyLibrary = require('@shopify/shopify-api') as typeof ShopifyApi;
require('@shopify/shopify-api/adapters/node');
const { setAbstractFetchFunc } = require('@shopify/shopify-api/runtime') as typeof ShopifyRuntime;

const callFetch = new AsyncLocalStorage<PluginFetch>();

/*
 * The library sends every request through one process-wide fetch (its runtime adapter) and always
 * to https://<shop>. This one hands each request to the fetch of the channel call it runs in, so
 * Shopify traffic goes through the core's ctx.http (private-address guard, timeout, abort); a
 * request outside a call is refused rather than sent unguarded.
 */
setAbstractFetchFunc((input, init) => {
  const fetch = callFetch.getStore();
  return fetch ? fetch(input, init) : Promise.reject(new Error('a Shopify request was made outside a Darkroom channel call'));
});

/**
 * Runs `work` with the library's requests sent through `fetch`; with `baseUrl` (SHOPIFY_BASE_URL,
 * the fake store in tests) every https://<shop>/... goes to <baseUrl>/... instead.
 */
export function withShopifyFetch<T>(fetch: PluginFetch, baseUrl: string | undefined, work: () => Promise<T>): Promise<T> {
  const routed: PluginFetch = baseUrl ? (input, init) => fetch(rebase(input, baseUrl), init) : fetch;
  return callFetch.run(routed, work);
}

/** Where a shop's admin is reached: https://<shop>, or the baseUrl standing in for every shop. */
export function shopOrigin(shop: string, baseUrl: string | undefined): string {
  return baseUrl ? baseUrl.replace(/\/$/, '') : `https://${shop}`;
}

function rebase(input: string | URL | Request, baseUrl: string): string {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  return `${shopOrigin(url.host, baseUrl)}${url.pathname}${url.search}`;
}
