import { SetMetadata } from '@nestjs/common';
import type { ChannelAccount, ChannelProductPage, ListProductsQuery, PublishImageInput, PublishResult, RemoveImageInput } from './channel-catalogue';
import type { ChannelCallContext, ChannelConnection } from './channel-connection';
import type { ChannelImageSlot } from './channel-images';
import type { ChannelWebhookEvent, ChannelWebhookEventKind, WebhookHeaders } from './channel-webhooks';

/**
 * The contract of a marketplace. A channel plugin is a folder, plugins/channels/<id>, whose index
 * default-exports one class carrying `@ChannelPlugin({...})` and implementing `ChannelPlugin`. The
 * core makes an instance with the options configured for it and calls it with a connection (whose
 * credentials it keeps sealed) and a call context. It imports nothing from the core but this SDK.
 * Errors are `PluginError`s, the kinds providers use (plugin-call.ts); docs/channels.md has the rest.
 */

/** The contract version this core speaks; a plugin built for another is refused at start. */
export const CHANNEL_SDK_VERSION = 1;

export type ChannelCall = 'connect' | 'listProducts' | 'publishImage' | 'checkPublish' | 'removeImage' | 'exchange';

/**
 * A budget of calls per connection the store allows (a leaky bucket: `burst` at once, then
 * `perSecond`), for the calls named, or for all of them. The core paces each connection's calls by
 * these, in each process; a plugin still maps the store's throttled answer to `rate_limited` with
 * `retryAfterMs`.
 */
export interface ChannelRateLimit {
  calls?: ChannelCall[];
  perSecond: number;
  burst: number;
}

export interface ChannelPluginMetadata {
  /** The plugin's folder name: plugins/channels/<id>. */
  id: string;
  sdkVersion: number;
  name: string;
  description: string;
  /** The fields of a connection's credentials, as a class-validator DTO class. */
  credentials: new () => object;
  /** Where a product's images go, with the rules for each: `main` first. */
  imageSlots: ChannelImageSlot[];
  rateLimits: ChannelRateLimit[];
  /** The most products one `listProducts` page may hold at this store. */
  maxPageSize: number;
  /** The kinds `parseWebhook` can return (besides `other`); empty when it has no webhooks. */
  webhookEvents: ChannelWebhookEventKind[];
  /**
   * The marketplace rule pack (config/marketplaces/<id>.yaml) a new connection's images are checked
   * against, unless the merchant names another. A pack slot named `<pack>-<slot id>` checks that
   * slot's images; otherwise the pack's first slot checks them all.
   */
  rulePack?: string;
  /**
   * The store downloads published images from `image.url` itself, from the internet (Amazon): the
   * core refuses to publish (409 public_url_required) unless its links are public HTTPS.
   */
  fetchesImageLinks?: boolean;
}

/**
 * Connecting through the store's consent page. `params` are what the merchant typed first (Shopify:
 * the shop domain); `query` is the whole callback query (Shopify adds `shop` and an `hmac` to check,
 * Amazon the `selling_partner_id`). The core makes and checks `state`.
 */
export interface ChannelOAuth<C extends object = object> {
  /** Throws `invalid_input` when `params` do not name a store. */
  authorizeUrl(request: { state: string; redirectUri: string; params: Record<string, string> }): string;
  /** Turns the callback into a connection's credentials; `invalid_credentials` for a refused code. */
  exchange(callback: { code: string; redirectUri: string; query: Record<string, string> }, ctx: ChannelCallContext): Promise<C>;
}

export interface ChannelPlugin<C extends object = object> {
  readonly oauth?: ChannelOAuth<C>;
  /** Checks the connection's credentials at the store: `invalid_credentials` when they do not work. */
  connect(connection: ChannelConnection<C>, ctx: ChannelCallContext): Promise<ChannelAccount>;
  listProducts(connection: ChannelConnection<C>, query: ListProductsQuery, ctx: ChannelCallContext): Promise<ChannelProductPage>;
  publishImage(connection: ChannelConnection<C>, input: PublishImageInput, ctx: ChannelCallContext): Promise<PublishResult>;
  /** Needed by any plugin whose `publishImage` can answer `pending`; `content_rejected` when the store refused the image. */
  checkPublish?(connection: ChannelConnection<C>, externalRef: string, ctx: ChannelCallContext): Promise<PublishResult>;
  /** Resolves when the image is gone, also when it was gone already (a retried job removes twice). */
  removeImage(connection: ChannelConnection<C>, input: RemoveImageInput, ctx: ChannelCallContext): Promise<void>;
  /**
   * An incoming store webhook for this connection, verified against the raw body as received:
   * null when it is not authentic (answer 401), `other` for topics the core does not act on.
   * `secret` is the one the core made for the connection (shown to the merchant once, to paste
   * into the store); a store that signs with a secret of its own (Shopify: the app's) uses that.
   */
  parseWebhook?(headers: WebhookHeaders, rawBody: Buffer, connection: ChannelConnection<C>, secret: string): ChannelWebhookEvent | null;
}

/** The class a channel folder exports: made with its configured options. */
export interface ChannelPluginClass {
  new (options: Record<string, unknown>): ChannelPlugin;
  /** Every problem with the options, as sentences (empty when they are fine); see `optionProblems`. */
  validateOptions?(options: Record<string, unknown>): string[];
}

export const CHANNEL_PLUGIN = 'darkroom:channel-plugin';

/** Marks the class a channel folder exports; the loader reads it at start-up. */
export const ChannelPlugin = (metadata: ChannelPluginMetadata): ClassDecorator => SetMetadata(CHANNEL_PLUGIN, metadata);

/** The metadata of a decorated class, or undefined. */
export function channelMetadataOf(target: unknown): ChannelPluginMetadata | undefined {
  return typeof target === 'function' ? (Reflect.getMetadata(CHANNEL_PLUGIN, target) as ChannelPluginMetadata | undefined) : undefined;
}
