import { AppError } from '../../common/errors/app-error';
import type { MarketplaceSlotDto } from '../marketplaces/marketplace-pack.dto';
import type { OutputFormat, RemovalMode } from '../pipeline/studio-pipeline';

/** Space around the subject box, as shares of the canvas (0 to 0.49): one for every side, or each side's own. */
export type Margin = number | { top: number; right: number; bottom: number; left: number };

export type ProcessBackground = 'white' | 'transparent' | `#${string}`;

export interface ProcessOptions {
  /** The canvas; a missing side comes from the subject's own size plus its margins (see `planFrame`). */
  width?: number;
  height?: number;
  /** Space around the subject box; DEFAULT_MARGIN when neither it nor `fill` is given. */
  margin?: Margin;
  /** Instead of a margin: the subject box's longest side over the canvas's longest side (0..1). Wins over `margin`. */
  fill?: number;
  background: ProcessBackground;
  /**
   * How the subject box fits the space inside the margins: `contain` fits it whole (it touches two
   * opposite margins), `cover` fills that space (it touches all four) and crops what of the subject
   * overflows, so the margins stay background. Ignored with `fill`.
   */
  fit: 'contain' | 'cover';
  format: OutputFormat;
  /** JPEG quality (1..100); webp and avif start at sharp's defaults (80 and 50). */
  jpegQuality: number;
  /** The encoder lowers quality (png: quantises to a palette) until the file is at most this many bytes. */
  maxBytes?: number;
  removeBackground: RemovalMode | 'none';
  shadow: 'none' | 'contact' | 'drop';
}

export const DEFAULT_MARGIN = 0.05;

/** What an operation uses for every option neither the request nor a preset sets. */
export const DEFAULT_PROCESS_OPTIONS: Pick<ProcessOptions, 'background' | 'fit' | 'format' | 'jpegQuality' | 'removeBackground' | 'shadow'> = {
  background: 'white',
  fit: 'contain',
  format: 'jpeg',
  jpegQuality: 90,
  removeBackground: 'auto',
  shadow: 'none',
};

/** The options a marketplace slot's `defaults` set: its canvas, fill or margin, background, format and size cap. */
export function presetOptions(slot: MarketplaceSlotDto): Partial<ProcessOptions> {
  const { width, height, fill, margin, background, format, maxBytes } = slot.defaults;
  const options: Partial<ProcessOptions> = { width, height, background: background as ProcessBackground, format: format as OutputFormat };
  if (fill !== undefined) options.fill = fill;
  if (margin !== undefined) options.margin = margin;
  if (maxBytes !== undefined) options.maxBytes = maxBytes;
  return options;
}

/**
 * The options an operation runs with: the defaults, then a preset's, then the request's. A margin the
 * request sets replaces the preset's fill, since fill would otherwise win over it.
 */
export function resolveProcessOptions(request: Partial<ProcessOptions>, preset: Partial<ProcessOptions> = {}): ProcessOptions {
  const merged: ProcessOptions = { ...DEFAULT_PROCESS_OPTIONS, ...preset, ...request };
  if (request.margin !== undefined && request.fill === undefined) delete merged.fill;
  return merged;
}

/** Refuses option combinations no image could satisfy (ranges are the request DTO's to check). */
export function assertProcessOptionsCoherent(options: ProcessOptions): void {
  if (options.background === 'transparent' && options.format === 'jpeg') {
    throw new AppError('validation_failed', 'A transparent background needs a format with alpha (png, webp or avif); jpeg has none');
  }
}
