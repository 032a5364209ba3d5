import { describe, expect, it } from 'vitest';
import { loadMarketplacePacks } from '../marketplaces/marketplace-packs';
import { presetOptions, resolveProcessOptions } from './process-options';

const slot = (id: string) => loadMarketplacePacks('config').all().flatMap((pack) => pack.slots).find((candidate) => candidate.id === id)!;

describe('presetOptions', () => {
  it("takes a slot's canvas, fill, background, format and size cap", () => {
    expect(presetOptions(slot('amazon-main'))).toEqual({ width: 2000, height: 2000, fill: 0.85, background: 'white', format: 'jpeg', maxBytes: 10_000_000 });
  });

  it('takes a margin instead of a fill when the slot gives one', () => {
    expect(presetOptions(slot('zalando-packshot'))).toMatchObject({ width: 1801, height: 2600, margin: 0.05 });
    expect(presetOptions(slot('zalando-packshot'))).not.toHaveProperty('fill');
  });
});

describe('resolveProcessOptions', () => {
  it('lays the request over the preset over the defaults', () => {
    expect(resolveProcessOptions({ format: 'png' }, { width: 100, height: 100, format: 'jpeg', fill: 0.8 })).toEqual({
      width: 100,
      height: 100,
      fill: 0.8,
      background: 'white',
      fit: 'contain',
      format: 'png',
      jpegQuality: 90,
      removeBackground: 'auto',
      shadow: 'none',
    });
  });

  it("lets a requested margin replace the preset's fill", () => {
    const options = resolveProcessOptions({ margin: 0.1 }, { fill: 0.85 });
    expect(options.margin).toBe(0.1);
    expect(options).not.toHaveProperty('fill');
  });
});
