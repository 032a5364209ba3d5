import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';

export const PHOTOROOM_BASE_URL = 'https://sdk.photoroom.com';
/** Where the account (and the Plus API) lives, apart from the Basic API's host. */
export const PHOTOROOM_ACCOUNT_URL = 'https://image-api.photoroom.com';
export const PHOTOROOM_SIZES = ['preview', 'medium', 'hd', 'full'] as const;
/** Darkroom credits (1 = 1 US cent) per image: the Basic API's list price, $0.02. */
export const PHOTOROOM_CREDITS = 2;
/** The Basic API's list price per image, in US dollars. */
export const PHOTOROOM_PRICE_USD = 0.02;

const urlRule = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

/** An id's options: where Photoroom is, and the product-photo step it runs (a background colour, the size). */
export class PhotoroomOptions {
  /** The Basic API's root; default https://sdk.photoroom.com. */
  @IsOptional()
  @IsUrl(urlRule)
  baseUrl?: string;

  /**
   * Where GET /v2/account is (the health check); default https://image-api.photoroom.com, or
   * `baseUrl` when that is set (a proxy or a fake serving both).
   */
  @IsOptional()
  @IsUrl(urlRule)
  accountBaseUrl?: string;

  /** Photoroom's `bg_color`: the cut-out laid on this colour (hex such as FFFFFF or #FFFFFF, or a name such as white); default none, transparent. */
  @IsOptional()
  @IsString()
  @Matches(/^(#?[0-9a-fA-F]{6}|[a-zA-Z]{3,20})$/, { message: 'bgColor must be a hex colour such as FFFFFF or a colour name such as white' })
  bgColor?: string;

  /** Photoroom's `size`: preview (0.25 megapixels), medium (1.5), hd (4) or full (default, up to 36). */
  @IsOptional()
  @IsIn(PHOTOROOM_SIZES)
  size?: (typeof PHOTOROOM_SIZES)[number];

  /** Darkroom credits per image (default 2, the Basic API's $0.02). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  credits?: number;
}

/** The platform's key (or an organisation's own): a Photoroom API key, sent as x-api-key. */
export class PhotoroomCredentials {
  @IsString()
  @MinLength(8, { message: 'apiKey must be a Photoroom API key' })
  apiKey!: string;
}
