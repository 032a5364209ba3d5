/**
 * The GraphQL Admin API documents the plugin sends (API version pinned in shopify-client.ts).
 * A page's requested cost stays under the 1,000-point ceiling of one query: products(first: 10),
 * each with up to 16 variants and 10 media.
 */
export const VARIANTS_PER_PRODUCT = 16;
export const MEDIA_PER_PRODUCT = 10;

const PRODUCT_FIELDS = `
  id
  title
  updatedAt
  variants(first: ${VARIANTS_PER_PRODUCT}) { pageInfo { hasNextPage } nodes { id sku title media(first: 1) { nodes { id } } } }
  media(first: ${MEDIA_PER_PRODUCT}) { pageInfo { hasNextPage } nodes { id alt mediaContentType status ... on MediaImage { image { url } } } }
`;

export const SHOP = `query DarkroomShop { shop { id name myshopifyDomain } }`;

export const PRODUCTS = `query DarkroomProducts($first: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { ${PRODUCT_FIELDS} }
  }
}`;

export const PRODUCT = `query DarkroomProduct($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`;

export const MEDIA_STATUS = `query DarkroomMediaStatus($id: ID!) {
  node(id: $id) { id ... on MediaImage { status mediaErrors { code message } } }
}`;

export const STAGED_UPLOADS_CREATE = `mutation DarkroomStagedUpload($input: [StagedUploadInput!]!) {
  stagedUploadsCreate(input: $input) {
    stagedTargets { url resourceUrl parameters { name value } }
    userErrors { field message }
  }
}`;

/** productUpdate's `media` is the current way to attach media (productCreateMedia is deprecated). */
export const PRODUCT_UPDATE_MEDIA = `mutation DarkroomAttachMedia($product: ProductUpdateInput!, $media: [CreateMediaInput!]) {
  productUpdate(product: $product, media: $media) {
    product { id media(last: ${MEDIA_PER_PRODUCT}) { nodes { id status } } }
    userErrors { field message }
  }
}`;

export const PRODUCT_REORDER_MEDIA = `mutation DarkroomReorderMedia($id: ID!, $moves: [MoveInput!]!) {
  productReorderMedia(id: $id, moves: $moves) { job { id done } mediaUserErrors { code field message } }
}`;

export const VARIANTS_SET_MEDIA = `mutation DarkroomVariantMedia($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants) { productVariants { id } userErrors { code field message } }
}`;

/** fileUpdate's referencesToRemove detaches media from a product (productDeleteMedia is deprecated). */
export const FILE_REMOVE_REFERENCE = `mutation DarkroomDetachMedia($files: [FileUpdateInput!]!) {
  fileUpdate(files: $files) { files { id } userErrors { code field message } }
}`;
