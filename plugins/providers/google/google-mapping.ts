import type { GenerateContentParameters, GenerateContentResponse, Part } from '@google/genai';
import sharp from 'sharp';
import {
  ProviderError, providerErrorFromStatus, retryAfterMs,
  type EditInput, type GenerateInput, type ImageBytes, type ProviderCost,
} from '../../../src/plugins';
import type { GoogleModel, GoogleSize } from './google-options.dto';

/** Google's error body: `{error: {code, message, status, details: [{"@type", ...}]}}`. */
export interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; details?: Array<Record<string, unknown>> };
}

/** Finish and block reasons that mean Google's safety filters refused the prompt, a source or the image. */
const REFUSALS = new Set([
  'SAFETY', 'IMAGE_SAFETY', 'PROHIBITED_CONTENT', 'IMAGE_PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'RECITATION', 'IMAGE_RECITATION', 'MODEL_ARMOR', 'JAILBREAK',
]);

/** The aspect ratio (and resolution tier) a model renders WIDTHxHEIGHT at. */
export function sizeOf(model: GoogleModel, input: { width: number; height: number }): GoogleSize {
  const size = model.sizes[`${input.width}x${input.height}`];
  if (!size) throw new ProviderError('invalid_input', `google: ${model.id} does not render ${input.width}x${input.height}`);
  return size;
}

/** Gemini and Imagen take no negative prompt: what to leave out is said in the prompt. */
export function promptOf(input: GenerateInput): string {
  return input.negativePrompt?.trim() ? `${input.prompt}\n\nAvoid: ${input.negativePrompt.trim()}` : input.prompt;
}

/** A generateContent request asking a Gemini image model for an image only; an edit's sources go first, as inline parts. */
export function contentRequest(model: GoogleModel, input: GenerateInput | EditInput, signal: AbortSignal): GenerateContentParameters {
  const sources: Part[] = 'images' in input ? input.images.map((image) => ({ inlineData: { mimeType: image.mimeType, data: image.data.toString('base64') } })) : [];
  const { aspectRatio, imageSize } = sizeOf(model, input);
  return {
    model: model.model,
    contents: [{ role: 'user', parts: [...sources, { text: promptOf(input) }] }],
    config: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio, ...(imageSize ? { imageSize } : {}) }, abortSignal: signal },
  };
}

/** An Imagen `:predict` body. The SDK's generateImages serves Vertex AI only, so this goes as plain JSON. */
export function predictRequest(model: GoogleModel, input: GenerateInput): Record<string, unknown> {
  const { aspectRatio, imageSize } = sizeOf(model, input);
  return { instances: [{ prompt: promptOf(input) }], parameters: { sampleCount: input.n, aspectRatio, ...(imageSize ? { imageSize } : {}), includeRaiReason: true } };
}

/**
 * The images of a Gemini answer. A refusal comes as a 200: a `promptFeedback.blockReason` with no
 * candidate, or a candidate whose finishReason names a filter and that holds no image. An answer
 * with neither an image nor a refusal (the model wrote text instead) is refused as input the model
 * would not draw from, rather than retried and paid again.
 */
export async function imagesOfContent(response: GenerateContentResponse): Promise<ImageBytes[]> {
  const parts = (response.candidates ?? []).flatMap((c) => c.content?.parts ?? []);
  // Thinking models send draft images marked `thought`; only the final ones are the answer.
  const inline = parts.filter((p) => !p.thought && p.inlineData?.data && p.inlineData.mimeType?.startsWith('image/'));
  if (inline.length) return Promise.all(inline.map((p) => imageOf(p.inlineData!.data!)));
  const blocked = response.promptFeedback?.blockReason;
  if (blocked) throw new ProviderError('content_rejected', `google refused the prompt (${blocked})${response.promptFeedback?.blockReasonMessage ? `: ${response.promptFeedback.blockReasonMessage}` : ''}`, { detail: blocked });
  const reason = response.candidates?.find((c) => c.finishReason)?.finishReason;
  if (reason && REFUSALS.has(reason)) throw new ProviderError('content_rejected', `google's safety filters refused the image (${reason})`, { detail: reason });
  const text = parts.map((p) => p.text ?? '').join(' ').trim();
  throw new ProviderError('invalid_input', `google answered no image${reason ? ` (${reason})` : ''}${text ? `: ${text.slice(0, 300)}` : ''}`, { detail: reason });
}

interface ImagenPrediction {
  bytesBase64Encoded?: string;
  mimeType?: string;
  raiFilteredReason?: string;
}

/** The images of an Imagen answer; Imagen leaves filtered images out, naming why when asked (includeRaiReason). */
export async function imagesOfPrediction(body: { predictions?: ImagenPrediction[] }): Promise<ImageBytes[]> {
  const predictions = body.predictions ?? [];
  const images = predictions.filter((p) => p.bytesBase64Encoded);
  if (images.length) return Promise.all(images.map((p) => imageOf(p.bytesBase64Encoded!)));
  const reason = predictions.find((p) => p.raiFilteredReason)?.raiFilteredReason;
  throw new ProviderError('content_rejected', `google's safety filters refused the image${reason ? `: ${reason}` : ''}`);
}

async function imageOf(base64: string): Promise<ImageBytes> {
  const data = Buffer.from(base64, 'base64');
  const meta = await sharp(data).metadata().catch(() => undefined);
  const format = meta?.format;
  if (!meta?.width || !meta.height || !(format === 'png' || format === 'jpeg' || format === 'webp')) {
    throw new ProviderError('transient', `google answered an image it cannot read (${meta?.format ?? 'not an image'})`);
  }
  return { data, format, width: meta.width, height: meta.height };
}

/** The list price of n images, recorded as what the call cost when Google does not say. */
export function listPrice(model: GoogleModel, n: number): ProviderCost | undefined {
  return model.usdPerImage === undefined ? undefined : { amount: Math.round(model.usdPerImage * n * 1e6) / 1e6, currency: 'USD' };
}

/** The SDK's ApiError carries the status and, as its message, the answer's JSON body. */
export function bodyOfMessage(message: string): GoogleErrorBody | undefined {
  try {
    return JSON.parse(message) as GoogleErrorBody;
  } catch {
    return undefined;
  }
}

const detailsOf = (body: GoogleErrorBody | undefined, type: string) => (body?.error?.details ?? []).filter((d) => String(d['@type']).endsWith(type));

/**
 * What an error answer means to the core. A bad key is a 400 INVALID_ARGUMENT whose ErrorInfo says
 * API_KEY_INVALID; 403 PERMISSION_DENIED is a key without access. A 429 RESOURCE_EXHAUSTED is a
 * spent quota when its QuotaFailure names a daily quota or one of 0 (a model without a free tier:
 * billing is needed), otherwise a rate limit waiting as Retry-After, the RetryInfo detail or the
 * message ("Please retry in 36.2s") says. FAILED_PRECONDITION is billing not enabled (the free
 * tier's region) or a model unusable as asked; 404 a model gone; 5xx worth a retry.
 */
export function errorFromAnswer(status: number, body: GoogleErrorBody | undefined, headers?: { get(name: string): string | null }): ProviderError {
  const error = body?.error ?? {};
  const message = `google: ${error.message ?? `HTTP ${status}`}`;
  const reasons = detailsOf(body, 'google.rpc.ErrorInfo').map((d) => String(d.reason));
  const detail = [error.status, ...reasons].filter(Boolean).join(' ') || `HTTP ${status}`;
  if (reasons.some((r) => r.startsWith('API_KEY_')) || status === 401 || error.status === 'UNAUTHENTICATED') return new ProviderError('invalid_credentials', message, { detail });
  if (status === 403 || error.status === 'PERMISSION_DENIED') return new ProviderError('invalid_credentials', message, { detail });
  if (status === 429 || error.status === 'RESOURCE_EXHAUSTED') {
    if (quotaSpent(body)) return new ProviderError('quota_exhausted', message, { detail });
    return new ProviderError('rate_limited', message, { detail, retryAfterMs: (headers && retryAfterMs(headers)) ?? retryDelayOf(body) });
  }
  if (error.status === 'FAILED_PRECONDITION') return new ProviderError(/billing/i.test(error.message ?? '') ? 'quota_exhausted' : 'unavailable', message, { detail });
  if (status === 404 || error.status === 'NOT_FOUND') return new ProviderError('unavailable', message, { detail });
  const mapped = providerErrorFromStatus(status, message, headers);
  return new ProviderError(mapped.kind, message, { detail, retryAfterMs: mapped.retryAfterMs });
}

function quotaSpent(body: GoogleErrorBody | undefined): boolean {
  const violations = detailsOf(body, 'google.rpc.QuotaFailure').flatMap((d) => (d.violations as Array<Record<string, unknown>> | undefined) ?? []);
  return violations.some((v) => /PerDay/i.test(String(v.quotaId ?? '')) || String(v.quotaValue) === '0');
}

/** RetryInfo's `retryDelay` ("36s", "1.5s"), else the message's "Please retry in 36.2s". */
export function retryDelayOf(body: GoogleErrorBody | undefined): number | undefined {
  const delay = detailsOf(body, 'google.rpc.RetryInfo').map((d) => String(d.retryDelay ?? ''))[0];
  const seconds = /^(\d+(?:\.\d+)?)s$/.exec(delay ?? '')?.[1] ?? /retry in (\d+(?:\.\d+)?)s/i.exec(body?.error?.message ?? '')?.[1];
  return seconds === undefined ? undefined : Math.ceil(Number(seconds) * 1000);
}
