import LumaAI from 'lumaai';
import {
  ProviderError, providerErrorFromStatus, retryAfterMs, type PollResult, type PriceQuote, type ProviderCost, type VideoAtUrl, type VideoInput,
} from '../../../src/plugins';
import { LUMA_FPS, type LumaModelOptions } from './luma-options.dto';

/** A generation that failed for one of these reasons was refused by moderation (Luma's wording is not documented, NC). */
const MODERATED = /moderat|not allowed|blocked|nsfw|safety|policy|inappropriate/i;
/** A body that says the balance is spent, whatever its status (NC). */
const NO_CREDITS = /insufficient (credits|balance)|not enough credits|out of credits|add credits/i;
/** Luma's 429 carries no documented wait: the first step of a backoff. */
const RATE_LIMIT_WAIT_MS = 5_000;

/** The length a model renders for the one asked: the shortest it offers at least as long, undefined when it offers none. */
export function renderedSeconds(model: Pick<LumaModelOptions, 'durations'>, asked: number | undefined): number | undefined {
  return asked === undefined ? model.durations[0] : model.durations.find((d) => d >= asked);
}

/** Luma's list price: its per-megapixel rate over every pixel of every frame. */
export function listPrice(model: LumaModelOptions, quote: Pick<PriceQuote, 'width' | 'height' | 'durationSeconds' | 'n'>): ProviderCost {
  const seconds = renderedSeconds(model, quote.durationSeconds) ?? model.durations.at(-1)!;
  const megapixels = (quote.width * quote.height * LUMA_FPS * seconds) / 1e6;
  return { amount: Math.round(quote.n * megapixels * model.usdPerMegapixel * 10_000) / 10_000, currency: 'USD' };
}

/**
 * A Darkroom video request as Luma's `POST /generations/video` body. Luma takes a first frame only
 * as a public URL ("the only way to pass an image"), and a request carries the frame's bytes, so
 * one with a frame is refused rather than sent where Luma would fail it.
 */
export function generationBody(input: VideoInput, model: LumaModelOptions): LumaAI.GenerationCreateParams {
  if (input.image) {
    throw new ProviderError('invalid_input', `luma: ${model.id} cannot start from a first frame here: Luma takes one only as a public image URL, and Darkroom sends none`);
  }
  const aspectRatio = model.sizes[`${input.width}x${input.height}`];
  if (!aspectRatio) throw new ProviderError('invalid_input', `luma: ${model.id} renders ${Object.keys(model.sizes).join(', ')}, not ${input.width}x${input.height}`);
  const seconds = renderedSeconds(model, input.durationSeconds);
  if (seconds === undefined) throw new ProviderError('invalid_input', `luma: ${model.id} renders at most ${model.durations.at(-1)} seconds`);
  return {
    model: model.model as LumaAI.GenerationCreateParams['model'],
    prompt: input.prompt,
    aspect_ratio: aspectRatio as LumaAI.GenerationCreateParams['aspect_ratio'],
    duration: `${seconds}s`,
    resolution: model.resolution,
    generation_type: 'video',
  };
}

/** Where a generation stands, as the core's poll answer. */
export function pollResult(generation: LumaAI.Generation, pollIntervalMs: number): PollResult {
  const id = generation.id ?? 'unknown';
  switch (generation.state) {
    case 'completed': {
      const url = generation.assets?.video;
      if (!url) return { status: 'failed', error: new ProviderError('transient', `luma: generation ${id} completed with no video`, { detail: id }) };
      const seconds = Number.parseInt(String((generation.request as { duration?: string } | undefined)?.duration ?? ''), 10);
      return { status: 'done', outputs: [{ url, mimeType: 'video/mp4', ...(seconds > 0 ? { durationSeconds: seconds } : {}) } satisfies VideoAtUrl] };
    }
    case 'failed': {
      const reason = generation.failure_reason ?? 'no reason given';
      const message = `luma: generation ${id} failed: ${reason}`;
      return { status: 'failed', error: new ProviderError(MODERATED.test(reason) ? 'content_rejected' : 'transient', message, { detail: id }) };
    }
    default:
      return { status: 'pending', retryAfterMs: pollIntervalMs };
  }
}

/**
 * What the SDK threw, as a ProviderError; the job's own abort is handed back as it is. Luma's error
 * bodies are not documented (NC): the kind follows the status (401 and 403 the key, 402 the balance,
 * 429 a rate limit, 400 and 422 the input, 5xx transient), except a body saying the credits are
 * spent (quota_exhausted) and a validation error on the `model` field (unavailable: retired).
 */
export function providerErrorOf(err: unknown): unknown {
  if (err instanceof ProviderError || err instanceof LumaAI.APIUserAbortError) return err;
  if (err instanceof LumaAI.APIConnectionError) return new ProviderError('transient', `luma could not be reached: ${err.message}`, { cause: err });
  if (!(err instanceof LumaAI.APIError) || err.status === undefined) return err;
  const { text, fields } = describe(err.error);
  const message = `luma: ${text || 'an error'} (HTTP ${err.status})`;
  if (NO_CREDITS.test(text)) return new ProviderError('quota_exhausted', message, { detail: `HTTP ${err.status}` });
  if (err.status === 429) return new ProviderError('rate_limited', message, { retryAfterMs: (err.headers && retryAfterMs(headersOf(err.headers))) ?? RATE_LIMIT_WAIT_MS, detail: 'HTTP 429' });
  if ((err.status === 400 || err.status === 422) && fields.includes('model')) return new ProviderError('unavailable', message, { detail: `HTTP ${err.status}` });
  return providerErrorFromStatus(err.status, message, headersOf(err.headers ?? {}));
}

/** The SDK keeps an error's headers as a plain object. */
function headersOf(headers: Record<string, string | null | undefined>): { get(name: string): string | null } {
  return { get: (name) => headers[name.toLowerCase()] ?? null };
}

/** `{detail: "..."}` or a validation error's `{detail: [{loc, msg}]}` (FastAPI's shapes, NC for Luma). */
function describe(body: unknown): { text: string; fields: string[] } {
  const detail = body && typeof body === 'object' ? (body as { detail?: unknown }).detail : undefined;
  if (typeof detail === 'string') return { text: detail, fields: [] };
  if (!Array.isArray(detail)) return { text: typeof body === 'string' ? body : '', fields: [] };
  const items = detail as Array<{ loc?: unknown[]; msg?: string }>;
  const fields = items.map((d) => String((d.loc ?? []).at(-1) ?? ''));
  return { text: items.map((d, i) => `${fields[i]}: ${d.msg ?? ''}`).join('; '), fields };
}
