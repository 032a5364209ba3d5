import { randomUUID } from 'node:crypto';
import type { ChannelProductSeed } from '../../../src/plugins/testing';
import type { FakeImages } from '../../../src/plugins/testing/fake-images';

interface StoredMedia { id: string; alt: string; filename: string; data: Buffer; mimeType: string; status: 'UPLOADED' | 'PROCESSING' | 'READY' | 'FAILED'; checksLeft: number; error: string | null }
interface StoredVariant { id: string; sku: string; title: string; mediaId: string | null }
interface StoredProduct { id: string; title: string; updatedAt: Date; variants: StoredVariant[]; media: StoredMedia[] }
interface UserError { code?: string; field: string[]; message: string }
type Vars = Record<string, unknown>;

const IMAGE_TYPES: Record<string, string> = { 'image/jpeg': 'ffd8ff', 'image/png': '89504e47', 'image/gif': '47494638', 'image/webp': '52494646' };
const gid = (type: string, n: number) => `gid://shopify/${type}/${n}`;

/**
 * A shop's catalogue as the GraphQL Admin API shows it: products with variants and media, listed
 * by updated_at in cursor pages, and media attached from staged uploads, processed at once or,
 * after `processNextAsynchronously`, over a few status checks. Each resolver answers one root field
 * of the documents Shopify's reference gives, with its userErrors where Shopify reports them.
 */
export class ShopifyFakeCatalogue {
  private products: StoredProduct[] = [];
  private readonly staged = new Map<string, { data: Buffer; mimeType: string }>();
  private nextId = 1000;
  private asyncChecks = 0;

  constructor(private readonly baseUrl: () => string) {}

  /** A new catalogue; each seed's images are processed media the CDN serves. */
  reset(seeds: ChannelProductSeed[], images: FakeImages): string[] {
    this.products = seeds.map((seed) => {
      const id = this.id();
      return {
        id: gid('Product', id),
        title: seed.title,
        updatedAt: seed.updatedAt,
        variants: seed.skus.map((sku) => ({ id: gid('ProductVariant', this.id()), sku, title: sku, mediaId: null })),
        media: (seed.images ?? []).map((kind, i): StoredMedia => {
          const image = images[kind];
          return { id: gid('MediaImage', this.id()), alt: '', filename: `product-${id}-${i + 1}.${image.extension}`, data: image.data, mimeType: image.mimeType, status: 'READY', checksLeft: 0, error: null };
        }),
      };
    });
    return this.products.map((p) => p.id);
  }

  processNextAsynchronously(checks: number): void {
    this.asyncChecks = checks;
  }

  /** The product as a products/* webhook carries it (REST-shaped). */
  webhookProduct(id: string): object {
    const product = this.products.find((p) => p.id === id);
    return { id: Number(id.split('/').pop()), admin_graphql_api_id: id, title: product?.title ?? null, updated_at: product?.updatedAt.toISOString() ?? null };
  }

  /** A staged upload's signed form POST: the file lands under its key. */
  receiveUpload(key: string, data: Buffer, mimeType: string): void {
    this.staged.set(key, { data, mimeType });
  }

  file(filename: string): StoredMedia | undefined {
    return this.products.flatMap((p) => p.media).find((m) => m.filename === filename && m.status === 'READY');
  }

  /** The answer to one root field, or undefined when the fake does not know it. */
  resolve(field: string, vars: Vars): unknown {
    switch (field) {
      case 'products':
        return this.page(vars);
      case 'product':
        return this.productById(String(vars.id));
      case 'node':
        return this.mediaNode(String(vars.id));
      case 'stagedUploadsCreate':
        return this.stagedUploadsCreate(vars);
      case 'productUpdate':
        return this.productUpdate(vars);
      case 'productReorderMedia':
        return this.productReorderMedia(vars);
      case 'productVariantsBulkUpdate':
        return this.productVariantsBulkUpdate(vars);
      case 'fileUpdate':
        return this.fileUpdate(vars);
      default:
        return undefined;
    }
  }

  private page(vars: Vars): object {
    const first = Number(vars.first);
    const since = /updated_at:>=\s*'?([^'\s]+)'?/.exec(String(vars.query ?? ''))?.[1];
    const sinceMs = since ? Date.parse(since) : -Infinity;
    const after = vars.after ? (JSON.parse(Buffer.from(String(vars.after), 'base64url').toString('utf8')) as { u: number; i: string }) : null;
    const order = (p: StoredProduct) => [p.updatedAt.getTime(), Number(p.id.split('/').pop())] as const;
    const sorted = this.products
      .filter((p) => p.updatedAt.getTime() >= sinceMs)
      .sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1])
      .filter((p) => !after || order(p)[0] > after.u || (order(p)[0] === after.u && order(p)[1] > Number(after.i)));
    const nodes = sorted.slice(0, first);
    const last = nodes[nodes.length - 1];
    const endCursor = last ? Buffer.from(JSON.stringify({ u: order(last)[0], i: String(order(last)[1]) })).toString('base64url') : null;
    return { pageInfo: { hasNextPage: sorted.length > first, endCursor }, nodes: nodes.map((p) => this.productJson(p)) };
  }

  private productById(id: string): object | null {
    const product = this.products.find((p) => p.id === id);
    return product ? this.productJson(product) : null;
  }

  private productJson(p: StoredProduct): object {
    return {
      id: p.id,
      title: p.title,
      updatedAt: p.updatedAt.toISOString(),
      variants: { pageInfo: { hasNextPage: false }, nodes: p.variants.map((v) => ({ id: v.id, sku: v.sku, title: v.title, media: { nodes: v.mediaId ? [{ id: v.mediaId }] : [] } })) },
      media: { pageInfo: { hasNextPage: false }, nodes: p.media.map((m) => this.mediaJson(m)) },
    };
  }

  private mediaJson(m: StoredMedia): object {
    const ready = m.status === 'READY';
    return { id: m.id, alt: m.alt, mediaContentType: 'IMAGE', status: m.status, image: ready ? { url: `${this.baseUrl()}/cdn/shop/files/${m.filename}?v=${m.id.split('/').pop()}` } : null, mediaErrors: m.error ? [{ code: 'IMAGE_PROCESSING_FAILURE', message: m.error }] : [] };
  }

  /** A status check moves processing media on; the last one finishes it. */
  private mediaNode(id: string): object | null {
    const media = this.products.flatMap((p) => p.media).find((m) => m.id === id);
    if (!media) return null;
    if ((media.status === 'UPLOADED' || media.status === 'PROCESSING') && --media.checksLeft <= 0) this.process(media);
    else if (media.status === 'UPLOADED') media.status = 'PROCESSING';
    return this.mediaJson(media);
  }

  private stagedUploadsCreate(vars: Vars): object {
    const inputs = vars.input as { resource: string; filename: string; mimeType: string; httpMethod?: string }[];
    const userErrors: UserError[] = [];
    const stagedTargets = inputs.map((input, i) => {
      if (input.resource !== 'IMAGE' && input.resource !== 'FILE') userErrors.push({ field: ['input', String(i), 'resource'], message: 'Resource is not supported' });
      const key = `tmp/1/products/${randomUUID()}/${input.filename}`;
      return {
        url: `${this.baseUrl()}/staged-uploads`,
        resourceUrl: `${this.baseUrl()}/staged-uploads/${key}`,
        parameters: [
          { name: 'Content-Type', value: input.mimeType },
          { name: 'success_action_status', value: '201' },
          { name: 'acl', value: 'private' },
          { name: 'key', value: key },
          { name: 'policy', value: Buffer.from(JSON.stringify({ key })).toString('base64') },
        ],
      };
    });
    return { stagedTargets: userErrors.length ? [] : stagedTargets, userErrors };
  }

  private productUpdate(vars: Vars): object {
    const input = vars.product as { id: string };
    const product = this.products.find((p) => p.id === input.id);
    if (!product) return { product: null, userErrors: [{ field: ['id'], message: 'Product does not exist' }] };
    for (const create of (vars.media as { originalSource: string; alt?: string; mediaContentType: string }[] | undefined) ?? []) {
      const key = create.originalSource.startsWith(`${this.baseUrl()}/staged-uploads/`) ? create.originalSource.slice(`${this.baseUrl()}/staged-uploads/`.length) : '';
      const file = this.staged.get(key) ?? { data: Buffer.alloc(0), mimeType: '' };
      const media: StoredMedia = { id: gid('MediaImage', this.id()), alt: create.alt ?? '', filename: key.split('/').pop() || 'file', ...file, status: 'UPLOADED', checksLeft: this.asyncChecks, error: null };
      product.media.push(media);
      if (this.asyncChecks === 0) this.process(media);
      this.asyncChecks = 0;
    }
    product.updatedAt = new Date();
    const last = product.media.slice(-10);
    return { product: { id: product.id, media: { nodes: last.map((m) => ({ id: m.id, status: m.status })) } }, userErrors: [] };
  }

  /** Shopify reads the file and refuses what is not an image it takes. */
  private process(media: StoredMedia): void {
    const magic = IMAGE_TYPES[media.mimeType];
    if (!media.data.length) Object.assign(media, { status: 'FAILED', error: 'Image could not be downloaded from the staged upload.' });
    else if (!magic || !media.data.subarray(0, magic.length / 2).equals(Buffer.from(magic, 'hex'))) Object.assign(media, { status: 'FAILED', error: 'Image could not be processed because the file is not a supported image.' });
    else media.status = 'READY';
  }

  private productReorderMedia(vars: Vars): object {
    const product = this.products.find((p) => p.id === vars.id);
    if (!product) return { job: null, mediaUserErrors: [{ code: 'PRODUCT_DOES_NOT_EXIST', field: ['id'], message: 'Product does not exist' }] };
    for (const move of vars.moves as { id: string; newPosition: string }[]) {
      const at = product.media.findIndex((m) => m.id === move.id);
      if (at < 0) return { job: null, mediaUserErrors: [{ code: 'MEDIA_DOES_NOT_EXIST', field: ['moves', '0', 'id'], message: 'Media does not exist' }] };
      const [media] = product.media.splice(at, 1);
      product.media.splice(Math.min(Number(move.newPosition), product.media.length), 0, media);
    }
    product.updatedAt = new Date();
    return { job: { id: gid('Job', this.id()), done: true }, mediaUserErrors: [] };
  }

  private productVariantsBulkUpdate(vars: Vars): object {
    const product = this.products.find((p) => p.id === vars.productId);
    if (!product) return { productVariants: null, userErrors: [{ code: 'PRODUCT_DOES_NOT_EXIST', field: ['productId'], message: 'Product does not exist' }] };
    const updates = vars.variants as { id: string; mediaId?: string }[];
    for (const update of updates) {
      const variant = product.variants.find((v) => v.id === update.id);
      if (!variant) return { productVariants: null, userErrors: [{ code: 'PRODUCT_VARIANT_DOES_NOT_EXIST', field: ['variants', '0', 'id'], message: 'Product variant does not exist' }] };
      const media = product.media.find((m) => m.id === update.mediaId);
      if (update.mediaId && media?.status !== 'READY') return { productVariants: null, userErrors: [{ code: 'NON_READY_MEDIA', field: ['variants', '0', 'mediaId'], message: 'Non-ready media cannot be attached to variants.' }] };
      variant.mediaId = update.mediaId ?? variant.mediaId;
    }
    product.updatedAt = new Date();
    return { productVariants: updates.map((u) => ({ id: u.id })), userErrors: [] };
  }

  private fileUpdate(vars: Vars): object {
    const userErrors: UserError[] = [];
    for (const [i, file] of (vars.files as { id: string; referencesToRemove?: string[] }[]).entries()) {
      const holders = this.products.filter((p) => p.media.some((m) => m.id === file.id));
      if (!holders.length) {
        userErrors.push({ code: 'FILE_DOES_NOT_EXIST', field: ['files', String(i), 'id'], message: `File id ${file.id} does not exist.` });
        continue;
      }
      for (const product of holders.filter((p) => file.referencesToRemove?.includes(p.id))) {
        product.media = product.media.filter((m) => m.id !== file.id);
        for (const v of product.variants) if (v.mediaId === file.id) v.mediaId = null;
        product.updatedAt = new Date();
      }
    }
    return { files: userErrors.length ? null : (vars.files as { id: string }[]).map((f) => ({ id: f.id })), userErrors };
  }

  private id(): number {
    return ++this.nextId;
  }
}
