import { setTimeout as delay } from 'node:timers/promises';
import { ProviderError, type ProviderCallContext } from '../../../src/plugins';
import { stabilityError, type StabilityErrorBody } from './stability-mapping';

/** How long an asynchronous result is waited for: the core's limit for remote work. */
const RESULT_TIMEOUT_MS = 30 * 60_000;

/** One finished image as Stability answers it with `accept: image/*`: the bytes, and what its headers say. */
export interface StabilityImage {
  data: Buffer;
  mimeType: string;
  /** `SUCCESS`, or `CONTENT_FILTERED` when moderation blurred the result. */
  finishReason: string;
  seed?: number;
}

/** A form field: text, or a file part. */
export type StabilityField = string | number | { data: Buffer; mimeType: string; name: string };

/**
 * Stable Image REST v2beta over the call context's fetch (there is no official Node SDK): every
 * POST is multipart/form-data, images come back as raw bytes with `finish-reason` and `seed`
 * headers, and the slow services (creative upscale) answer an id whose result is polled at
 * /v2beta/results/{id}. No retries here: the core's policy decides.
 */
export class StabilityClient {
  constructor(private readonly baseUrl: string) {}

  /** POST a synchronous service (`stable-image/generate/core`, ...): the image when it is done. */
  async image(path: string, fields: Record<string, StabilityField | undefined>, ctx: ProviderCallContext): Promise<StabilityImage> {
    return imageOf(await this.send(ctx, `/v2beta/${path}`, { method: 'POST', body: formOf(fields), accept: 'image/*' }));
  }

  /** POST an asynchronous service: the id of its result. */
  async start(path: string, fields: Record<string, StabilityField | undefined>, ctx: ProviderCallContext): Promise<string> {
    const res = await this.send(ctx, `/v2beta/${path}`, { method: 'POST', body: formOf(fields), accept: 'application/json' });
    return ((await res.json()) as { id: string }).id;
  }

  /**
   * Polls an asynchronous result every `intervalMs` until it is done (202 means in progress), as
   * the core polls remote work: stopped by the call's signal, given up as transient after 30 minutes.
   */
  async result(id: string, intervalMs: number, ctx: ProviderCallContext): Promise<StabilityImage> {
    const deadline = Date.now() + RESULT_TIMEOUT_MS;
    for (;;) {
      await delay(intervalMs, undefined, { signal: ctx.signal });
      const res = await this.send(ctx, `/v2beta/results/${encodeURIComponent(id)}`, { method: 'GET', accept: 'image/*' });
      if (res.status !== 202) return imageOf(res);
      await res.body?.cancel();
      if (Date.now() > deadline) throw new ProviderError('transient', `stability: the result ${id} was not ready in ${RESULT_TIMEOUT_MS / 60_000} minutes`);
    }
  }

  /** The account's credit balance: the cheap call that tells whether a key works. */
  async balance(ctx: ProviderCallContext): Promise<number> {
    const res = await this.send(ctx, '/v1/user/balance', { method: 'GET', accept: 'application/json' });
    return ((await res.json()) as { credits: number }).credits;
  }

  private async send(ctx: ProviderCallContext, path: string, request: { method: string; body?: FormData; accept: string }): Promise<Response> {
    ctx.signal.throwIfAborted();
    const res = await ctx.http.fetch(`${this.baseUrl}${path}`, {
      method: request.method,
      headers: { authorization: `Bearer ${ctx.credentials?.values.apiKey ?? ''}`, accept: request.accept },
      body: request.body,
    });
    if (res.ok) return res;
    const body = (await res.json().catch(() => ({}))) as StabilityErrorBody;
    throw stabilityError(res.status, body, res.headers);
  }
}

function formOf(fields: Record<string, StabilityField | undefined>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (typeof value === 'object') form.append(name, new Blob([value.data], { type: value.mimeType }), value.name);
    else form.append(name, String(value));
  }
  return form;
}

async function imageOf(res: Response): Promise<StabilityImage> {
  const seed = res.headers.get('seed');
  return {
    data: Buffer.from(await res.arrayBuffer()),
    mimeType: res.headers.get('content-type') ?? 'application/octet-stream',
    finishReason: res.headers.get('finish-reason') ?? 'SUCCESS',
    seed: seed === null || seed === '' ? undefined : Number(seed),
  };
}
