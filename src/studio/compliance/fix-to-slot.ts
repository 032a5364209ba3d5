import type { MarketplaceSlotDto } from '../marketplaces/marketplace-pack.dto';
import type { EncodedImage } from '../pipeline/studio-pipeline';
import { processImage, type ProcessDeps } from '../process/process-image';
import { presetOptions, resolveProcessOptions } from '../process/process-options';
import { evaluateSlot, type SlotReport } from './evaluate-slot';
import { measureImage, type ImageMeasurements } from './measure-image';

/**
 * Fixes an image for a marketplace slot: processes it with the slot's preset (its canvas, fill or
 * margin, background, format and size cap), then measures the result and holds it against the slot's
 * rules, so the caller gets the fixed image with the report that shows it passes (and the
 * measurements, to hold other slots against).
 */
export async function fixToSlot(
  source: Buffer, slot: MarketplaceSlotDto, deps: ProcessDeps,
): Promise<{ image: EncodedImage; report: SlotReport; measurements: ImageMeasurements }> {
  const image = await processImage(source, resolveProcessOptions({}, presetOptions(slot)), deps);
  const measurements = await deps.clock.time('compliance', () => measureImage(image.data, deps.pixelLimit));
  return { image, report: evaluateSlot(slot, measurements), measurements };
}
