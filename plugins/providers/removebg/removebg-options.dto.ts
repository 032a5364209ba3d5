import { IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';

export const REMOVEBG_BASE_URL = 'https://api.remove.bg/v1.0';
/** remove.bg's `size` values: `preview` (up to 0.25 megapixels, a quarter credit), `full` (1 credit), `auto` (the largest the image and credits allow), and their aliases. */
export const REMOVEBG_SIZES = ['auto', 'preview', 'full', 'small', 'regular', 'medium', 'hd', '4k'] as const;
/** The sizes remove.bg bills as a preview (a quarter credit). */
export const REMOVEBG_PREVIEW_SIZES: readonly string[] = ['preview', 'small', 'regular'];
export const REMOVEBG_TYPES = ['auto', 'person', 'product', 'car'] as const;
/**
 * Darkroom credits (1 = 1 US cent) for one full-size cut-out, one remove.bg credit: about what a
 * credit costs on remove.bg's subscriptions (pay-as-you-go credits cost more); a preview is a quarter.
 */
export const REMOVEBG_CREDITS = 20;

/** An id's options: where remove.bg is, what it cuts and at which size, and what Darkroom charges for it. */
export class RemoveBgOptions {
  /** The API root, /v1.0 included; default https://api.remove.bg/v1.0. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  baseUrl?: string;

  /** remove.bg's `size`: auto (default), preview or full (and their aliases small, regular, medium, hd, 4k). */
  @IsOptional()
  @IsIn(REMOVEBG_SIZES)
  size?: (typeof REMOVEBG_SIZES)[number];

  /** remove.bg's `type`, the kind of foreground: auto (default), person, product or car. */
  @IsOptional()
  @IsIn(REMOVEBG_TYPES)
  type?: (typeof REMOVEBG_TYPES)[number];

  /** Darkroom credits per full-size cut-out (default 20); a preview-size id charges a quarter of it, at least 1. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  credits?: number;
}

/** The platform's key (or an organisation's own): a remove.bg API key, sent as X-Api-Key. */
export class RemoveBgCredentials {
  @IsString()
  @MinLength(8, { message: 'apiKey must be a remove.bg API key' })
  apiKey!: string;
}
