import type { ImageFormat, ProviderModel, SizeConstraints } from '../../../src/plugins';
import { ASPECT_RATIOS } from './stability-mapping';

/** Stability's `style_preset` values, offered as the models' styles. */
export const STABILITY_STYLES = [
  'enhance', 'anime', 'photographic', 'digital-art', 'comic-book', 'fantasy-art', 'line-art', 'analog-film', 'neon-punk',
  'isometric', 'low-poly', 'origami', 'modeling-compound', 'cinematic', '3d-model', 'pixel-art', 'tile-texture',
];

const RATIO_SIZES = Object.keys(ASPECT_RATIOS);
const ALL_FORMATS: ImageFormat[] = ['png', 'jpeg', 'webp'];
/** Edits work on the source at the asked size: each side at least 64 pixels, at most 9,437,184 pixels in all. */
const EDIT_SIZES: SizeConstraints = { minWidth: 64, maxWidth: 8192, minHeight: 64, maxHeight: 8192, maxPixels: 9_437_184 };
/** Outpaint must add something to a source of at least 64 x 64. */
const OUTPAINT_SIZES: SizeConstraints = { ...EDIT_SIZES, minWidth: 128, minHeight: 128 };
/** An upscaler's result is resized to the asked size, up to 16 megapixels (4x a one-megapixel source). */
const UPSCALE_SIZES: SizeConstraints = { minWidth: 64, maxWidth: 8192, minHeight: 64, maxHeight: 8192, maxPixels: 16_777_216 };

/** Credits per output: one Darkroom credit per Stability credit ($0.01) of its list price, rounded up. */
const perImage = (credits: number): ProviderModel['price'] => (quote) => quote.n * credits;

/**
 * Darkroom's models are Stability's services (one endpoint each): their names are the API's paths,
 * which stay put; the retiring model ids behind generate/sd3 come from the `sd3Model` option.
 */
export const STABILITY_MODELS: ProviderModel[] = [
  {
    id: 'core', name: 'Stable Image Core', description: 'Fast, affordable text-to-image (generate/core).',
    operations: ['generate'], sizes: RATIO_SIZES, formats: ALL_FORMATS, styles: STABILITY_STYLES, maxImagesPerCall: 1, seed: true, price: perImage(3),
  },
  {
    id: 'ultra', name: 'Stable Image Ultra', description: 'The most detailed, photorealistic text-to-image (generate/ultra).',
    operations: ['generate'], sizes: RATIO_SIZES, formats: ALL_FORMATS, maxImagesPerCall: 1, seed: true, price: perImage(8),
  },
  {
    id: 'sd3', name: 'Stable Diffusion 3.5', description: 'Text-to-image with the SD 3.5 model the sd3Model option names (generate/sd3); priced as sd3.5-large, the dearest.',
    operations: ['generate'], sizes: RATIO_SIZES, formats: ['png', 'jpeg'], styles: STABILITY_STYLES, maxImagesPerCall: 1, seed: true, price: perImage(7),
  },
  {
    id: 'inpaint', name: 'Inpaint', description: 'Repaints part of the source from the prompt: where the mask is transparent, else the source\'s own transparent pixels.',
    operations: ['edit'], sizes: EDIT_SIZES, formats: ALL_FORMATS, styles: STABILITY_STYLES, maxImagesPerCall: 1, seed: true, mask: true, price: perImage(5),
  },
  {
    id: 'erase', name: 'Erase', description: 'Removes what the mask\'s transparent pixels (else the source\'s own) cover; the prompt is not used.',
    operations: ['edit'], sizes: EDIT_SIZES, formats: ALL_FORMATS, maxImagesPerCall: 1, seed: true, mask: true, price: perImage(5),
  },
  {
    id: 'search-and-replace', name: 'Search and replace',
    description: 'Finds what providerOptions.stability.searchPrompt describes in the source and repaints it from the prompt; no mask. Sizes up to 2.5:1 either way.',
    operations: ['edit'], sizes: EDIT_SIZES, formats: ALL_FORMATS, styles: STABILITY_STYLES, maxImagesPerCall: 1, seed: true, price: perImage(5),
  },
  {
    id: 'outpaint', name: 'Outpaint', description: 'Extends the source, centred, to the asked size, painting the new border from the prompt.',
    operations: ['edit'], sizes: OUTPAINT_SIZES, formats: ALL_FORMATS, styles: STABILITY_STYLES, maxImagesPerCall: 1, seed: true, price: perImage(4),
  },
  {
    id: 'remove-background', name: 'Remove background', description: 'Cuts the subject out on a transparent background.',
    operations: ['removeBackground'], sizes: EDIT_SIZES, formats: ['png', 'webp'], maxImagesPerCall: 1, seed: false, price: perImage(5),
  },
  {
    id: 'upscale-fast', name: 'Fast upscale', description: 'Upscales 4x in about a second, then to the asked size.',
    operations: ['upscale'], sizes: UPSCALE_SIZES, formats: ALL_FORMATS, maxImagesPerCall: 1, seed: false, price: perImage(2),
  },
  {
    id: 'upscale-creative', name: 'Creative upscale', description: 'Reimagines a small or degraded image at high resolution (asynchronous, polled), then resized to the asked size.',
    operations: ['upscale'], sizes: UPSCALE_SIZES, formats: ALL_FORMATS, maxImagesPerCall: 1, seed: false, price: perImage(60),
  },
];
