import type { ProviderCallContext, ProviderCost } from '../../../src/plugins';
import { costOf, removeBgError, type RemoveBgErrorBody } from './removebg-mapping';

/** One cut-out as remove.bg answers it: the image's bytes, and what its headers say. */
export interface RemoveBgResult {
  data: Buffer;
  cost?: ProviderCost;
  requestId?: string;
}

/**
 * remove.bg's REST API over the call context's fetch (there is no official Node client): a
 * multipart POST /removebg answered with the image's bytes and X-Credits-Charged, and GET /account
 * for the balance. No retries here: the core's policy decides.
 */
export class RemoveBgClient {
  constructor(private readonly baseUrl: string) {}

  async removeBackground(fields: Record<string, string | { blob: Blob; name: string }>, ctx: ProviderCallContext): Promise<RemoveBgResult> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      if (typeof value === 'string') form.append(name, value);
      else form.append(name, value.blob, value.name);
    }
    const res = await this.send(ctx, '/removebg', { method: 'POST', body: form, accept: 'image/*' });
    return { data: Buffer.from(await res.arrayBuffer()), cost: costOf(res.headers), requestId: res.headers.get('x-request-id') ?? undefined };
  }

  /** The account's credits: the cheap call that tells whether a key works. */
  async credits(ctx: ProviderCallContext): Promise<number> {
    const res = await this.send(ctx, '/account', { method: 'GET', accept: 'application/json' });
    const body = (await res.json()) as { data?: { attributes?: { credits?: { total?: number } } } };
    return body.data?.attributes?.credits?.total ?? 0;
  }

  private async send(ctx: ProviderCallContext, path: string, request: { method: string; body?: FormData; accept: string }): Promise<Response> {
    ctx.signal.throwIfAborted();
    const res = await ctx.http.fetch(`${this.baseUrl}${path}`, {
      method: request.method,
      headers: { 'x-api-key': ctx.credentials?.values.apiKey ?? '', accept: request.accept },
      body: request.body,
    });
    if (res.ok) return res;
    const body = (await res.json().catch(() => ({}))) as RemoveBgErrorBody;
    throw removeBgError(res.status, body, res.headers);
  }
}
