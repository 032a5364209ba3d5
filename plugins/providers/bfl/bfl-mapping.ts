import sharp from 'sharp';
import {
  ProviderError, providerErrorFromStatus, retryAfterMs, type EditInput, type ImageAtUrl, type PollResult, type ProviderRequest,
} from '../../../src/plugins';
import type { BflModelOptions } from './bfl-options.dto';

/** What a submit answers: the task's id and where to ask about it (a regional host). */
export interface BflTask {
  id: string;
  polling_url: string;
  /** What the task costs in BFL credits, when the answer says (the official Python client reads it; NC). */
  cost?: number;
}

/** What `get_result` (at the polling URL) answers. */
export interface BflResult {
  id?: string;
  status: string;
  result?: { sample?: string; seed?: number } | null;
  progress?: number | null;
  details?: unknown;
}

/** A FastAPI validation answer (`{detail: [{loc, msg, type}]}`), or `{detail: "..."}`, or a rate limit's `{error, message, retry_after}`. */
export interface BflErrorBody {
  detail?: string | Array<{ loc?: Array<string | number>; msg?: string }>;
  message?: string;
  retry_after?: number;
}

/** A Darkroom request as the task's inputs, for the model's endpoint. */
export async function taskInput(request: ProviderRequest, model: BflModelOptions): Promise<Record<string, unknown>> {
  if (request.operation !== 'generate' && request.operation !== 'edit') throw new ProviderError('invalid_input', `bfl: ${request.operation} is not served`);
  const { input } = request;
  const values: Record<string, unknown> = { ...model.input, prompt: input.prompt, output_format: input.format };
  if (model.seed !== false) values.seed = input.seed;
  if (request.operation === 'edit' && model.operation === 'fill') return { ...values, ...(await fillImages(request.input)) };
  if (model.bounds) Object.assign(values, { width: input.width, height: input.height });
  else {
    const ratio = model.aspectRatios?.[`${input.width}x${input.height}`];
    if (!ratio) throw new ProviderError('invalid_input', `bfl: ${model.id} does not render ${input.width}x${input.height}`);
    values.aspect_ratio = ratio;
  }
  if (request.operation === 'edit') Object.assign(values, sourceImages(request.input, model));
  return values;
}

/** An edit's sources as `input_image`, `input_image_2` ... `input_image_8`, as many as the model takes. */
function sourceImages(input: EditInput, model: BflModelOptions): Record<string, string> {
  const most = model.maxSourceImages ?? 1;
  if (!input.images.length) throw new ProviderError('invalid_input', 'bfl: an edit needs a source image');
  if (input.images.length > most) throw new ProviderError('invalid_input', `bfl: ${model.id} takes at most ${most} source image${most === 1 ? '' : 's'}, not ${input.images.length}`);
  return Object.fromEntries(input.images.map((image, i) => [i ? `input_image_${i + 1}` : 'input_image', image.data.toString('base64')]));
}

/**
 * A fill task's `image` and `mask`, both brought to the asked size (the output keeps the image's).
 * The SDK's mask marks the area to change with transparent pixels; BFL's is grayscale, white where
 * it fills: its alpha channel, negated. With a mask the image goes without its alpha, so the mask
 * alone says what to fill; without one BFL fills the image's own transparent pixels.
 */
async function fillImages(input: EditInput): Promise<{ image: string; mask?: string }> {
  const [source] = input.images;
  if (!source) throw new ProviderError('invalid_input', 'bfl: a fill needs a source image');
  const size = { width: input.width, height: input.height, fit: 'cover' as const };
  const image = sharp(source.data).resize(size);
  if (!input.mask) return { image: (await image.png().toBuffer()).toString('base64') };
  const [flat, mask] = await Promise.all([
    image.removeAlpha().png().toBuffer(),
    sharp(input.mask.data).ensureAlpha().extractChannel('alpha').negate().resize(size).toColourspace('b-w').png().toBuffer(),
  ]);
  return { image: flat.toString('base64'), mask: mask.toString('base64') };
}

/** Where a task stands, as the core's poll answer: Ready gives its sample's link, moderation and errors are the work's own end. */
export function pollResult(result: BflResult, taskId: string, pollAfterMs: number): PollResult {
  const about = `bfl: task ${taskId}`;
  switch (result.status) {
    case 'Ready': {
      const sample = result.result?.sample;
      if (typeof sample !== 'string') return { status: 'failed', error: new ProviderError('transient', `${about} is ready with no sample`, { detail: taskId }) };
      const output: ImageAtUrl = { url: sample, ...(typeof result.result?.seed === 'number' ? { seed: result.result.seed } : {}) };
      return { status: 'done', outputs: [output] };
    }
    case 'Request Moderated':
    case 'Content Moderated': {
      const what = result.status === 'Request Moderated' ? 'the request was flagged by moderation' : 'the result was flagged by moderation';
      return { status: 'failed', error: new ProviderError('content_rejected', `${about}: ${what}${describeDetails(result.details)}`, { detail: result.status }) };
    }
    case 'Error':
      return { status: 'failed', error: new ProviderError('transient', `${about} failed at BFL${describeDetails(result.details)}`, { detail: taskId }) };
    case 'Task not found':
      return { status: 'failed', error: new ProviderError('transient', `${about} is not found (expired, or asked of another region)`, { detail: taskId }) };
    default:
      // Pending, and the in-between states some models report (Queued, Generating, ...).
      return { status: 'pending', retryAfterMs: pollAfterMs };
  }
}

/**
 * A non-2xx answer as a ProviderError: 402 is an account out of credits, 404 an endpoint BFL no
 * longer has (the model is gone), 422 FastAPI's validation with each field's message, 429 waits as
 * `Retry-After` says or else the body's `retry_after`.
 */
export function bflError(status: number, body: BflErrorBody, headers: { get(name: string): string | null }): ProviderError {
  const message = `bfl: ${describeError(body) || `HTTP ${status}`} (${status})`;
  if (status === 402) return new ProviderError('quota_exhausted', message, { detail: 'HTTP 402' });
  if (status === 404) return new ProviderError('unavailable', message, { detail: 'HTTP 404' });
  if (status === 429) {
    const wait = retryAfterMs(headers) ?? (typeof body.retry_after === 'number' ? body.retry_after * 1000 : undefined);
    return new ProviderError('rate_limited', message, { retryAfterMs: wait, detail: 'HTTP 429' });
  }
  return providerErrorFromStatus(status, message, headers);
}

function describeError(body: BflErrorBody): string {
  if (Array.isArray(body.detail)) return body.detail.map((d) => `${(d.loc ?? []).filter((l) => l !== 'body').join('.')}: ${d.msg ?? 'invalid'}`).join('; ');
  return body.detail ?? body.message ?? '';
}

/** Moderation and error details, when BFL gives them (`{"Moderation Reasons": [...]}`). */
function describeDetails(details: unknown): string {
  if (details === undefined || details === null) return '';
  return ` (${typeof details === 'string' ? details : JSON.stringify(details)})`.slice(0, 300);
}
