import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';

/**
 * The contract of a marketplace. A channel plugin is a Nest provider class carrying
 * `@ChannelPlugin({...})` and implementing `ChannelPlugin`.
 */
export interface ChannelImageRequirements {
  minWidth: number;
  minHeight: number;
  maxBytes: number;
  formats: string[];
}

export interface ChannelPluginMetadata {
  id: string;
  name: string;
  description: string;
  /** The credentials a connection needs, as a class-validator DTO class. */
  credentials: new () => object;
  imageRequirements: ChannelImageRequirements;
}

export interface ChannelProduct {
  externalId: string;
  title: string;
  sku: string | null;
  imageUrls: string[];
}

export interface ChannelProductPage {
  products: ChannelProduct[];
  nextCursor: string | null;
}

export interface ChannelPlugin {
  /** Checks the credentials against the marketplace; throws when they do not work. */
  connect(credentials: Record<string, string>): Promise<{ accountName: string }>;
  listProducts(credentials: Record<string, string>, cursor: string | null): Promise<ChannelProductPage>;
  publishImage(
    credentials: Record<string, string>,
    product: { externalId: string },
    image: { data: Buffer; mimeType: string; replaceImageId?: string },
  ): Promise<{ externalImageId: string }>;
  verifyWebhook?(headers: Record<string, string>, rawBody: Buffer, secret: string): boolean;
}

export const CHANNEL_PLUGIN = 'darkroom:channel-plugin';

/** Marks a class as a marketplace integration; the registry finds it at start-up. */
export const ChannelPlugin = (metadata: ChannelPluginMetadata) => applyDecorators(Injectable(), SetMetadata(CHANNEL_PLUGIN, metadata));
