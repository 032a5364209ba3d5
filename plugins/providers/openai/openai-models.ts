import { ProviderError, type PriceQuote, type ProviderModel } from '../../../src/plugins';

/** The quality a Darkroom model id asks OpenAI for: a request chooses it by naming the model. */
export type OpenAIQuality = 'low' | 'medium' | 'high';

/** The sizes every GPT image model renders. */
export const OPENAI_SIZES = ['1024x1024', '1536x1024', '1024x1536'];

/** OpenAI takes up to 16 sources per edit; a mask applies to the first. */
export const OPENAI_MAX_EDIT_SOURCES = 16;

/**
 * Credits (1 credit = 1 US cent) per output image, square and portrait or landscape: OpenAI's list
 * price of gpt-image-1.5 (the default model) per image, rounded up. An edit adds one credit per
 * output for the source images' input tokens.
 */
const CREDITS_PER_IMAGE: Record<OpenAIQuality, { square: number; oblong: number }> = {
  low: { square: 1, oblong: 2 },
  medium: { square: 4, oblong: 5 },
  high: { square: 14, oblong: 20 },
};

export function openaiPrice(quality: OpenAIQuality, quote: PriceQuote): number {
  const tier = CREDITS_PER_IMAGE[quality];
  const perImage = (quote.width === quote.height ? tier.square : tier.oblong) + (quote.operation === 'edit' ? 1 : 0);
  return quote.n * perImage;
}

const tier = (quality: OpenAIQuality, name: string, description: string): ProviderModel => ({
  id: `gpt-image-${quality}`,
  name,
  description: `${description} Runs the OpenAI model the id's \`model\` option names (gpt-image-1.5 by default).`,
  operations: ['generate', 'edit'],
  sizes: OPENAI_SIZES,
  formats: ['png', 'jpeg', 'webp'],
  maxImagesPerCall: 10,
  seed: false,
  maxSourceImages: OPENAI_MAX_EDIT_SOURCES,
  mask: true,
  price: (quote) => openaiPrice(quality, quote),
});

/**
 * Darkroom's models are quality tiers of the configured OpenAI model, not OpenAI's model ids: the
 * SDK reads a plugin's models from its class, before any options, so the OpenAI id (which OpenAI
 * retires) is the `model` option and these ids stay stable. The first is the default.
 */
export const OPENAI_MODELS: ProviderModel[] = [
  tier('medium', 'GPT Image, medium quality', 'OpenAI GPT image generation and editing at medium quality: the default.'),
  tier('low', 'GPT Image, low quality', 'OpenAI GPT image generation and editing at low quality: fastest and cheapest, for drafts.'),
  tier('high', 'GPT Image, high quality', 'OpenAI GPT image generation and editing at high quality: finest detail and text.'),
];

/** The quality a Darkroom model id stands for. */
export function qualityOf(modelId: string): OpenAIQuality {
  const quality = modelId.replace(/^gpt-image-/, '');
  if (quality in CREDITS_PER_IMAGE) return quality as OpenAIQuality;
  throw new ProviderError('invalid_input', `openai: unknown model "${modelId}"`);
}
