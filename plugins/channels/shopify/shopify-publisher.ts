import { PluginError, type PublishImageInput, type PublishResult, type RemoveImageInput } from '../../../src/plugins';
import type { ShopifyClient } from './shopify-client';
import { decodePending, encodePending, holdsFile, stagedFilename, type PendingPublish, type ShopifyMediaNode, type ShopifyProductNode } from './shopify-mapping';
import { FILE_REMOVE_REFERENCE, MEDIA_STATUS, PRODUCT, PRODUCT_REORDER_MEDIA, PRODUCT_UPDATE_MEDIA, STAGED_UPLOADS_CREATE, VARIANTS_SET_MEDIA } from './shopify-queries';

interface UserError {
  code?: string;
  field?: string[] | null;
  message: string;
}

/**
 * Publishing through the current media model: the bytes go to a staged upload, productUpdate
 * attaches them, productReorderMedia puts them in place; once Shopify has processed the image,
 * variants are pointed at it and a replaced image is detached with fileUpdate.
 */
export class ShopifyPublisher {
  constructor(private readonly client: ShopifyClient) {}

  async publish(input: PublishImageInput): Promise<PublishResult> {
    const product = await this.product(input.productExternalId);
    const media = product.media.nodes;
    const filename = stagedFilename(input.image);
    // A retry after a timeout finds the image its first attempt attached (and may have put in place).
    const existing = media.find((m) => holdsFile(m, filename));
    const replaced = input.replaceImageExternalId ? media.findIndex((m) => m.id === input.replaceImageExternalId) : -1;
    if (input.replaceImageExternalId && replaced < 0 && !existing) throw new PluginError('invalid_input', `the Shopify product has no image ${input.replaceImageExternalId}`, { detail: 'media_not_found' });
    const attached = existing ?? (await this.attach(input, filename, media));
    const order = existing ? media : [...media, attached];
    const target = replaced >= 0 ? replaced : existing && input.replaceImageExternalId ? order.indexOf(existing) : input.slot === 'main' ? 0 : (input.position ?? order.length) - 1;
    if (order.indexOf(attached) !== target) await this.move(product.id, attached.id, Math.min(target, order.length - 1));
    const replacedVariants = replaced >= 0 ? product.variants.nodes.filter((v) => v.media.nodes[0]?.id === input.replaceImageExternalId).map((v) => v.id) : [];
    const pending: PendingPublish = {
      productId: product.id,
      mediaId: attached.id,
      variantIds: [...new Set([...replacedVariants, ...(input.variantExternalId ? [input.variantExternalId] : [])])],
      replacesMediaId: input.replaceImageExternalId ?? null,
    };
    return this.settle(pending, attached.status, []);
  }

  async check(ref: string): Promise<PublishResult> {
    const pending = decodePending(ref);
    const { node } = await this.client.graphql<{ node: { status?: string; mediaErrors?: { code: string; message: string }[] } | null }>(MEDIA_STATUS, { id: pending.mediaId });
    if (!node) throw new PluginError('content_rejected', 'Shopify no longer has the image being processed', { detail: 'media_not_found' });
    return this.settle(pending, node.status ?? 'FAILED', node.mediaErrors ?? []);
  }

  async remove(input: RemoveImageInput): Promise<void> {
    const { fileUpdate } = await this.client.graphql<{ fileUpdate: { userErrors: UserError[] } }>(FILE_REMOVE_REFERENCE, {
      files: [{ id: input.imageExternalId, referencesToRemove: [input.productExternalId] }],
    });
    // Already gone is what removing it was for.
    const errors = fileUpdate.userErrors.filter((e) => e.code !== 'FILE_DOES_NOT_EXIST' && e.code !== 'REFERENCE_TARGET_DOES_NOT_EXIST');
    if (errors.length) throw new PluginError('invalid_input', `Shopify: ${errors.map((e) => e.message).join('; ')}`, { detail: errors[0].code });
  }

  /** Done once processed: variants follow and a replaced image goes; refused by Shopify: content_rejected. */
  private async settle(pending: PendingPublish, status: string, errors: { code: string; message: string }[]): Promise<PublishResult> {
    if (status === 'FAILED') throw new PluginError('content_rejected', `Shopify could not process the image: ${errors.map((e) => e.message).join('; ') || 'failed'}`, { detail: errors[0]?.code });
    if (status !== 'READY') return { status: 'pending', externalRef: encodePending(pending) };
    if (pending.variantIds.length) {
      const { productVariantsBulkUpdate } = await this.client.graphql<{ productVariantsBulkUpdate: { userErrors: UserError[] } }>(VARIANTS_SET_MEDIA, {
        productId: pending.productId,
        variants: pending.variantIds.map((id) => ({ id, mediaId: pending.mediaId })),
      });
      failOn(productVariantsBulkUpdate.userErrors);
    }
    if (pending.replacesMediaId) await this.remove({ productExternalId: pending.productId, imageExternalId: pending.replacesMediaId });
    return { status: 'done', externalImageId: pending.mediaId };
  }

  private async product(id: string): Promise<ShopifyProductNode> {
    const { product } = await this.client.graphql<{ product: ShopifyProductNode | null }>(PRODUCT, { id });
    if (!product) throw new PluginError('invalid_input', `Shopify has no product ${id}`, { detail: 'product_not_found' });
    return product;
  }

  private async attach(input: PublishImageInput, filename: string, before: ShopifyMediaNode[]): Promise<ShopifyMediaNode> {
    const { image } = input;
    const { stagedUploadsCreate } = await this.client.graphql<{ stagedUploadsCreate: { stagedTargets: { url: string; resourceUrl: string; parameters: { name: string; value: string }[] }[]; userErrors: UserError[] } }>(
      STAGED_UPLOADS_CREATE,
      { input: [{ resource: 'IMAGE', filename, mimeType: image.mimeType, httpMethod: 'POST', fileSize: String(image.data.length) }] },
    );
    failOn(stagedUploadsCreate.userErrors, 'content_rejected');
    const [target] = stagedUploadsCreate.stagedTargets;
    await this.client.upload(target, image.data, image.mimeType, filename);
    const { productUpdate } = await this.client.graphql<{ productUpdate: { product: { media: { nodes: { id: string; status: string }[] } } | null; userErrors: UserError[] } }>(PRODUCT_UPDATE_MEDIA, {
      product: { id: input.productExternalId },
      media: [{ originalSource: target.resourceUrl, alt: input.alt ?? '', mediaContentType: 'IMAGE' }],
    });
    failOn(productUpdate.userErrors);
    const added = productUpdate.product?.media.nodes.find((m) => !before.some((b) => b.id === m.id));
    if (!added) throw new PluginError('transient', 'Shopify attached the image but did not list it');
    return { id: added.id, alt: input.alt ?? null, mediaContentType: 'IMAGE', status: added.status };
  }

  /** productReorderMedia counts positions from 0, as a string. */
  private async move(productId: string, mediaId: string, index: number): Promise<void> {
    const { productReorderMedia } = await this.client.graphql<{ productReorderMedia: { mediaUserErrors: UserError[] } }>(PRODUCT_REORDER_MEDIA, {
      id: productId,
      moves: [{ id: mediaId, newPosition: String(index) }],
    });
    failOn(productReorderMedia.mediaUserErrors);
  }
}

function failOn(errors: UserError[], kind: 'invalid_input' | 'content_rejected' = 'invalid_input'): void {
  if (!errors.length) return;
  const vanished = errors.some((e) => e.field?.includes('id') && /does not exist|not found/i.test(e.message));
  throw new PluginError(kind, `Shopify: ${errors.map((e) => e.message).join('; ')}`, { detail: vanished ? 'product_not_found' : errors[0].code });
}
