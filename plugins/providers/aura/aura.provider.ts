import {
  PROVIDER_SDK_VERSION,
  ProviderError,
  ProviderPlugin,
  type EditInput,
  type GenerateInput,
  type ImageBytes,
  type ImageEditor,
  type ImageGenerator,
  type ProviderCallContext,
  type VideoFile,
  type VideoGenerator,
  type VideoInput,
} from '../../../src/plugins';
import { renderEdit, renderGeneration, type AuraRequest } from './render';
import { renderVideo } from './render-video';
import { STYLES, type Style } from './styles';

export const AURA_DEFAULT_STYLE: Style = 'digital-art';

/** Small on purpose: every frame is drawn on this machine. */
const VIDEO_SIZES = ['512x512', '768x432', '432x768'];
const VIDEO_SECONDS = [1, 2, 3, 4, 5, 6];
/** Credits a second of video. */
const VIDEO_PRICE_PER_SECOND = 2;

const SIZES = ['256x256', '512x512', '768x768', '1024x1024', '1024x768', '768x1024', '1024x576', '576x1024', '1536x1024', '1024x1536', '2048x2048', '4096x4096'];

/**
 * The built-in backend: procedural colour-field images rendered with sharp, offline and free. It is
 * not a neural model and does not pretend to be; it makes every part of the platform work with no
 * provider account (videos too: the same scenes, animated, as WebP), and its output is deterministic, which tests rely on. It takes no options.
 */
@ProviderPlugin({
  id: 'aura',
  sdkVersion: PROVIDER_SDK_VERSION,
  name: 'Aura (built-in)',
  description: 'Procedural, offline and free: soft colour fields, gradients and shapes drawn from the prompt. Deterministic; not a neural model.',
  models: [{
    id: 'aura',
    name: 'Aura procedural v1',
    description: 'Colour words and moods in the prompt choose the palette; the style changes the rendering. Edits blend one or two sources, only where the mask is transparent.',
    operations: ['generate', 'edit'],
    sizes: SIZES,
    formats: ['png', 'jpeg', 'webp', 'avif'],
    styles: [...STYLES],
    maxImagesPerCall: 4,
    seed: true,
    maxSourceImages: 2,
    mask: true,
    price: (quote) => quote.n,
  }, {
    id: 'aura-motion',
    name: 'Aura motion v1',
    description: "The image model's scene for 1 to 6 seconds, the camera drifting and the light shifting: an animated WebP at 10 frames a second.",
    operations: ['video'],
    sizes: VIDEO_SIZES,
    formats: ['webp'],
    maxImagesPerCall: 1,
    seed: true,
    durations: { seconds: VIDEO_SECONDS, default: 2 },
    price: (quote) => VIDEO_PRICE_PER_SECOND * (quote.durationSeconds ?? 2),
  }],
  byok: false,
})
export class AuraProvider implements ImageGenerator, ImageEditor, VideoGenerator {
  /** `ctx.signal` (a cancelled job) stops the render between images and between sharp steps. */
  async generate(input: GenerateInput, ctx: ProviderCallContext): Promise<ImageBytes[]> {
    return this.each(input, ctx.signal, (req) => renderGeneration(req, ctx.signal));
  }

  async edit(input: EditInput, ctx: ProviderCallContext): Promise<ImageBytes[]> {
    if (!input.images.length) throw new ProviderError('invalid_input', 'aura: an edit needs at least one source image');
    return this.each(input, ctx.signal, (req) => renderEdit(req, input.images, input.mask, ctx.signal));
  }

  async generateVideo(input: VideoInput, ctx: ProviderCallContext): Promise<VideoFile[]> {
    if (!VIDEO_SECONDS.includes(input.durationSeconds)) throw new ProviderError('invalid_input', `aura: a video lasts ${VIDEO_SECONDS[0]} to ${VIDEO_SECONDS.at(-1)} whole seconds`);
    const data = await renderVideo(input, ctx.signal);
    return [{ stream: once(data), mimeType: 'image/webp', durationSeconds: input.durationSeconds, width: input.width, height: input.height }];
  }

  /** One image per seed: seed, seed + 1, ... so n images differ but each can be reproduced alone. */
  private async each(input: GenerateInput, signal: AbortSignal, render: (req: AuraRequest) => Promise<Buffer>): Promise<ImageBytes[]> {
    const style = (STYLES as readonly string[]).includes(input.style ?? '') ? (input.style as Style) : AURA_DEFAULT_STYLE;
    const out: ImageBytes[] = [];
    for (let i = 0; i < input.n; i++) {
      signal.throwIfAborted();
      const seed = input.seed + i;
      const req: AuraRequest = { prompt: input.prompt, negativePrompt: input.negativePrompt, style, width: input.width, height: input.height, format: input.format, seed };
      out.push({ data: await render(req), format: input.format, width: input.width, height: input.height, seed });
    }
    return out;
  }
}

/** A rendered file as the one chunk of a stream. */
async function* once(data: Buffer): AsyncIterable<Uint8Array> {
  yield data;
}
