import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { measureImage, metricsOf, needsPixels } from './measure-image';
import type { MarketplaceSlotDto } from '../marketplaces/marketplace-pack.dto';

const slot = (...metrics: string[]) => ({ id: 's', rules: metrics.map((metric, i) => ({ id: `r${i}`, metric })) }) as unknown as MarketplaceSlotDto;

describe('measuring only what the rules name', () => {
  it('reads the header alone when no rule needs the pixels, and decodes them when one does', async () => {
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#ffffff' } }).jpeg().toBuffer();
    // The header survives, the pixels do not: only a measure that decodes can fail on it.
    const truncated = photo.subarray(0, Math.floor(photo.length / 2));
    const header = metricsOf([slot('width', 'format', 'fileSize')]);
    expect(needsPixels(header)).toBe(false);
    const measured = await measureImage(truncated, undefined, header);
    expect(measured).toMatchObject({ width: 640, height: 480, format: 'jpeg', aspectRatio: '4:3' });
    expect(measured).not.toHaveProperty('borderWhitePurity');
    const pixels = metricsOf([slot('width'), slot('borderWhitePurity')]);
    expect(needsPixels(pixels)).toBe(true);
    await expect(measureImage(truncated, undefined, pixels)).rejects.toThrow();
    expect(await measureImage(photo, undefined, pixels)).toMatchObject({ width: 640, borderWhitePurity: 1 });
    expect(await measureImage(photo, undefined, pixels)).not.toHaveProperty('sharpness');
  });

  it('measures every metric when none are named', async () => {
    const photo = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer();
    expect(Object.keys(await measureImage(photo)).sort()).toEqual(
      ['addedBorder', 'alpha', 'aspectRatio', 'backgroundUniformity', 'borderWhitePurity', 'colourSpace', 'fileSize', 'format', 'height', 'longestSide', 'sharpness', 'subjectFill', 'width'],
    );
  });
});
