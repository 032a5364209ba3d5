import sharp from 'sharp';
import {
  ProviderError, providerErrorFromStatus, retryAfterMs, type EditInput, type ImageAtUrl, type PollResult, type ProviderRequest, type SourceImage,
} from '../../../src/plugins';
import type { Prediction } from 'replicate';
import type { ReplicateModelOptions } from './replicate-options.dto';

/** A prediction's `error` that means a safety filter refused it (Replicate's models word it their own way). */
const MODERATED = /nsfw|sensitive|flagged|safety|moderat/i;

/** When a starting or processing prediction is asked about again. */
const POLL_AFTER_MS = 500;

/** A Darkroom request as the Replicate model's inputs, by the model's configured mapping. */
export async function predictionInput(request: ProviderRequest, model: ReplicateModelOptions): Promise<Record<string, unknown>> {
  if (request.operation !== 'generate' && request.operation !== 'edit') throw new ProviderError('invalid_input', `replicate: ${request.operation} is not served`);
  const { input } = request;
  const size = model.sizes[`${input.width}x${input.height}`];
  const format = model.formats[input.format];
  if (!size || !format) throw new ProviderError('invalid_input', `replicate: ${model.id} is not set up for ${input.width}x${input.height} ${input.format}`);
  const values: Record<string, unknown> = { ...model.input, ...size, ...format, prompt: input.prompt };
  if (model.countInput) values[model.countInput] = input.n;
  if (model.seedInput) values[model.seedInput] = input.seed;
  if (model.negativePromptInput && input.negativePrompt) values[model.negativePromptInput] = input.negativePrompt;
  if (request.operation === 'edit') Object.assign(values, await editInputs(request.input, model));
  return values;
}

/** An edit's sources (the first under `imageInput`, or all as a list under `imagesInput`) and its mask, as data URIs. */
async function editInputs({ images, mask }: EditInput, model: ReplicateModelOptions): Promise<Record<string, unknown>> {
  if (!images.length) throw new ProviderError('invalid_input', 'replicate: an edit needs a source image');
  const values: Record<string, unknown> = model.imagesInput ? { [model.imagesInput]: images.map(dataUri) } : { [model.imageInput!]: dataUri(images[0]) };
  if (mask) {
    if (!model.maskInput) throw new ProviderError('invalid_input', `replicate: ${model.id} takes no mask`);
    values[model.maskInput] = dataUri({ data: await whiteWhereChanged(mask), mimeType: 'image/png' });
  }
  return values;
}

const dataUri = (image: SourceImage) => `data:${image.mimeType};base64,${image.data.toString('base64')}`;

/** The SDK's mask marks the area to change with transparent pixels; inpainting models want grayscale, white where they paint: its alpha, negated. */
function whiteWhereChanged(mask: SourceImage): Promise<Buffer> {
  return sharp(mask.data).ensureAlpha().extractChannel('alpha').negate().toColourspace('b-w').png().toBuffer();
}

/** Where a prediction stands, as the core's poll answer. */
export function pollResult(prediction: Prediction): PollResult {
  switch (prediction.status) {
    case 'succeeded':
      return { status: 'done', outputs: outputUrls(prediction).map((url): ImageAtUrl => ({ url })) };
    case 'failed': {
      const message = `replicate: prediction ${prediction.id} failed: ${String(prediction.error)}`;
      return { status: 'failed', error: new ProviderError(MODERATED.test(String(prediction.error)) ? 'content_rejected' : 'transient', message, { detail: prediction.id }) };
    }
    case 'canceled':
    case 'aborted':
      return { status: 'failed', error: new ProviderError('unavailable', `replicate: prediction ${prediction.id} was ${prediction.status} at Replicate`, { detail: prediction.id }) };
    default:
      return { status: 'pending', retryAfterMs: POLL_AFTER_MS };
  }
}

function outputUrls(prediction: Prediction): string[] {
  const output: unknown = prediction.output;
  const urls = (Array.isArray(output) ? output : [output]).filter((u): u is string => typeof u === 'string');
  if (!urls.length) throw new ProviderError('transient', `replicate: prediction ${prediction.id} succeeded with no image`, { detail: prediction.id });
  return urls;
}

interface Problem {
  title?: string;
  detail?: string;
}

/**
 * An API answer that is not 2xx (a problem JSON body: title, detail, status), as a ProviderError:
 * 402 is an empty balance (the key is no use until topped up), 422 "Invalid version or not
 * permitted" a model gone or not shared, a 429 waits as its headers say, else as its `detail`
 * ("Your rate limit resets in ~30s").
 */
export function errorFromApi(response: Response, body: string): ProviderError {
  const problem = parseProblem(body);
  const message = `replicate: ${problem.title ?? response.statusText} (${response.status})${problem.detail ? `: ${problem.detail}` : ''}`;
  if (response.status === 402) return new ProviderError('quota_exhausted', message, { detail: 'HTTP 402' });
  if (response.status === 422 && /invalid version|not permitted/i.test(problem.title ?? '')) return new ProviderError('unavailable', message, { detail: 'HTTP 422' });
  if (response.status === 429) {
    const resets = /resets in ~?(\d+)\s*s/i.exec(problem.detail ?? '');
    const wait = retryAfterMs(response.headers) ?? (resets ? Number(resets[1]) * 1000 : undefined);
    return new ProviderError('rate_limited', message, { retryAfterMs: wait, detail: 'HTTP 429' });
  }
  return providerErrorFromStatus(response.status, message, response.headers);
}

function parseProblem(body: string): Problem {
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed && typeof parsed === 'object' ? (parsed as Problem) : {};
  } catch {
    return { detail: body.slice(0, 200) || undefined };
  }
}
