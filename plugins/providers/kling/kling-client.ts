import { SignJWT } from 'jose';
import { ProviderError, type ProviderCallContext } from '../../../src/plugins';
import { klingError, type KlingEnvelope, type KlingTask, type KlingTaskKind } from './kling-mapping';

/** How long a request's token is valid (Kling's own example: 30 minutes), and how far back it starts, for clock skew. */
const TOKEN_LIFETIME_S = 1800;
const TOKEN_SKEW_S = 5;

/** Where each kind of task is submitted; its query is the same path and the task id. */
const TASK_PATHS: Record<KlingTaskKind, string> = {
  image: '/v1/images/generations',
  text2video: '/v1/videos/text2video',
  image2video: '/v1/videos/image2video',
};

/**
 * Kling's API over the call context's fetch (there is no official Node SDK). Every request carries
 * a fresh JWT (HS256, `iss` the access key, valid 30 minutes) signed with the secret key, as
 * `Authorization: Bearer`; every answer is the envelope `{code, message, request_id, data}`, `code`
 * 0 on success. No retries here: the core's policy decides.
 */
export class KlingClient {
  constructor(private readonly baseUrl: string) {}

  async submit(kind: KlingTaskKind, body: Record<string, unknown>, ctx: ProviderCallContext): Promise<{ task: KlingTask; requestId?: string }> {
    const envelope = await this.send<KlingTask>(ctx, 'POST', TASK_PATHS[kind], body);
    return { task: envelope.data!, requestId: envelope.request_id };
  }

  async task(kind: KlingTaskKind, taskId: string, ctx: ProviderCallContext): Promise<KlingTask> {
    return (await this.send<KlingTask>(ctx, 'GET', `${TASK_PATHS[kind]}/${encodeURIComponent(taskId)}`)).data!;
  }

  /** The newest image task: the cheapest authenticated read Kling has (it documents no account endpoint). */
  async latestImageTask(ctx: ProviderCallContext): Promise<void> {
    await this.send(ctx, 'GET', `${TASK_PATHS.image}?pageNum=1&pageSize=1`);
  }

  private async send<T>(ctx: ProviderCallContext, method: 'GET' | 'POST', path: string, body?: Record<string, unknown>): Promise<KlingEnvelope<T>> {
    ctx.signal.throwIfAborted();
    const headers: Record<string, string> = { authorization: `Bearer ${await token(ctx)}`, accept: 'application/json' };
    if (body) headers['content-type'] = 'application/json';
    const res = await ctx.http.fetch(`${this.baseUrl}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    const envelope = parse(text);
    if (res.ok && envelope.code === 0 && envelope.data !== undefined) return envelope as KlingEnvelope<T>;
    throw klingError(res.status, envelope, res.headers);
  }
}

/** The request's token: `{iss: accessKey, exp: now + 30 min, nbf: now - 5 s}`, HS256 with the secret key. */
async function token(ctx: ProviderCallContext): Promise<string> {
  const { accessKey, secretKey } = ctx.credentials?.values ?? {};
  if (!accessKey || !secretKey) throw new ProviderError('invalid_credentials', 'kling: no access key and secret key');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(accessKey)
    .setExpirationTime(now + TOKEN_LIFETIME_S)
    .setNotBefore(now - TOKEN_SKEW_S)
    .sign(new TextEncoder().encode(secretKey));
}

function parse(text: string): Partial<KlingEnvelope> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as KlingEnvelope) : {};
  } catch {
    return { message: text.slice(0, 200) || undefined };
  }
}
