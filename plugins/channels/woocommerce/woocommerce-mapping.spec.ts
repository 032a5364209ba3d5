import { describe, expect, it } from 'vitest';
import { modifiedAfter, toProduct, type WooProductJson } from './woocommerce-mapping';

const simple: WooProductJson = { id: 7, name: 'Mug', sku: 'MUG', date_modified_gmt: '2026-11-29T10:00:00', images: [], variations: [] };

describe('woocommerce mapping', () => {
  it('reads the GMT modification time, which WooCommerce writes without a zone', () => {
    expect(toProduct(simple, []).updatedAt.toISOString()).toBe('2026-11-29T10:00:00.000Z');
  });

  it('leaves out the placeholder some versions list for a product without images', () => {
    const placeholder = { ...simple, images: [{ id: 0, src: 'https://shop.example/placeholder.png', name: 'Placeholder', alt: 'Placeholder' }] };
    expect(toProduct(placeholder, [])).toMatchObject({ images: [], variants: [{ externalId: '7', sku: 'MUG', imageExternalId: null }] });
  });

  it('asks for modified_after a whole second before the time asked, as the filter is strict and to the second', () => {
    expect(modifiedAfter(new Date('2026-11-29T10:00:00.750Z'))).toBe('2026-11-29T09:59:59');
  });
});
