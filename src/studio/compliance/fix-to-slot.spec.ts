import { describe, expect, it } from 'vitest';
import { cutBackdrop } from '../background/backdrop';
import { loadMarketplacePacks } from '../marketplaces/marketplace-packs';
import { StepClock, type RemoveBackground } from '../pipeline/studio-pipeline';
import { renderProductFixture } from '../testing/fixtures';
import { evaluateSlot } from './evaluate-slot';
import { fixToSlot } from './fix-to-slot';
import { measureImage } from './measure-image';

/** The classical backdrop cut as the pipeline's remover, whatever mode is asked. */
const backdropCut: RemoveBackground = async (image) => ({ alpha: await cutBackdrop(image), width: image.width, height: image.height, mode: 'backdrop' });

const SLOTS = loadMarketplacePacks('config').all().flatMap((pack) => pack.slots);

describe('fixToSlot', () => {
  const sources = [
    { object: 'bottle', backdrop: 'grey', width: 400, height: 300, seed: 11 },
    { object: 'shoe', backdrop: 'gradient', shadow: true, width: 360, height: 360, seed: 4 },
  ] as const;
  for (const fixture of sources) {
    it(`turns a small ${fixture.object} on ${fixture.backdrop}, failing some fixable rule of every slot, into an image passing every fixable rule`, async () => {
      const source = (await renderProductFixture(fixture)).image;
      const before = await measureImage(source);
      for (const slot of SLOTS) {
        expect(evaluateSlot(slot, before).rules.filter((rule) => rule.fixable && !rule.pass).length, `${slot.id} before the fix`).toBeGreaterThan(0);
        const clock = new StepClock();
        const { image, report } = await fixToSlot(source, slot, { removeBackground: backdropCut, clock, pixelLimit: 50_000_000 });
        const failing = report.rules.filter((rule) => rule.fixable && !rule.pass).map((rule) => `${rule.id}: measured ${rule.measured}, expected ${JSON.stringify(rule.expected)}`);
        expect(failing, slot.id).toEqual([]);
        expect(report.slot).toBe(slot.id);
        expect(image).toMatchObject({ width: slot.defaults.width, height: slot.defaults.height, format: slot.defaults.format });
        expect(clock.steps.at(-1)?.name).toBe('compliance');
      }
    }, 60_000);
  }
});
