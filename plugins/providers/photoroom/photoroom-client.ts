import type { ProviderCallContext } from '../../../src/plugins';
import { photoroomError, type PhotoroomErrorBody } from './photoroom-mapping';

/**
 * Photoroom's REST API over the call context's fetch (there is no official Node client): the Basic
 * API's multipart POST /v1/segment answered with the image's bytes, and GET /v2/account on the
 * account host. No retries here: the core's policy decides.
 */
export class PhotoroomClient {
  constructor(private readonly baseUrl: string, private readonly accountBaseUrl: string) {}

  async segment(fields: Record<string, string | { blob: Blob; name: string } | undefined>, ctx: ProviderCallContext): Promise<{ data: Buffer; requestId?: string }> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      if (typeof value === 'string') form.append(name, value);
      else form.append(name, value.blob, value.name);
    }
    const res = await this.send(ctx, `${this.baseUrl}/v1/segment`, { method: 'POST', body: form, accept: 'image/*' });
    return { data: Buffer.from(await res.arrayBuffer()), requestId: res.headers.get('x-request-id') ?? undefined };
  }

  /** The images the account has left: the cheap call that tells whether a key works. */
  async imagesLeft(ctx: ProviderCallContext): Promise<number> {
    const res = await this.send(ctx, `${this.accountBaseUrl}/v2/account`, { method: 'GET', accept: 'application/json' });
    return ((await res.json()) as { images?: { available?: number } }).images?.available ?? 0;
  }

  private async send(ctx: ProviderCallContext, url: string, request: { method: string; body?: FormData; accept: string }): Promise<Response> {
    ctx.signal.throwIfAborted();
    const res = await ctx.http.fetch(url, {
      method: request.method,
      headers: { 'x-api-key': ctx.credentials?.values.apiKey ?? '', accept: request.accept },
      body: request.body,
    });
    if (res.ok) return res;
    const body = (await res.json().catch(() => ({}))) as PhotoroomErrorBody;
    throw photoroomError(res.status, body, res.headers);
  }
}
