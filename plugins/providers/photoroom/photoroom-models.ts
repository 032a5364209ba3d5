import type { ProviderModel } from '../../../src/plugins';
import { PHOTOROOM_CREDITS, PHOTOROOM_PRICE_USD, type PhotoroomOptions } from './photoroom-options.dto';

/** The one model of an id: the Basic API's background removal, with the id's background colour and size. */
export function photoroomModels(options: PhotoroomOptions): ProviderModel[] {
  const credits = options.credits ?? PHOTOROOM_CREDITS;
  const on = options.bgColor ? `on ${options.bgColor}` : 'on a transparent background';
  return [{
    id: 'segment',
    name: 'Photoroom background removal',
    description: `Cuts the product out ${on} (the Basic API's /v1/segment, ${options.size ?? 'full'} size).`,
    operations: ['removeBackground'],
    // Full size goes up to 36 megapixels; Darkroom keeps outputs under 40.
    sizes: { minWidth: 1, maxWidth: 10_000, minHeight: 1, maxHeight: 10_000, maxPixels: 36_000_000 },
    formats: ['png', 'jpeg', 'webp'],
    maxImagesPerCall: 1,
    seed: false,
    price: (quote) => quote.n * credits,
    providerPrice: (quote) => ({ amount: quote.n * PHOTOROOM_PRICE_USD, currency: 'USD' }),
  }];
}
