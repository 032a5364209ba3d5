import {
  ProviderPlugin,
  type EditInput,
  type GenerateInput,
  type ProviderCallContext,
  type ProviderHealth,
  type RenderedImage,
} from '../../../src/plugins';
import { renderEdit, renderGeneration, type AuraRequest } from './render';
import { STYLES, type Style } from './styles';

export const AURA_DEFAULT_STYLE: Style = 'digital-art';

const SIZES = ['256x256', '512x512', '768x768', '1024x1024', '1024x768', '768x1024', '1024x576', '576x1024', '1536x1024', '1024x1536', '2048x2048', '4096x4096'];

/**
 * The built-in backend: procedural colour-field images rendered with sharp, offline and free. It is
 * not a neural model and does not pretend to be; it makes every part of the platform work with no
 * provider account, and its output is deterministic, which tests rely on.
 */
@ProviderPlugin({
  id: 'aura',
  name: 'Aura (built-in)',
  description: 'Procedural, offline and free: soft colour fields, gradients and shapes drawn from the prompt. Deterministic; not a neural model.',
  operations: ['generate', 'edit'],
  models: [{ id: 'aura', name: 'Aura procedural v1', description: 'Colour words and moods in the prompt choose the palette; the style changes the rendering.' }],
  sizes: SIZES,
  styles: [...STYLES],
  formats: ['png', 'jpeg', 'webp', 'avif'],
  pricing: { generate: 1, edit: 1 },
  byok: false,
})
export class AuraProvider implements ProviderPlugin {
  /** `ctx.signal` (a cancelled job) stops the render between images and between sharp steps. */
  async generate(input: GenerateInput, ctx: ProviderCallContext = {}): Promise<RenderedImage[]> {
    return this.each(input, ctx.signal, (req) => renderGeneration(req, ctx.signal));
  }

  async edit(input: EditInput, ctx: ProviderCallContext = {}): Promise<RenderedImage[]> {
    if (!input.images.length) throw new Error('aura: an edit needs at least one source image');
    return this.each(input, ctx.signal, (req) => renderEdit(req, input.images, ctx.signal));
  }

  async health(): Promise<ProviderHealth> {
    return { ok: true };
  }

  /** One image per seed: seed, seed + 1, ... so n images differ but each can be reproduced alone. */
  private async each(input: GenerateInput, signal: AbortSignal | undefined, render: (req: AuraRequest) => Promise<Buffer>): Promise<RenderedImage[]> {
    const style = (STYLES as readonly string[]).includes(input.style ?? '') ? (input.style as Style) : AURA_DEFAULT_STYLE;
    const out: RenderedImage[] = [];
    for (let i = 0; i < input.n; i++) {
      signal?.throwIfAborted();
      const seed = input.seed + i;
      const req: AuraRequest = { prompt: input.prompt, negativePrompt: input.negativePrompt, style, width: input.width, height: input.height, format: input.format, seed };
      out.push({ data: await render(req), format: input.format, width: input.width, height: input.height, seed });
    }
    return out;
  }
}
