import { IsNotEmpty, IsOptional, IsString, IsUrl, Matches } from 'class-validator';

/**
 * A Shopify connection: the shop's permanent domain and either an Admin API access token, or the
 * client id and secret of the merchant's own app where the store grants tokens by client credentials
 * (apps of the store's own organisation). The app's secret also checks the shop's webhooks.
 */
export class ShopifyCredentials {
  /** The permanent myshopify.com domain, as the library's shop check wants it. */
  @Matches(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, { message: 'shop must be a shop domain such as my-store.myshopify.com' })
  shop!: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  accessToken?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  clientId?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  clientSecret?: string;
}

/** What belongs to the Darkroom installation rather than to a shop. */
export class ShopifyOptions {
  /** Darkroom's app at Shopify: its secret signs the webhooks of shops that installed it. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  clientId?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  clientSecret?: string;

  /** SHOPIFY_BASE_URL: every shop's https://<shop> is sent here instead (the fake store in tests). */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  baseUrl?: string;
}
