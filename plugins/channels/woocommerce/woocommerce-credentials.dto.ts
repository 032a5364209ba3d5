import { IsNotEmpty, IsString, IsUrl, ValidateIf } from 'class-validator';

/**
 * What a WooCommerce connection holds: the merchant's own site, a REST API key pair made under
 * WooCommerce > Settings > Advanced > REST API (read/write, to publish), and optionally a WordPress
 * user's Application Password, with which images are uploaded to the media library instead of
 * fetched by the store from a link. Webhooks are signed with the connection's own webhook secret,
 * which the merchant pastes into the store's webhook settings.
 */
export class WooCommerceCredentials {
  /** The WordPress site's address (customer input: the core's HTTP client guards it). */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  storeUrl!: string;

  @IsString()
  @IsNotEmpty()
  consumerKey!: string;

  @IsString()
  @IsNotEmpty()
  consumerSecret!: string;

  /** The WordPress user the Application Password belongs to (Author or above, to upload media). */
  @ValidateIf((c: WooCommerceCredentials) => c.wordpressUsername !== undefined || c.applicationPassword !== undefined)
  @IsString()
  @IsNotEmpty()
  wordpressUsername?: string;

  @ValidateIf((c: WooCommerceCredentials) => c.wordpressUsername !== undefined || c.applicationPassword !== undefined)
  @IsString()
  @IsNotEmpty()
  applicationPassword?: string;
}
