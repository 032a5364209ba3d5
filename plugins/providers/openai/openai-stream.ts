import type { Stream } from 'openai/streaming';
import type { ImageEditStreamEvent, ImageGenStreamEvent } from 'openai/resources/images';
import { ProviderError, type ImageOutput, type ProviderCallContext } from '../../../src/plugins';
import { costOf, imageOf, type AskedImage } from './openai-mapping';
import type { OpenAISettings } from './openai-options';

/**
 * Reads a streamed generation or edit: each partial image is reported as progress (the k-th of p
 * partials is k / (p + 1) of the way), the completed event gives the image and its usage. OpenAI
 * may send fewer partials than asked when the image is quick. The SDK ends the stream quietly when
 * the job's signal aborts it, and throws the APIError of an `error` event.
 */
export async function streamedImage(
  stream: Stream<ImageGenStreamEvent | ImageEditStreamEvent>,
  requestId: string | null,
  settings: OpenAISettings,
  ctx: ProviderCallContext,
  asked: AskedImage,
): Promise<ImageOutput[]> {
  ctx.report({ requestId: requestId ?? undefined });
  for await (const event of stream) {
    if (event.type === 'image_generation.partial_image' || event.type === 'image_edit.partial_image') {
      ctx.report({ progress: (event.partial_image_index + 1) / (settings.partialImages + 1) });
    } else {
      ctx.report({ cost: costOf(event.usage, settings.tokenPrices) });
      return [imageOf(event.b64_json, asked)];
    }
  }
  ctx.signal.throwIfAborted();
  throw new ProviderError('transient', 'openai ended the stream without the image');
}
