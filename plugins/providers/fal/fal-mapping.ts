import sharp from 'sharp';
import {
  ProviderError, providerErrorFromStatus, retryAfterMs,
  type EditInput, type ImageAtUrl, type PollResult, type PriceQuote, type ProviderCost, type ProviderRequest, type SourceImage,
} from '../../../src/plugins';
import type { FalModelOptions } from './fal-options.dto';

/** When a queued or running request is asked about again (the client's own polling interval). */
export const POLL_AFTER_MS = 500;

/** A Darkroom request as the fal endpoint's input, by the model's configured mapping. */
export async function queueInput(request: ProviderRequest, model: FalModelOptions): Promise<Record<string, unknown>> {
  if (request.operation !== 'generate' && request.operation !== 'edit') throw new ProviderError('invalid_input', `fal: ${request.operation} is not served`);
  const { input } = request;
  const size = model.sizes[`${input.width}x${input.height}`];
  const format = model.formats[input.format];
  if (!size || !format) throw new ProviderError('invalid_input', `fal: ${model.id} is not set up for ${input.width}x${input.height} ${input.format}`);
  const values: Record<string, unknown> = { ...model.input, ...size, ...format, prompt: input.prompt };
  if (model.countInput) values[model.countInput] = input.n;
  if (model.seedInput) values[model.seedInput] = input.seed;
  if (model.negativePromptInput && input.negativePrompt) values[model.negativePromptInput] = input.negativePrompt;
  if (request.operation === 'edit') Object.assign(values, await editInputs(request.input, model));
  return values;
}

/**
 * An edit's sources (the first under `imageInput`, or all as a list under `imagesInput`) and its
 * mask, as data URIs: URLs, not Blobs, which the client would upload to fal's storage first.
 */
async function editInputs({ images, mask }: EditInput, model: FalModelOptions): Promise<Record<string, unknown>> {
  if (!images.length) throw new ProviderError('invalid_input', 'fal: an edit needs a source image');
  const values: Record<string, unknown> = model.imagesInput ? { [model.imagesInput]: images.map(dataUri) } : { [model.imageInput!]: dataUri(images[0]) };
  if (mask) {
    if (!model.maskInput) throw new ProviderError('invalid_input', `fal: ${model.id} takes no mask`);
    values[model.maskInput] = dataUri({ data: await whiteWhereChanged(mask), mimeType: 'image/png' });
  }
  return values;
}

const dataUri = (image: SourceImage) => `data:${image.mimeType};base64,${image.data.toString('base64')}`;

/** The SDK's mask marks the area to change with transparent pixels; fal's fill endpoints want grayscale, white where they paint: its alpha, negated. */
function whiteWhereChanged(mask: SourceImage): Promise<Buffer> {
  return sharp(mask.data).ensureAlpha().extractChannel('alpha').negate().toColourspace('b-w').png().toBuffer();
}

/** fal's list price for a request: per image, or per megapixel of each image (1024x1024 is one, rounded up). */
export function listPrice(model: FalModelOptions, quote: Pick<PriceQuote, 'n' | 'width' | 'height'>): ProviderCost {
  const units = model.listPrice.per === 'image' ? 1 : Math.ceil((quote.width * quote.height) / (1024 * 1024));
  return { amount: Number((quote.n * units * model.listPrice.usd).toFixed(6)), currency: 'USD' };
}

/** An image endpoint's output: `{images: [{url, width, height, content_type}], seed, has_nsfw_concepts: [bool], ...}`. */
export interface FalImageOutput {
  images?: Array<{ url: string; width?: number; height?: number; content_type?: string }>;
  seed?: number;
  has_nsfw_concepts?: boolean[];
}

/** A completed request's output as the core's poll answer: FLUX's safety checker flags an image (and blacks it out) rather than failing. */
export function outputResult(output: FalImageOutput, requestId: string): PollResult {
  if (output.has_nsfw_concepts?.some(Boolean)) {
    return { status: 'failed', error: new ProviderError('content_rejected', `fal: request ${requestId}: an image was flagged by the safety checker (has_nsfw_concepts)`, { detail: requestId }) };
  }
  const images = output.images ?? [];
  if (!images.length) return { status: 'failed', error: new ProviderError('transient', `fal: request ${requestId} completed with no image`, { detail: requestId }) };
  return { status: 'done', outputs: images.map((image): ImageAtUrl => ({ url: image.url })) };
}

interface FieldError {
  loc?: unknown[];
  msg?: string;
  type?: string;
}

/**
 * A fal answer that is not 2xx, as a ProviderError. Bodies are `{detail: string}` or, from models,
 * `{detail: [{loc, msg, type}]}` (fal.ai/docs/errors): a `content_policy_violation` is a moderation
 * refusal; a 403 "User is locked. Reason: Exhausted balance" an empty balance (another lock, the
 * account); 429 waits as its headers say; the rest by status.
 */
export function errorFromResponse(status: number, headers: Headers, body: string): ProviderError {
  const detail = parseDetail(body);
  const words = typeof detail === 'string' ? detail : detail.map((e) => e.msg ?? e.type).filter(Boolean).join('; ');
  const message = `fal: ${words || `HTTP ${status}`} (${status})`;
  const requestId = headers.get('x-fal-request-id') ?? `HTTP ${status}`;
  if (Array.isArray(detail) && detail.some((e) => e.type === 'content_policy_violation')) return new ProviderError('content_rejected', message, { detail: requestId });
  if (status === 403 && /exhausted balance|top.?up/i.test(words)) return new ProviderError('quota_exhausted', message, { detail: requestId });
  if (status === 429) return new ProviderError('rate_limited', message, { retryAfterMs: retryAfterMs(headers), detail: requestId });
  return providerErrorFromStatus(status, message, headers);
}

function parseDetail(body: string): string | FieldError[] {
  try {
    const parsed = JSON.parse(body) as { detail?: unknown; message?: unknown };
    if (Array.isArray(parsed?.detail)) return parsed.detail as FieldError[];
    return String(parsed?.detail ?? parsed?.message ?? '');
  } catch {
    return body.slice(0, 200);
  }
}
