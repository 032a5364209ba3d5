import type { OutboundHttp, OutboundRequest } from '../common/net/outbound-http';
import type { ProviderHttp } from '../plugins/provider-context';

/** A provider request that has not answered in this long has failed; sync image APIs can hold the connection for minutes. */
const PROVIDER_TIMEOUT_MS = 300_000;

/**
 * The fetch a plugin gets (ctx.http): the core's outbound client, aborted with the job and after a
 * timeout, held to the address policy except on the origin of the provider's own `baseUrl`. Only
 * GET and HEAD follow redirects (each hop checked again); other methods get the 3xx.
 */
export function providerHttp(outbound: OutboundHttp, trustedOrigin: string | null, signal: AbortSignal): ProviderHttp {
  return {
    fetch: async (input, init = {}) => {
      const request = input instanceof Request ? input : null;
      const url = request ? request.url : String(input);
      const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
      const headers = Object.fromEntries(new Headers(init.headers ?? request?.headers).entries());
      let body = init.body ?? (request?.body ? await request.arrayBuffer() : undefined);
      if (body instanceof FormData || body instanceof URLSearchParams || body instanceof Blob) {
        // Node's FormData is not the undici package's: encoded here, as Node's fetch would (boundary and all).
        const encoded = new Response(body);
        headers['content-type'] ??= encoded.headers.get('content-type') ?? '';
        body = await encoded.arrayBuffer();
      }
      const signals = [signal, init.signal ?? request?.signal].filter((s): s is AbortSignal => !!s);
      const response = await outbound.send(url, {
        method,
        headers,
        body: (body ?? undefined) as OutboundRequest['body'],
        timeoutMs: PROVIDER_TIMEOUT_MS,
        followRedirects: method === 'GET' || method === 'HEAD',
        signal: AbortSignal.any(signals),
        trusted: (target) => target.origin === trustedOrigin,
      });
      // undici's Response is the one Node's global fetch answers with.
      return response as unknown as Response;
    },
  };
}
