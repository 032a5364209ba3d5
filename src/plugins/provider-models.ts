import type { ProviderCost } from './provider-context';

/** What a model can do and what it costs: the router checks a request against it before anything is charged. */
export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'avif';
export type ProviderOperation = 'generate' | 'edit' | 'upscale' | 'removeBackground' | 'video';

export const PROVIDER_OPERATIONS: readonly ProviderOperation[] = ['generate', 'edit', 'upscale', 'removeBackground', 'video'];

/** For models that take any size within bounds (gpt-image-2: multiples of 16 up to 3840x2160) rather than a list. */
export interface SizeConstraints {
  minWidth: number;
  maxWidth: number;
  minHeight: number;
  maxHeight: number;
  /** Both sides must be multiples of this. */
  multipleOf?: number;
  /** Width x height at most. */
  maxPixels?: number;
}

/** What a price is quoted from: the request as the router sees it, before any call. */
export interface PriceQuote {
  operation: ProviderOperation;
  model: string;
  /** Outputs asked for in all (the core may split them into several calls). */
  n: number;
  width: number;
  height: number;
  format: ImageFormat;
  /** Video: the length asked for. */
  durationSeconds?: number;
}

export interface ProviderModel {
  id: string;
  name: string;
  description: string;
  operations: ProviderOperation[];
  /** The sizes it renders, as WIDTHxHEIGHT, or the bounds of any size it takes. */
  sizes: string[] | SizeConstraints;
  formats: ImageFormat[];
  /** Styles it understands; a request naming another is refused. */
  styles?: string[];
  /** More outputs than this in one request are split into several calls by the core. */
  maxImagesPerCall: number;
  /** Whether the same seed gives the same output; without it a request's seed has no effect. */
  seed: boolean;
  /** Edits: how many source images one request may send (default 1). An edit with more is refused before it is charged. */
  maxSourceImages?: number;
  /** Edits: whether it takes a mask (EditInput.mask); an edit with a mask to a model without is refused before it is charged. */
  mask?: boolean;
  /** Video models: the lengths they render, in whole seconds, and the one a request that names none gets. */
  durations?: { seconds: number[]; default: number };
  /** Platform credits for the whole request (all n outputs): a whole number above 0. */
  price(quote: PriceQuote): number;
  /** The backend's list price for the whole request in its own currency, where it publishes one. */
  providerPrice?(quote: PriceQuote): ProviderCost;
}

/** Whether a model takes WIDTHxHEIGHT. */
export function modelTakesSize(model: Pick<ProviderModel, 'sizes'>, width: number, height: number): boolean {
  const { sizes } = model;
  if (Array.isArray(sizes)) return sizes.includes(`${width}x${height}`);
  const step = sizes.multipleOf ?? 1;
  return width >= sizes.minWidth && width <= sizes.maxWidth && height >= sizes.minHeight && height <= sizes.maxHeight
    && width % step === 0 && height % step === 0 && (sizes.maxPixels === undefined || width * height <= sizes.maxPixels);
}

/** The sizes a model takes, in words, for an error message. */
export function describeSizes(sizes: ProviderModel['sizes']): string {
  if (Array.isArray(sizes)) return `one of: ${sizes.join(', ')}`;
  const step = sizes.multipleOf ? `, multiples of ${sizes.multipleOf}` : '';
  const pixels = sizes.maxPixels ? `, at most ${sizes.maxPixels} pixels` : '';
  return `from ${sizes.minWidth}x${sizes.minHeight} to ${sizes.maxWidth}x${sizes.maxHeight}${step}${pixels}`;
}

/** The smallest size a model takes: what contract tests and listed prices use. */
export function smallestSize(sizes: ProviderModel['sizes']): { width: number; height: number } {
  if (!Array.isArray(sizes)) {
    const step = sizes.multipleOf ?? 1;
    return { width: Math.ceil(sizes.minWidth / step) * step, height: Math.ceil(sizes.minHeight / step) * step };
  }
  const parsed = sizes.map((s) => s.split('x').map(Number) as [number, number]);
  const [width, height] = parsed.reduce((a, b) => (b[0] * b[1] < a[0] * a[1] ? b : a));
  return { width, height };
}
