import { afterAll, describe, expect, it } from 'vitest';
import { decodeRaw, type RawImage } from '../../measure/raw-image';
import { type FixtureObject, maskIoU, renderProductFixture } from '../../testing/fixtures';
import { SegmentationModel } from './segmentation-model';

const OBJECTS: FixtureObject[] = ['bottle', 'shoe', 'box'];

async function texturedFixture(object: FixtureObject, shadow: boolean, width = 512, height = 512) {
  const fixture = await renderProductFixture({ object, backdrop: 'texture', shadow, width, height, seed: 7 });
  return { image: await decodeRaw(fixture.image), mask: fixture.mask };
}

describe('SegmentationModel', () => {
  // One model for the file: loading it takes a moment, and the tests below share it.
  const model = new SegmentationModel({ concurrency: 1 });
  afterAll(() => model.close());

  it('reads the model on first use, not when constructed, and tries again after a failed load', async () => {
    const missing = new SegmentationModel({ concurrency: 1, modelPath: '/nonexistent/isnet.onnx' });
    expect(missing.loaded).toBe(false);
    const { image } = await texturedFixture('box', false, 64, 64);
    await expect(missing.mask(image)).rejects.toThrow(/did not load.*nonexistent\/isnet\.onnx/);
    // The failed process is stopped and forgotten: the next call starts afresh rather than waiting on it.
    expect(missing.loaded).toBe(false);
    await expect(missing.mask(image)).rejects.toThrow(/did not load/);
  });

  it('cuts each object from a textured backdrop at IoU >= 0.90, running no more inferences at once than its concurrency', async () => {
    const fixtures = await Promise.all(OBJECTS.map((object, index) => texturedFixture(object, false, 512 + 64 * index, 640 - 64 * index)));
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, model.activeInferences)), 2);
    const waiting = new AbortController();
    try {
      const calls = fixtures.map(({ image }) => model.mask(image));
      const abandoned = model.mask(fixtures[0].image, waiting.signal);
      waiting.abort();
      await expect(abandoned).rejects.toMatchObject({ name: 'AbortError' });
      const alphas = await Promise.all(calls);
      for (const [index, alpha] of alphas.entries()) {
        expect(alpha).toHaveLength(fixtures[index].image.width * fixtures[index].image.height);
        expect(maskIoU(alpha, fixtures[index].mask), OBJECTS[index]).toBeGreaterThanOrEqual(0.9);
      }
    } finally {
      clearInterval(watch);
    }
    expect(most).toBe(1);
  });

  it('cuts each object from a textured backdrop with a shadow at IoU >= 0.90', async () => {
    for (const [index, object] of OBJECTS.entries()) {
      const { image, mask } = await texturedFixture(object, true, 640 - 64 * index, 512 + 64 * index);
      expect(maskIoU(await model.mask(image), mask), object).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('stops before inference when the signal has aborted, without loading the model', async () => {
    const fresh = new SegmentationModel({ concurrency: 1 });
    const image: RawImage = { data: new Uint8Array(32 * 32 * 3), width: 32, height: 32, channels: 3 };
    await expect(fresh.mask(image, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
    expect(fresh.loaded).toBe(false);
    expect(fresh.activeInferences).toBe(0);
  });
});
