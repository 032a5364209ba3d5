import { ArrayNotEmpty, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, Matches } from 'class-validator';

export const SP_API_REGIONS = ['na', 'eu', 'fe'] as const;
export type SpApiRegion = (typeof SP_API_REGIONS)[number];

/**
 * What an Amazon connection holds: the seller that authorised Darkroom, the stores it sells in and
 * the LWA refresh token of that authorisation. The region is the seller's (a seller in Europe and in
 * North America authorises twice), so it belongs to the connection, not to the installation.
 */
export class AmazonCredentials {
  /** The merchant token (`selling_partner_id` on the authorisation callback). */
  @IsString()
  @Matches(/^[A-Z0-9]{8,20}$/, { message: 'sellerId must be an Amazon merchant token (upper-case letters and digits)' })
  sellerId!: string;

  /** The Amazon stores to publish to, e.g. ATVPDKIKX0DER (amazon.com); all in the connection's region. */
  @IsArray()
  @ArrayNotEmpty()
  @Matches(/^[A-Z0-9]{10,14}$/, { each: true, message: 'each of marketplaceIds must be an Amazon marketplace id' })
  marketplaceIds!: string[];

  @IsIn(SP_API_REGIONS)
  region!: SpApiRegion;

  /** The LWA refresh token (`Atzr|…`); it does not rotate, and is exchanged for hourly access tokens. */
  @IsString()
  @IsNotEmpty()
  refreshToken!: string;
}

/**
 * The Darkroom app registered in Seller Central, and where its calls go: unset, the real services;
 * set (AMAZON_SP_API_BASE_URL, AMAZON_LWA_BASE_URL), another SP-API and LWA, as the tests' fake.
 */
export class AmazonOptions {
  /** The app's LWA client id (`amzn1.application-oa2-client.…`). */
  @IsString()
  @IsNotEmpty()
  clientId!: string;

  /** The app's LWA client secret; Amazon has it rotated every 180 days. */
  @IsString()
  @IsNotEmpty()
  clientSecret!: string;

  /** The app's id in the Solution Provider Portal (`amzn1.sp.solution.…`): with it, sellers connect through Seller Central's consent page. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  applicationId?: string;

  /** Seller Central for the consent page; unset, the region's own (sellercentral.amazon.com, sellercentral-europe.amazon.com, sellercentral.amazon.co.jp). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  sellerCentralUrl?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  spApiBaseUrl?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  lwaBaseUrl?: string;
}
