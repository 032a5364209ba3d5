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
} from '../../../src/plugins';
import { renderEdit, renderGeneration, type AuraRequest } from './render';
import { STYLES, type Style } from './styles';

export const AURA_DEFAULT_STYLE: Style = 'digital-art';

const SIZES = ['256x256', '512x512', '768x768', '1024x1024', '1024x768', '768x1024', '1024x576', '576x1024', '1536x1024', '1024x1536', '2048x2048', '4096x4096'];

/**
 * The built-in backend: procedural colour-field images rendered with sharp, offline and free. It is
 * not a neural model and does not pretend to be; it makes every part of the platform work with no
 * provider account, and its output is deterministic, which tests rely on. It takes no options.
 */
@ProviderPlugin({
  id: 'aura',
  sdkVersion: PROVIDER_SDK_VERSION,
  name: 'Aura (built-in)',
  description: 'Procedural, offline and free: soft colour fields, gradients and shapes drawn from the prompt. Deterministic; not a neural model.',
  models: [{
    id: 'aura',
    name: 'Aura procedural v1',
    description: 'Colour words and moods in the prompt choose the palette; the style changes the rendering.',
    operations: ['generate', 'edit'],
    sizes: SIZES,
    formats: ['png', 'jpeg', 'webp', 'avif'],
    styles: [...STYLES],
    maxImagesPerCall: 4,
    seed: true,
    price: (quote) => quote.n,
  }],
  byok: false,
})
export class AuraProvider implements ImageGenerator, ImageEditor {
  /** `ctx.signal` (a cancelled job) stops the render between images and between sharp steps. */
  async generate(input: GenerateInput, ctx: ProviderCallContext): Promise<ImageBytes[]> {
    return this.each(input, ctx.signal, (req) => renderGeneration(req, ctx.signal));
  }

  async edit(input: EditInput, ctx: ProviderCallContext): Promise<ImageBytes[]> {
    if (!input.images.length) throw new ProviderError('invalid_input', 'aura: an edit needs at least one source image');
    return this.each(input, ctx.signal, (req) => renderEdit(req, input.images, ctx.signal));
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
