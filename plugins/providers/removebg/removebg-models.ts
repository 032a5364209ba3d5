import type { ProviderModel } from '../../../src/plugins';
import { REMOVEBG_CREDITS, REMOVEBG_PREVIEW_SIZES, type RemoveBgOptions } from './removebg-options.dto';

/**
 * The one model of an id: remove.bg's cut-out at the id's `size`. A preview (up to 0.25 megapixels)
 * costs a quarter of a remove.bg credit, anything larger one; Darkroom's price follows the same ratio.
 */
export function removeBgModels(options: RemoveBgOptions): ProviderModel[] {
  const preview = REMOVEBG_PREVIEW_SIZES.includes(options.size ?? 'auto');
  const credits = options.credits ?? REMOVEBG_CREDITS;
  const perImage = preview ? Math.max(1, Math.ceil(credits / 4)) : credits;
  const removeBgCredits = preview ? 0.25 : 1;
  return [{
    id: 'removebg',
    name: 'remove.bg',
    description: `Cuts the foreground (${options.type ?? 'auto'}) out on a transparent background, at remove.bg's ${options.size ?? 'auto'} size.`,
    operations: ['removeBackground'],
    // Sources up to 50 megapixels; full-size results up to 25.
    sizes: { minWidth: 1, maxWidth: 10_000, minHeight: 1, maxHeight: 10_000, maxPixels: 25_000_000 },
    formats: ['png', 'webp'],
    maxImagesPerCall: 1,
    seed: false,
    price: (quote) => quote.n * perImage,
    providerPrice: (quote) => ({ amount: quote.n * removeBgCredits, currency: 'removebg-credits' }),
  }];
}
