import { ProviderError, type ProviderCallContext } from '../../../src/plugins';
import { bflError, type BflErrorBody, type BflResult, type BflTask } from './bfl-mapping';

/**
 * BFL's FLUX API over the call context's fetch (there is no official Node SDK): a task is
 * submitted with a JSON POST answering `{id, polling_url}`, and its result is read at that polling
 * URL, which names the region that holds the task. No retries here: the core's policy decides, and
 * a submit is never sent twice (BFL's own client rule: a re-sent task is paid twice).
 */
export class BflClient {
  private readonly origin: string;

  constructor(private readonly baseUrl: string) {
    this.origin = new URL(baseUrl).origin;
  }

  async submit(endpoint: string, input: Record<string, unknown>, ctx: ProviderCallContext): Promise<BflTask> {
    const task = (await (await this.send(ctx, 'POST', `${this.baseUrl}/v1/${endpoint}`, input)).json()) as BflTask;
    if (typeof task.id !== 'string' || typeof task.polling_url !== 'string') throw new ProviderError('transient', 'bfl: the submit answered no task id or polling URL');
    this.checkPollingUrl(task.polling_url);
    return task;
  }

  async result(pollingUrl: string, ctx: ProviderCallContext): Promise<BflResult> {
    this.checkPollingUrl(pollingUrl);
    return (await (await this.send(ctx, 'GET', pollingUrl)).json()) as BflResult;
  }

  /** The account's credit balance: the cheap authenticated read that tells whether a key works. */
  async credits(ctx: ProviderCallContext): Promise<number> {
    return ((await (await this.send(ctx, 'GET', `${this.baseUrl}/v1/credits`)).json()) as { credits: number }).credits;
  }

  /**
   * The key goes only where BFL is: a polling URL on the configured API's origin (a proxy, a fake)
   * or on an https host of bfl.ai (the regions). Anything else is refused rather than sent the key.
   */
  private checkPollingUrl(pollingUrl: string): void {
    let url: URL;
    try {
      url = new URL(pollingUrl);
    } catch {
      throw new ProviderError('unavailable', `bfl: the polling URL "${pollingUrl.slice(0, 100)}" is not a URL`);
    }
    const bfl = url.protocol === 'https:' && (url.hostname === 'bfl.ai' || url.hostname.endsWith('.bfl.ai'));
    if (url.origin !== this.origin && !bfl) {
      throw new ProviderError('unavailable', `bfl: refusing to poll ${url.origin}, which is neither the configured API (${this.origin}) nor an https bfl.ai host`);
    }
  }

  private async send(ctx: ProviderCallContext, method: 'GET' | 'POST', url: string, body?: Record<string, unknown>): Promise<Response> {
    ctx.signal.throwIfAborted();
    const headers: Record<string, string> = { 'x-key': ctx.credentials?.values.apiKey ?? '', accept: 'application/json' };
    if (body) headers['content-type'] = 'application/json';
    const res = await ctx.http.fetch(url, { method, headers, body: body ? JSON.stringify(body) : undefined });
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    throw bflError(res.status, parseBody(text), res.headers);
  }
}

function parseBody(text: string): BflErrorBody {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as BflErrorBody) : {};
  } catch {
    return { detail: text.slice(0, 200) || undefined };
  }
}
