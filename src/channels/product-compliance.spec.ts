import { describe, expect, it } from 'vitest';
import type { ChannelImage } from '../plugins/channel-catalogue';
import type { ImageCompliance } from './channel-product.entity';
import { complianceOf, complianceStateOf, keptEntries, uncheckedImages } from './product-compliance';

const image = (externalId: string, position = 1, url = `https://shop.test/${externalId}.jpg`): ChannelImage => ({ externalId, url, position, alt: null });
const entry = (of: ChannelImage, state: ImageCompliance['state']): ImageCompliance => ({
  imageExternalId: of.externalId, url: of.url, state, packSlot: 'amazon-main', failures: state === 'failing' ? [{ rule: 'subject-fill', message: 'too small' }] : [], checkedAt: '2026-11-30T00:00:00.000Z',
});

describe('product compliance', () => {
  const [a, b] = [image('a', 1), image('b', 2)];

  it('keeps the entries of images with the same id and URL, and drops those of images replaced or removed', () => {
    const moved = { ...a, url: 'https://shop.test/a-2.jpg' };
    expect(keptEntries([a, b], [entry(a, 'passing'), entry(b, 'failing')])).toHaveLength(2);
    expect(keptEntries([moved, b], [entry(a, 'passing'), entry(b, 'failing')])).toEqual([entry(b, 'failing')]);
    expect(keptEntries([a], [entry(a, 'passing'), entry(b, 'failing')])).toEqual([entry(a, 'passing')]);
    expect(uncheckedImages([moved, b], [entry(a, 'passing'), entry(b, 'failing')])).toEqual([moved]);
  });

  it('is unchecked while an image has no entry, then failing over error over passing', () => {
    expect(complianceStateOf([a, b], [entry(a, 'failing')])).toBe('unchecked');
    expect(complianceStateOf([a, b], [entry(a, 'passing'), entry(b, 'passing')])).toBe('passing');
    expect(complianceStateOf([a, b], [entry(a, 'error'), entry(b, 'passing')])).toBe('error');
    expect(complianceStateOf([a, b], [entry(a, 'error'), entry(b, 'failing')])).toBe('failing');
    expect(complianceStateOf([{ ...a, url: 'https://shop.test/new.jpg' }, b], [entry(a, 'passing'), entry(b, 'passing')])).toBe('unchecked');
  });

  it('leaves a product without images unchecked until the scan holds it against a pack, which fails it', () => {
    expect(complianceStateOf([], [])).toBe('unchecked');
    expect(complianceStateOf([], [], true)).toBe('failing');
  });

  it('shows an image its entry without the image it describes, or null while unchecked', () => {
    expect(complianceOf(a, [entry(a, 'failing')])).toEqual({ state: 'failing', packSlot: 'amazon-main', failures: [{ rule: 'subject-fill', message: 'too small' }], checkedAt: '2026-11-30T00:00:00.000Z' });
    expect(complianceOf(b, [entry(a, 'failing')])).toBeNull();
    expect(complianceOf(a, [{ ...entry(a, 'error'), error: 'The server answered 404' }])).toMatchObject({ state: 'error', error: 'The server answered 404' });
  });
});
