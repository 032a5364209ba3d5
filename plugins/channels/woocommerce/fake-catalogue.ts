import type { ChannelProductSeed } from '../../../src/plugins/testing';
import type { FakeImage, FakeImageKind, FakeImages } from '../../../src/plugins/testing/fake-images';
import { invalidProduct, WpError } from './fake-errors';

interface Attachment { id: number; file: string; title: string; alt: string; data: Buffer; mimeType: string }
interface Variation { id: number; sku: string; imageId: number | null }
interface Product { id: number; name: string; sku: string; modified: Date; imageIds: number[]; variations: Variation[] }
interface ImageEntry { id?: unknown; src?: unknown; name?: unknown; alt?: unknown; position?: unknown }

/** What WordPress takes as an image, by extension (wc_rest_allowed_image_mime_types) and by content. */
const EXTENSIONS: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', jpe: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp' };
const SIGNATURES: [string, (b: Buffer) => boolean][] = [
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8],
  ['image/png', (b) => b.subarray(0, 4).toString('hex') === '89504e47'],
  ['image/gif', (b) => b.subarray(0, 3).toString('ascii') === 'GIF'],
  ['image/webp', (b) => b.subarray(8, 12).toString('ascii') === 'WEBP'],
];
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const gmt = (date: Date) => date.toISOString().slice(0, 19);
const imageError = (message: string) => new WpError(400, 'woocommerce_product_image_upload_error', message);

/**
 * A WooCommerce catalogue as REST v3 shows it: simple products (one SKU) and variable ones (a
 * variation per SKU), each with an ordered list of media-library attachments (the featured image
 * first, then the gallery), times to the second as WordPress keeps them. Images given by `src` are
 * downloaded by the store, whose file name must end with an image extension.
 */
export class WooCatalogue {
  private products: Product[] = [];
  private readonly media = new Map<number, Attachment>();
  private readonly byPath = new Map<string, Attachment>();
  private nextId = 100;

  constructor(private readonly siteUrl: () => string) {}

  /** A new catalogue; each seed's images are attachments in the media library, served from uploads/. */
  reset(seeds: ChannelProductSeed[], images: FakeImages): string[] {
    this.products = seeds.map((seed) => {
      const id = this.id();
      return {
        id,
        name: seed.title,
        sku: seed.skus.length === 1 ? seed.skus[0] : '',
        modified: seed.updatedAt,
        imageIds: (seed.images ?? []).map((kind, i) => this.seedImage(`product-${id}-${i + 1}`, images[kind], seed.title)),
        variations: seed.skus.length > 1 ? seed.skus.map((sku) => ({ id: this.id(), sku, imageId: null })) : [],
      };
    });
    return this.products.map((p) => String(p.id));
  }

  /** The product's images replaced by new attachments, as a merchant changing its photos in the admin. */
  replaceImages(id: string, kinds: FakeImageKind[], images: FakeImages): void {
    const product = this.product(id);
    product.imageIds = kinds.map((kind, i) => this.seedImage(`product-${id}-${i + 1}`, images[kind], product.name));
    product.modified = new Date();
  }

  get productCount(): number {
    return this.products.length;
  }

  /** `GET products`: by id or date, filtered by `modified_after` (strictly after, in GMT with `dates_are_gmt`), paged. */
  list(query: URLSearchParams): { items: object[]; total: number; pages: number } {
    const perPage = Number(query.get('per_page') ?? 10);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) throw new WpError(400, 'rest_invalid_param', 'Invalid parameter(s): per_page');
    const page = Number(query.get('page') ?? 1);
    if (!Number.isInteger(page) || page < 1) throw new WpError(400, 'rest_invalid_param', 'Invalid parameter(s): page');
    const after = query.get('modified_after');
    // The site's time zone is UTC, so local and GMT dates agree.
    const afterSeconds = after ? seconds(new Date(`${after.replace(/Z$/, '')}Z`)) : -Infinity;
    if (Number.isNaN(afterSeconds)) throw new WpError(400, 'rest_invalid_param', 'Invalid parameter(s): modified_after');
    if (!['id', 'date'].includes(query.get('orderby') ?? 'date')) throw new WpError(400, 'rest_invalid_param', 'Invalid parameter(s): orderby');
    // Products are made in id order, so by date (the default, newest first) is by id too.
    const sorted = this.products.filter((p) => seconds(p.modified) > afterSeconds).sort((a, b) => a.id - b.id);
    if ((query.get('order') ?? 'desc') === 'desc') sorted.reverse();
    return { items: sorted.slice((page - 1) * perPage, page * perPage).map((p) => this.productJson(p)), total: sorted.length, pages: Math.ceil(sorted.length / perPage) };
  }

  get(id: string): object {
    return this.productJson(this.product(id));
  }

  variations(productId: string, query: URLSearchParams): { items: object[]; total: number; pages: number } {
    const product = this.product(productId);
    const perPage = Math.min(100, Number(query.get('per_page') ?? 10));
    const page = Number(query.get('page') ?? 1);
    return { items: product.variations.slice((page - 1) * perPage, page * perPage).map((v) => this.variationJson(v)), total: product.variations.length, pages: Math.ceil(product.variations.length / perPage) };
  }

  /** `PUT products/<id>` with `images`: the list replaces the product's, each entry an attachment id or a `src` to download. */
  async update(id: string, body: { images?: unknown }): Promise<object> {
    const product = this.product(id);
    if (body.images !== undefined) {
      if (!Array.isArray(body.images)) throw new WpError(400, 'rest_invalid_param', 'Invalid parameter(s): images');
      const positioned: [number, number][] = [];
      for (const [index, entry] of (body.images as ImageEntry[]).entries()) {
        const attachment = await this.attachmentFor(entry);
        if (typeof entry.alt === 'string' && entry.alt) attachment.alt = entry.alt;
        if (typeof entry.name === 'string' && entry.name) attachment.title = entry.name;
        positioned.push([attachment.id, typeof entry.position === 'number' ? entry.position : index]);
      }
      product.imageIds = positioned.sort((a, b) => a[1] - b[1]).map(([imageId]) => imageId);
    }
    product.modified = new Date();
    return this.productJson(product);
  }

  /** `PUT products/<id>/variations/<id>` with `image: { id }`. */
  updateVariation(productId: string, variationId: string, body: { image?: ImageEntry }): object {
    const product = this.product(productId);
    const variation = product.variations.find((v) => String(v.id) === variationId);
    if (!variation) throw new WpError(404, 'woocommerce_rest_product_variation_invalid_id', 'Invalid ID.');
    if (body.image) variation.imageId = this.attachment(body.image.id).id;
    product.modified = new Date();
    return this.variationJson(variation);
  }

  /** `POST wp/v2/media`: the raw file, named by Content-Disposition. */
  upload(body: Buffer, disposition: string | undefined, query: URLSearchParams): object {
    const file = /filename="?([^";]+)"?/.exec(disposition ?? '')?.[1];
    if (!file) throw new WpError(400, 'rest_upload_no_content_disposition', 'No Content-Disposition supplied.');
    const mimeType = sniff(body);
    if (!mimeType || !EXTENSIONS[extension(file)]) throw new WpError(500, 'rest_upload_sideload_error', 'Sorry, you are not allowed to upload this file type.');
    const attachment = this.store(file, body, mimeType, query.get('title') ?? file.replace(/\.[^.]+$/, ''), query.get('alt_text') ?? '');
    return this.mediaJson(attachment);
  }

  searchMedia(query: URLSearchParams): object[] {
    const search = (query.get('search') ?? '').toLowerCase();
    return [...this.media.values()].filter((a) => a.title.toLowerCase().includes(search)).map((a) => this.mediaJson(a));
  }

  /** The uploaded file at its public address. */
  file(path: string): Attachment | undefined {
    return this.byPath.get(path);
  }

  productJson(idOrProduct: string | Product): object {
    const p = typeof idOrProduct === 'string' ? this.products.find((x) => String(x.id) === idOrProduct) : idOrProduct;
    if (!p) return { id: Number(idOrProduct) };
    return {
      id: p.id,
      name: p.name,
      type: p.variations.length ? 'variable' : 'simple',
      status: 'publish',
      sku: p.sku,
      date_modified: gmt(p.modified),
      date_modified_gmt: gmt(p.modified),
      images: p.imageIds.map((id) => this.imageJson(this.media.get(id)!)),
      variations: p.variations.map((v) => v.id),
    };
  }

  private variationJson(v: Variation): object {
    const image = v.imageId === null ? null : this.media.get(v.imageId);
    return { id: v.id, sku: v.sku, attributes: [{ id: 0, name: 'SKU', option: v.sku }], image: image ? this.imageJson(image) : null };
  }

  private imageJson(a: Attachment): object {
    return { id: a.id, src: `${this.siteUrl()}/wp-content/uploads/${a.file}`, name: a.title, alt: a.alt };
  }

  private mediaJson(a: Attachment): object {
    return { id: a.id, title: { raw: a.title, rendered: a.title }, alt_text: a.alt, media_type: 'image', mime_type: a.mimeType, source_url: `${this.siteUrl()}/wp-content/uploads/${a.file}` };
  }

  private async attachmentFor(entry: ImageEntry): Promise<Attachment> {
    if (entry.id !== undefined && Number(entry.id) !== 0) return this.attachment(entry.id);
    if (typeof entry.src !== 'string') throw new WpError(400, 'woocommerce_product_invalid_image_id', '#0 is an invalid image ID.');
    const file = new URL(entry.src, this.siteUrl()).pathname.split('/').pop() ?? '';
    if (!EXTENSIONS[extension(file)]) throw imageError('Invalid image: Sorry, you are not allowed to upload this file type.');
    const res = await fetch(entry.src, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
    if (!res || res.status !== 200) throw imageError(`Error getting remote image ${entry.src}.`);
    const data = Buffer.from(await res.arrayBuffer());
    const mimeType = sniff(data);
    if (!mimeType) throw imageError('Invalid image: Sorry, this file type is not permitted for security reasons.');
    return this.store(file, data, mimeType, file.replace(/\.[^.]+$/, ''), '');
  }

  private attachment(id: unknown): Attachment {
    const attachment = this.media.get(Number(id));
    if (!attachment) throw new WpError(400, 'woocommerce_product_invalid_image_id', `#${String(id)} is an invalid image ID.`);
    return attachment;
  }

  /** A new attachment; WordPress adds -1, -2 to a file name already taken. */
  private store(file: string, data: Buffer, mimeType: string, title: string, alt: string): Attachment {
    const [stem, ext] = [file.replace(/\.[^.]+$/, ''), extension(file)];
    let unique = `2026/11/${stem}.${ext}`;
    for (let n = 1; this.file(`/wp-content/uploads/${unique}`); n++) unique = `2026/11/${stem}-${n}.${ext}`;
    const attachment: Attachment = { id: this.id(), file: unique, title, alt, data, mimeType };
    this.media.set(attachment.id, attachment);
    this.byPath.set(`/wp-content/uploads/${unique}`, attachment);
    return attachment;
  }

  private seedImage(stem: string, image: FakeImage, title: string): number {
    return this.store(`${stem}.${image.extension}`, image.data, image.mimeType, title, '').id;
  }

  private product(id: string): Product {
    const product = this.products.find((p) => String(p.id) === id);
    if (!product) throw invalidProduct();
    return product;
  }

  private id(): number {
    return ++this.nextId;
  }
}

const extension = (file: string) => (/\.([a-z0-9]+)$/i.exec(file)?.[1] ?? '').toLowerCase();
const sniff = (data: Buffer) => SIGNATURES.find(([, test]) => test(data))?.[0];
