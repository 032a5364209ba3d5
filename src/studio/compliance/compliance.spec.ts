import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MarketplaceSlotDto } from '../marketplaces/marketplace-pack.dto';
import { loadMarketplacePacks } from '../marketplaces/marketplace-packs';
import { evaluateSlot, rulePasses } from './evaluate-slot';
import { measureImage } from './measure-image';

interface ProductPhoto {
  width?: number;
  height?: number;
  /** The product's longest side over the canvas's. */
  fill?: number;
  background?: string;
  format?: 'jpeg' | 'png' | 'avif';
}

/** A product photo: a blue ellipse centred on a flat backdrop, its long axis along the canvas's longest side. */
async function productPhoto({ width = 1200, height = 1200, fill = 0.85, background = '#ffffff', format = 'jpeg' }: ProductPhoto = {}) {
  const long = (Math.max(width, height) * fill) / 2;
  const [rx, ry] = width >= height ? [long, long * 0.6] : [long * 0.6, long];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><ellipse cx="${width / 2}" cy="${height / 2}" rx="${rx}" ry="${ry}" fill="#2a6f8a"/></svg>`;
  return sharp(Buffer.from(svg)).flatten({ background }).toFormat(format).toBuffer();
}

let slots: Map<string, MarketplaceSlotDto>;
beforeAll(() => {
  const packs = loadMarketplacePacks(mkdtempSync(join(tmpdir(), 'darkroom-compliance-')));
  slots = new Map(packs.all().flatMap((pack) => pack.slots.map((slot) => [slot.id, slot] as const)));
});

const failing = (report: ReturnType<typeof evaluateSlot>, severity: 'error' | 'warning') =>
  report.rules.filter((rule) => !rule.pass && rule.severity === severity).map((rule) => rule.id);

describe('measureImage', () => {
  it('measures a compliant photo in the packs’ vocabulary', async () => {
    const measured = await measureImage(await productPhoto());
    expect(measured).toMatchObject({ borderWhitePurity: 1, backgroundUniformity: 1, aspectRatio: '1:1', width: 1200, height: 1200, longestSide: 1200 });
    expect(measured).toMatchObject({ format: 'jpeg', colourSpace: 'srgb', alpha: false, addedBorder: false });
    expect(measured.subjectFill).toBeCloseTo(0.85, 2);
    expect(measured.sharpness).toBeGreaterThan(0);
  });

  it('names AVIF as the packs do (sharp says heif), writes W:H in lowest terms and sees an added frame as true', async () => {
    const avif = await measureImage(await productPhoto({ width: 400, height: 300, format: 'avif' }));
    expect(avif).toMatchObject({ format: 'avif', aspectRatio: '4:3', longestSide: 400 });
    const framed = await sharp(await productPhoto({ width: 400, height: 400 })).extend({ top: 8, bottom: 8, left: 8, right: 8, background: '#808080' }).png().toBuffer();
    expect((await measureImage(framed)).addedBorder).toBe(true);
  });
});

describe('evaluateSlot', () => {
  it('passes amazon-main for a white, well-filled, large sRGB JPEG, every rule reported with what it measured', async () => {
    const report = evaluateSlot(slots.get('amazon-main')!, await measureImage(await productPhoto()));
    expect(report).toMatchObject({ slot: 'amazon-main', pass: true });
    expect(report.rules.every((rule) => rule.pass)).toBe(true);
    expect(report.rules.find((rule) => rule.id === 'format')).toMatchObject({ measured: 'jpeg', expected: ['jpeg', 'tiff', 'png', 'gif'], severity: 'error', fixable: true });
    expect(report.rules.find((rule) => rule.id === 'background-white')).toMatchObject({ measured: 1, expected: 0.98, comparison: 'atLeast' });
    expect(report.rules.every((rule) => rule.source.startsWith('https://'))).toBe(true);
  });

  it.each([
    ['a grey background', 'amazon-main', { background: '#e2e2e2' }, 'background-white'],
    ['a small subject', 'amazon-main', { fill: 0.5 }, 'subject-fill'],
    ['a PNG where JPEG is required', 'zalando-packshot', { width: 1000, height: 1440, format: 'png' }, 'format'],
  ] as const)('fails on %s, naming only the rule broken', async (_, slotId, photo, ruleId) => {
    const report = evaluateSlot(slots.get(slotId)!, await measureImage(await productPhoto(photo)));
    expect(report.pass).toBe(false);
    expect(failing(report, 'error')).toEqual([ruleId]);
  });

  it('fails a tiny image on the size rule, and the zoom warning alone would not fail it', async () => {
    const report = evaluateSlot(slots.get('amazon-main')!, await measureImage(await productPhoto({ width: 400, height: 400 })));
    expect(report.pass).toBe(false);
    expect(failing(report, 'error')).toEqual(['longest-side-minimum']);
    expect(failing(report, 'warning')).toEqual(['longest-side-zoom']);
    const zoomOnly = evaluateSlot(slots.get('amazon-main')!, await measureImage(await productPhoto({ width: 800, height: 800 })));
    expect(zoomOnly.pass).toBe(true);
    expect(failing(zoomOnly, 'warning')).toEqual(['longest-side-zoom']);
  });

  it('compares ratios within 1%, and between takes its bounds inclusively', () => {
    const rule = { id: 'r', description: 'd', severity: 'error', fixable: true, source: 'https://example.com', checkedAt: '2026-11-29' } as const;
    expect(rulePasses({ ...rule, metric: 'aspectRatio', comparison: 'equals', expected: '1:1.44' }, '1801:2600')).toBe(true);
    expect(rulePasses({ ...rule, metric: 'aspectRatio', comparison: 'equals', expected: '1:1.44' }, '1:1.5')).toBe(false);
    expect(rulePasses({ ...rule, metric: 'width', comparison: 'between', expected: [100, 200] }, 200)).toBe(true);
    expect(rulePasses({ ...rule, metric: 'width', comparison: 'between', expected: [100, 200] }, 201)).toBe(false);
  });
});
