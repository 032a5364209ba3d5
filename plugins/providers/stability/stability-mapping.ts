import sharp, { type Sharp } from 'sharp';
import {
  ProviderError,
  providerErrorFromStatus,
  retryAfterMs,
  type EditInput,
  type GenerateInput,
  type ImageBytes,
  type ImageFormat,
  type SourceImage,
} from '../../../src/plugins';
import type { StabilityField, StabilityImage } from './stability-client';
import type { StabilityRequestOptions } from './stability-options.dto';

/**
 * Stability's text-to-image services take an aspect ratio, not a size: the sizes Darkroom declares
 * are the ones each ratio renders at (about one megapixel).
 */
export const ASPECT_RATIOS: Readonly<Record<string, string>> = {
  '1024x1024': '1:1',
  '1344x768': '16:9',
  '1536x640': '21:9',
  '1216x832': '3:2',
  '1088x896': '5:4',
  '896x1088': '4:5',
  '832x1216': '2:3',
  '768x1344': '9:16',
  '640x1536': '9:21',
};

/** Every non-2xx answer: `{id, name, errors: [..]}`. */
export interface StabilityErrorBody {
  id?: string;
  name?: string;
  errors?: string[];
}

/** Search-and-replace refuses an image more than 2.5 times as wide as it is tall, or as tall as it is wide. */
const SEARCH_MAX_RATIO = 2.5;

/** Stability's "timed out for 60 seconds" when a 429 says no more. */
const RATE_LIMIT_PENALTY_MS = 60_000;

/** A failed answer as the kind the core acts on. */
export function stabilityError(status: number, body: StabilityErrorBody, headers: { get(name: string): string | null }): ProviderError {
  const message = `stability: ${body.errors?.join('; ') || body.name || `HTTP ${status}`}`;
  const detail = [body.name, body.id].filter(Boolean).join(' ') || `HTTP ${status}`;
  // 403 content_moderation and 422 public_figure: the request was refused for what it shows, not who sent it.
  if (body.name === 'content_moderation' || body.name === 'public_figure') return new ProviderError('content_rejected', message, { detail });
  if (status === 402) return new ProviderError('quota_exhausted', `${message} (the account has no credits left)`, { detail });
  if (status === 429) return new ProviderError('rate_limited', message, { retryAfterMs: retryAfterMs(headers) ?? RATE_LIMIT_PENALTY_MS, detail });
  // An asynchronous result kept past its day: the work must be started again.
  if (status === 404 && body.name === 'generation_not_found') return new ProviderError('transient', message, { detail });
  return providerErrorFromStatus(status, message, headers);
}

/** The text-to-image fields shared by core, ultra and sd3. */
export function generateFields(input: GenerateInput, extra: Record<string, StabilityField> = {}): Record<string, StabilityField | undefined> {
  const aspectRatio = ASPECT_RATIOS[`${input.width}x${input.height}`];
  if (!aspectRatio) throw new ProviderError('invalid_input', `stability: ${input.width}x${input.height} is not a size Stability renders`);
  return {
    prompt: input.prompt,
    negative_prompt: input.negativePrompt,
    aspect_ratio: aspectRatio,
    seed: input.seed,
    style_preset: input.style,
    output_format: input.format,
    ...extra,
  };
}

/** Inpaint: the source and its optional mask at the asked size; without a mask Stability repaints the source's transparent pixels. */
export async function inpaintFields(input: EditInput): Promise<Record<string, StabilityField | undefined>> {
  const [image, mask] = await sourceAndMask(input, 'inpaint');
  return {
    image, mask, grow_mask: requestOptions(input).growMask,
    prompt: input.prompt, negative_prompt: input.negativePrompt, seed: input.seed, style_preset: input.style, output_format: input.format,
  };
}

/** Erase: the source and an optional mask of what to remove; the prompt has no part in it. */
export async function eraseFields(input: EditInput): Promise<Record<string, StabilityField | undefined>> {
  const [image, mask] = await sourceAndMask(input, 'erase');
  return { image, mask, grow_mask: requestOptions(input).growMask, seed: input.seed, output_format: input.format };
}

/**
 * Search-and-replace: Stability finds what the request's `searchPrompt` describes and repaints it
 * from the prompt, so it takes no mask; without a search prompt there is nothing to find.
 */
export async function searchAndReplaceFields(input: EditInput): Promise<Record<string, StabilityField | undefined>> {
  const { searchPrompt, growMask } = requestOptions(input);
  if (!searchPrompt) throw new ProviderError('invalid_input', 'stability: search-and-replace needs providerOptions.stability.searchPrompt, what to find in the image');
  if (Math.max(input.width / input.height, input.height / input.width) > SEARCH_MAX_RATIO) {
    throw new ProviderError('invalid_input', `stability: search-and-replace takes sizes up to ${SEARCH_MAX_RATIO}:1 either way, not ${input.width}x${input.height}`);
  }
  const [image] = await sourceAndMask(input, 'search-and-replace');
  return {
    image, search_prompt: searchPrompt, grow_mask: growMask,
    prompt: input.prompt, negative_prompt: input.negativePrompt, seed: input.seed, style_preset: input.style, output_format: input.format,
  };
}

/**
 * Outpaint: the source, shrunk to fit inside the asked size if it is larger, extended on every side
 * by what the asked size adds (centred), the prompt saying what to paint there.
 */
export async function outpaintFields(input: EditInput): Promise<Record<string, StabilityField | undefined>> {
  const source = onlySource(input, 'outpaint');
  const fitted = await sharp(source.data).resize(input.width, input.height, { fit: 'inside', withoutEnlargement: true }).png().toBuffer({ resolveWithObject: true });
  const { width, height } = fitted.info;
  const left = Math.floor((input.width - width) / 2);
  const up = Math.floor((input.height - height) / 2);
  if (width === input.width && height === input.height) {
    throw new ProviderError('invalid_input', `stability: outpaint extends its source, so the size asked (${input.width}x${input.height}) must be larger than the source`);
  }
  return {
    image: { data: fitted.data, mimeType: 'image/png', name: 'image.png' },
    left, right: input.width - width - left, up, down: input.height - height - up,
    prompt: input.prompt, seed: input.seed, style_preset: input.style, output_format: input.format,
  };
}

/** A source image as a file part. */
export function imageField(image: SourceImage): StabilityField {
  return { data: image.data, mimeType: image.mimeType, name: `image.${image.mimeType.split('/')[1] ?? 'png'}` };
}

/**
 * An answer as Darkroom's output: refused when moderation blurred it, resized when the service's
 * own size (an upscaler's fixed factor) is not the one asked, its real size read from the bytes.
 */
export async function outputOf(image: StabilityImage, format: ImageFormat, size?: { width: number; height: number }): Promise<ImageBytes> {
  if (image.finishReason === 'CONTENT_FILTERED') throw new ProviderError('content_rejected', 'stability: the result was filtered by moderation', { detail: 'CONTENT_FILTERED' });
  const meta = await sharp(image.data).metadata();
  const resize = size && (meta.width !== size.width || meta.height !== size.height);
  const asked = meta.format === format;
  const data = resize || !asked
    ? await sharp(image.data).resize(size?.width, size?.height, { fit: 'fill' }).toFormat(format).toBuffer()
    : image.data;
  return { data, format, width: size?.width ?? meta.width!, height: size?.height ?? meta.height!, seed: image.seed };
}

/** The source, and the edit's mask in Stability's convention, both fitted to the asked size alike (the mask has the source's size). */
async function sourceAndMask(input: EditInput, service: string): Promise<[StabilityField, StabilityField | undefined]> {
  const fit = (image: Sharp) => image.resize(input.width, input.height, { fit: 'cover' }).png().toBuffer();
  const [image, mask] = await Promise.all([
    fit(sharp(onlySource(input, service).data)),
    input.mask && stabilityMask(input.mask).then((grey) => fit(sharp(grey).toColourspace('b-w'))),
  ]);
  return [{ data: image, mimeType: 'image/png', name: 'image.png' }, mask && { data: mask, mimeType: 'image/png', name: 'mask.png' }];
}

/** An edit's mask (fully transparent pixels are the area to change) as Stability wants it: grayscale, white repaints, black keeps. */
function stabilityMask(mask: SourceImage): Promise<Buffer> {
  return sharp(mask.data).ensureAlpha().extractChannel(3).negate().png().toBuffer();
}

/** The request's `providerOptions.stability`, which the core has checked against StabilityRequestOptions. */
function requestOptions(input: EditInput): StabilityRequestOptions {
  return (input.options ?? {}) as StabilityRequestOptions;
}

function onlySource(input: EditInput, service: string): SourceImage {
  if (input.images.length !== 1) throw new ProviderError('invalid_input', `stability: ${service} takes one source image, not ${input.images.length}`);
  return input.images[0];
}
