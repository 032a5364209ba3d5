/**
 * The image rules of a marketplace, as data: each channel declares its image slots and what an image
 * must be to go in one. The studio's compliance check and fixes read these declarations; the plugin
 * itself does not enforce them (the store does, and answers `content_rejected`).
 */
export type ChannelImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif' | 'heic' | 'bmp';

export const CHANNEL_IMAGE_FORMATS: readonly ChannelImageFormat[] = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heic', 'bmp'];

/** What the background must be, e.g. Amazon's main image: pure white, `#FFFFFF` with tolerance 0. */
export interface BackgroundRule {
  /** `#RRGGBB`. */
  color: string;
  /** How far each of R, G and B may stray from it (0-255). */
  tolerance: number;
  /** Whether a transparent background is taken instead. */
  allowTransparent: boolean;
}

/** Content a slot forbids, for the checks that can see it. */
export type ForbiddenContent = 'text' | 'logo' | 'watermark' | 'border' | 'badge';

/** Where a rule comes from: a rule pack records its source and the day it was checked. */
export interface RuleSource {
  url: string;
  /** YYYY-MM-DD. */
  checkedOn: string;
  /** A third-party figure, or sources that disagree, said plainly. */
  note?: string;
}

/** Every field is optional but `formats`: a store that states no rule for something leaves it out. */
export interface ImageRequirements {
  formats: ChannelImageFormat[];
  maxBytes?: number;
  minWidth?: number;
  minHeight?: number;
  maxWidth?: number;
  maxHeight?: number;
  /** On the longer side, as Amazon and eBay state theirs. */
  minLongestSide?: number;
  maxLongestSide?: number;
  maxMegapixels?: number;
  /** Width to height, e.g. 1:1; `tolerance` is the ratio's allowed relative difference (0.01 = 1%). */
  aspectRatio?: { width: number; height: number; tolerance: number };
  background?: BackgroundRule;
  /** The share of the frame the product must fill, 0 to 1 (Amazon's main image: 0.85). */
  minProductFill?: number;
  forbidden?: ForbiddenContent[];
  sources?: RuleSource[];
}

/**
 * A place for images on a product, covering positions `firstPosition` to
 * `firstPosition + maxImages - 1` of its image list (1-based). `main` is position 1 everywhere;
 * a gallery follows it (Amazon: 8 more; WooCommerce: no limit, so no `maxImages`).
 */
export interface ChannelImageSlot {
  /** Lower-case letters, digits and dashes: `main`, `gallery`. */
  id: string;
  name: string;
  firstPosition: number;
  maxImages?: number;
  requirements: ImageRequirements;
}
