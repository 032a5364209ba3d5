/**
 * A store's catalogue as the core sees it, whatever the store: products with their variants and
 * images. External ids are the store's own, as strings (Shopify's GIDs, WooCommerce's numbers,
 * Amazon's SKUs).
 */
export interface ChannelImage {
  externalId: string;
  /** Where the store serves it. */
  url: string;
  /** 1-based place in the product's image list; 1 is the main image. */
  position: number;
  alt: string | null;
}

export interface ChannelVariant {
  externalId: string;
  sku: string | null;
  title: string;
  /** The product image shown for this variant, when one is chosen. */
  imageExternalId: string | null;
}

export interface ChannelProduct {
  externalId: string;
  title: string;
  updatedAt: Date;
  variants: ChannelVariant[];
  /** In position order. */
  images: ChannelImage[];
}

export interface ListProductsQuery {
  /** Null for the first page, then the previous page's `nextCursor`. */
  cursor: string | null;
  /**
   * Only products updated at or after this time (incremental sync). A store that filters strictly
   * after may be asked for a second earlier: a product listed twice is harmless, one missed is not.
   */
  updatedSince: Date | null;
  /** At most the plugin's `maxPageSize`; a page may hold fewer. */
  pageSize: number;
}

/**
 * Paging through with `nextCursor` until it is null lists every product that matches once, as long
 * as the catalogue does not change meanwhile (a product updated mid-way may come again later).
 */
export interface ChannelProductPage {
  products: ChannelProduct[];
  nextCursor: string | null;
}

/** What the store knows the connected account as. */
export interface ChannelAccount {
  /** Stable for the store (shop domain, seller id): the same store connected twice has the same one. */
  accountId: string;
  accountName: string;
}

/** An image to publish, offered both ways: stores that upload take `data`, stores that fetch take `url`. */
export interface PublishableImage {
  data: Buffer;
  mimeType: string;
  width: number;
  height: number;
  /** A file name for stores that keep one (the media library, a GTIN-named file). */
  filename: string;
  /** A signed public URL serving `data`, valid for at least an hour. */
  url: string;
}

export interface PublishImageInput {
  productExternalId: string;
  /** Makes the image the one this variant shows. */
  variantExternalId?: string;
  /** One of the plugin's declared image slots. */
  slot: string;
  /** The 1-based position within the product's images, inside the slot's range; absent: after the slot's last image. */
  position?: number;
  alt?: string;
  /** Put the new image in this one's place (same position, same variants), removing it. */
  replaceImageExternalId?: string;
  image: PublishableImage;
}

/**
 * `done` when the store holds the image; `pending` when it processes it asynchronously (Shopify's
 * file processing, SP-API's listing submissions). The core records `externalRef` on its job and
 * asks `checkPublish` until it is done, also after a restart; so put in it all the plugin needs.
 */
export type PublishResult = { status: 'done'; externalImageId: string } | { status: 'pending'; externalRef: string };

export interface RemoveImageInput {
  productExternalId: string;
  imageExternalId: string;
}
