import OpenAI from 'openai';
import type { ImagesResponse } from 'openai/resources/images';
import { ProviderError, type EditInput, type GenerateInput, type ImageOutput, type ProviderCallContext, type ProviderHealth } from '../../../src/plugins';
import { costOf, editParams, generateParams, outputsOf, providerErrorOf, type AskedImage } from './openai-mapping';
import type { OpenAICredentials, OpenAISettings } from './openai-options';
import { streamedImage } from './openai-stream';

/**
 * The official client for one call: made per call, because the key is the call's (the platform's or
 * an organisation's own), with the core's fetch (address guard, timeouts, the job's signal) and no
 * retries of its own, so the core's retry policy alone decides.
 */
function clientFor(settings: OpenAISettings, ctx: ProviderCallContext): OpenAI {
  const credentials = ctx.credentials?.values as Partial<OpenAICredentials> | undefined;
  if (!credentials?.apiKey) throw new ProviderError('invalid_credentials', 'openai: no API key for this call');
  return new OpenAI({
    apiKey: credentials.apiKey,
    organization: credentials.organization ?? null,
    project: credentials.project ?? null,
    baseURL: settings.baseUrl,
    fetch: ctx.http.fetch,
    maxRetries: 0,
  });
}

/** Runs one SDK call, turning its failures into ProviderErrors (or the job's abort reason). */
async function run<T>(ctx: ProviderCallContext, call: () => Promise<T>): Promise<T> {
  ctx.signal.throwIfAborted();
  try {
    return await call();
  } catch (err) {
    throw providerErrorOf(err, ctx.signal);
  }
}

/**
 * Streams when the id asks for partial images and the call wants one image: a stream's completed
 * event carries one image and no index, so n > 1 takes the plain call.
 */
const streams = (settings: OpenAISettings, input: GenerateInput) => settings.partialImages > 0 && input.n === 1;

export async function generateImages(settings: OpenAISettings, input: GenerateInput, ctx: ProviderCallContext): Promise<ImageOutput[]> {
  return run(ctx, async () => {
    const client = clientFor(settings, ctx);
    const params = generateParams(input, settings);
    if (streams(settings, input)) {
      const { data, request_id } = await client.images.generate({ ...params, stream: true, partial_images: settings.partialImages }, { signal: ctx.signal }).withResponse();
      return streamedImage(data, request_id, settings, ctx, input);
    }
    const { data, request_id } = await client.images.generate(params, { signal: ctx.signal }).withResponse();
    return answeredImages(data, request_id, settings, ctx, input);
  });
}

export async function editImages(settings: OpenAISettings, input: EditInput, ctx: ProviderCallContext): Promise<ImageOutput[]> {
  return run(ctx, async () => {
    const client = clientFor(settings, ctx);
    const params = await editParams(input, settings);
    if (streams(settings, input)) {
      const { data, request_id } = await client.images.edit({ ...params, stream: true, partial_images: settings.partialImages }, { signal: ctx.signal }).withResponse();
      return streamedImage(data, request_id, settings, ctx, input);
    }
    const { data, request_id } = await client.images.edit(params, { signal: ctx.signal }).withResponse();
    return answeredImages(data, request_id, settings, ctx, input);
  });
}

/** A plain answer's images, its request id and cost reported. */
function answeredImages(response: ImagesResponse, requestId: string | null, settings: OpenAISettings, ctx: ProviderCallContext, asked: AskedImage): ImageOutput[] {
  ctx.report({ requestId: requestId ?? undefined, ...(response.usage ? { cost: costOf(response.usage, settings.tokenPrices) } : {}) });
  return outputsOf(response, asked);
}

/** Whether the key works and the configured model is still offered (OpenAI retires models). */
export async function checkModel(settings: OpenAISettings, ctx: ProviderCallContext): Promise<ProviderHealth> {
  if (!ctx.credentials) return { ok: true, detail: 'no platform key to check with' };
  try {
    await run(ctx, () => clientFor(settings, ctx).models.retrieve(settings.model, { signal: ctx.signal }));
    return { ok: true };
  } catch (err) {
    if (err instanceof ProviderError && err.kind === 'unavailable') return { ok: false, detail: `openai does not offer the model ${settings.model}` };
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}
