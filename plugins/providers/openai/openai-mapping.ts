import OpenAI, { toFile } from 'openai';
import type { ImageEditParamsNonStreaming, ImageGenerateParamsNonStreaming, ImagesResponse } from 'openai/resources/images';
import {
  ProviderError,
  providerErrorFromStatus,
  retryAfterMs,
  type EditInput,
  type GenerateInput,
  type ImageFormat,
  type ImageOutput,
  type ProviderCost,
  type SourceImage,
} from '../../../src/plugins';
import { OPENAI_MAX_EDIT_SOURCES, qualityOf } from './openai-models';
import { transparencyProblem, type OpenAIRequestOptions, type OpenAISettings, type OpenAITokenPrices } from './openai-options';

/** GPT image models have no negative prompt: what to leave out is said in the prompt. */
function promptOf(input: GenerateInput): string {
  return input.negativePrompt?.trim() ? `${input.prompt}\n\nAvoid: ${input.negativePrompt.trim()}` : input.prompt;
}

function outputFormatOf(format: ImageFormat): 'png' | 'jpeg' | 'webp' {
  if (format === 'avif') throw new ProviderError('invalid_input', 'openai: avif is not an output format OpenAI renders');
  return format;
}

/** The request's own options (already checked against OpenAIRequestOptions by the core), or none. */
const requested = (input: GenerateInput): OpenAIRequestOptions => (input.options ?? {}) as OpenAIRequestOptions;

/** The fields generations and edits share; a request's background overrides the id's. */
function common(input: GenerateInput, settings: OpenAISettings) {
  const output_format = outputFormatOf(input.format);
  const { background = settings.background, outputCompression } = requested(input);
  if (background === 'transparent' && output_format === 'jpeg') {
    throw new ProviderError('invalid_input', 'openai: a transparent background needs png or webp, not jpeg');
  }
  const transparency = transparencyProblem(background, settings.model);
  if (transparency) throw new ProviderError('invalid_input', `openai: ${transparency}`);
  if (outputCompression !== undefined && output_format === 'png') {
    throw new ProviderError('invalid_input', 'openai: outputCompression applies to jpeg and webp outputs, not png');
  }
  return {
    model: settings.model,
    prompt: promptOf(input),
    n: input.n,
    size: `${input.width}x${input.height}`,
    quality: qualityOf(input.model),
    background,
    output_format,
    ...(outputCompression !== undefined ? { output_compression: outputCompression } : {}),
  };
}

export function generateParams(input: GenerateInput, settings: OpenAISettings): ImageGenerateParamsNonStreaming {
  return { ...common(input, settings), moderation: requested(input).moderation ?? settings.moderation };
}

/** Every source as `image[]` (the SDK sends an array so), and the mask OpenAI applies to the first. */
export async function editParams(input: EditInput, settings: OpenAISettings): Promise<ImageEditParamsNonStreaming> {
  if (!input.images.length) throw new ProviderError('invalid_input', 'openai: an edit needs at least one source image');
  if (input.images.length > OPENAI_MAX_EDIT_SOURCES) throw new ProviderError('invalid_input', `openai: an edit takes at most ${OPENAI_MAX_EDIT_SOURCES} source images`);
  const image = await Promise.all(input.images.map((source, i) => fileOf(source, `source-${i + 1}`)));
  const mask = input.mask ? await fileOf(input.mask, 'mask') : undefined;
  return { ...common(input, settings), image, ...(mask ? { mask } : {}) };
}

function fileOf(source: SourceImage, name: string) {
  const extension = source.mimeType.split('/')[1]?.replace('jpeg', 'jpg') ?? 'png';
  return toFile(source.data, `${name}.${extension}`, { type: source.mimeType });
}

/** What an image was asked as: OpenAI answers in that format and size. */
export type AskedImage = Pick<GenerateInput, 'width' | 'height' | 'format'>;

/** The images of an answer: GPT models send base64; an OpenAI-compatible server may send links. */
export function outputsOf(response: ImagesResponse, asked: AskedImage): ImageOutput[] {
  return (response.data ?? []).map((image): ImageOutput => {
    if (image.b64_json) return imageOf(image.b64_json, asked);
    if (image.url) return { url: image.url };
    throw new ProviderError('transient', 'openai answered an image with neither data nor a link');
  });
}

/**
 * An image OpenAI sent as base64, described as it was asked for: the core reads every answer's bytes
 * for what they really hold (and refuses what is not an image), so reading them here too only cost
 * a second decode of the header.
 */
export function imageOf(b64: string, asked: AskedImage): ImageOutput {
  const data = Buffer.from(b64, 'base64');
  if (!data.length) throw new ProviderError('transient', 'openai answered an empty image');
  return { data, format: asked.format, width: asked.width, height: asked.height };
}

/** The tokens a call used, as every answer (and a stream's completed event) gives them. */
export interface OpenAIUsage {
  input_tokens: number;
  input_tokens_details?: { image_tokens: number; text_tokens: number };
  output_tokens: number;
}

/** What a call cost in dollars: its tokens at the configured prices (input tokens without details count as text). */
export function costOf(usage: OpenAIUsage, prices: OpenAITokenPrices): ProviderCost {
  const imageInput = usage.input_tokens_details?.image_tokens ?? 0;
  const textInput = usage.input_tokens - imageInput;
  const dollars = (textInput * prices.textInput + imageInput * prices.imageInput + usage.output_tokens * prices.imageOutput) / 1_000_000;
  return { amount: Math.round(dollars * 1_000_000) / 1_000_000, currency: 'USD' };
}

/** OpenAI's 429 for an empty balance or spent quota, as against a rate limit. */
const QUOTA_CODES = new Set(['insufficient_quota', 'credit_balance_exhausted', 'billing_hard_limit_reached']);

/**
 * What an SDK failure means to the core. A 429 is a rate limit unless it says the quota or balance
 * is spent (the key is then no use until someone pays); a 400 is moderation when OpenAI says
 * moderation_blocked or its safety system refused; a 403 for an unsupported region will not pass on
 * retry; an error event mid-stream is moderation or transient; the rest go by status.
 */
export function providerErrorOf(err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (err instanceof ProviderError) return err;
  if (err instanceof OpenAI.APIUserAbortError) return err;
  if (err instanceof OpenAI.APIConnectionError) return new ProviderError('transient', `openai could not be reached: ${err.message}`, { cause: err });
  if (!(err instanceof OpenAI.APIError)) return err;
  const message = `openai: ${err.message}`;
  const options = { detail: [err.code ?? err.type, err.requestID].filter(Boolean).join(' ') || undefined, cause: err };
  const code = err.code ?? '';
  // An error event in a stream (the answer's status was 200): a refusal of the result, or OpenAI's own failure.
  if (err.status === undefined) return new ProviderError(isModeration(err, code) ? 'content_rejected' : 'transient', message, options);
  if (err.status === 429 && (QUOTA_CODES.has(code) || err.type === 'insufficient_quota')) return new ProviderError('quota_exhausted', message, options);
  if (err.status === 429) return new ProviderError('rate_limited', message, { ...options, retryAfterMs: waitOf(err.headers) });
  if (err.status === 400 && isModeration(err, code)) return new ProviderError('content_rejected', message, options);
  if (err.status === 403 && code === 'unsupported_country_region_territory') return new ProviderError('unavailable', message, options);
  const mapped = providerErrorFromStatus(err.status, message, err.headers);
  return new ProviderError(mapped.kind, message, { ...options, retryAfterMs: mapped.retryAfterMs });
}

function isModeration(err: InstanceType<typeof OpenAI.APIError>, code: string): boolean {
  return code === 'moderation_blocked' || code === 'content_policy_violation' || /safety system/i.test(err.message);
}

/** Retry-After (ms or seconds), else the sooner of OpenAI's x-ratelimit-reset-* durations ("12ms", "1.5s", "6m0s"). */
export function waitOf(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const said = retryAfterMs(headers);
  if (said !== undefined) return said;
  const resets = ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']
    .map((name) => durationMs(headers.get(name)))
    .filter((ms): ms is number => ms !== undefined);
  return resets.length ? Math.min(...resets) : undefined;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function durationMs(value: string | null): number | undefined {
  if (!value || !/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(value)) return undefined;
  let total = 0;
  for (const [, amount, , unit] of value.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * UNIT_MS[unit];
  return Math.ceil(total);
}
