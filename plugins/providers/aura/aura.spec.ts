import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { describeProviderContract, providerTestContext } from '../../../src/plugins/testing';
import { providerMetadataOf, type EditInput, type GenerateInput, type VideoInput } from '../../../src/plugins';
import { AuraProvider } from './aura.provider';
import { paletteFor } from './palette';
import { seededRandom } from './random';
import { STYLES } from './styles';

const aura = new AuraProvider();
const generate = (input: GenerateInput, signal?: AbortSignal) => aura.generate(input, providerTestContext({ signal }));
const edit = (input: EditInput, signal?: AbortSignal) => aura.edit(input, providerTestContext({ signal }));
const base = { model: 'aura', prompt: 'a calm ocean at sunset', width: 128, height: 128, format: 'png' as const, n: 1, seed: 42 };

async function meanColour(png: Buffer) {
  const { channels } = await sharp(png).stats();
  return { r: channels[0].mean, g: channels[1].mean, b: channels[2].mean };
}

describe('aura provider', () => {
  describe('generate', () => {
    it('gives the same bytes for the same prompt, seed, style and size', async () => {
      const [a] = await generate({ ...base, style: 'anime' });
      const [b] = await generate({ ...base, style: 'anime' });
      expect(a.data.equals(b.data)).toBe(true);
    });

    it('gives different images for another seed or prompt, and n images with consecutive seeds', async () => {
      const [a] = await generate(base);
      const [b] = await generate({ ...base, seed: 43 });
      const [c] = await generate({ ...base, prompt: 'a stormy night' });
      expect(a.data.equals(b.data)).toBe(false);
      expect(a.data.equals(c.data)).toBe(false);
      const many = await generate({ ...base, n: 3 });
      expect(many.map((m) => m.seed)).toEqual([42, 43, 44]);
      expect(many[1].data.equals(b.data)).toBe(true);
    });

    it('renders every style visibly differently', async () => {
      const images = await Promise.all(STYLES.map(async (style) => (await generate({ ...base, style }))[0].data));
      const raws = await Promise.all(images.map((png) => sharp(png).raw().toBuffer()));
      for (let i = 0; i < raws.length; i++) {
        for (let j = i + 1; j < raws.length; j++) {
          let diff = 0;
          for (let k = 0; k < raws[i].length; k++) diff += Math.abs(raws[i][k] - raws[j][k]);
          expect(diff / raws[i].length, `${STYLES[i]} vs ${STYLES[j]}`).toBeGreaterThan(4);
        }
      }
    });

    it('lets colour words drive the palette', async () => {
      const [red] = await generate({ ...base, prompt: 'red crimson scarlet fire', style: 'realistic' });
      const [blue] = await generate({ ...base, prompt: 'blue navy azure ocean', style: 'realistic' });
      const r = await meanColour(red.data);
      const b = await meanColour(blue.data);
      expect(r.r).toBeGreaterThan(r.b);
      expect(b.b).toBeGreaterThan(b.r);
    });

    it('writes the asked size and format', async () => {
      for (const format of ['png', 'jpeg', 'webp', 'avif'] as const) {
        const [img] = await generate({ ...base, width: 160, height: 96, format });
        const meta = await sharp(img.data).metadata();
        expect({ width: meta.width, height: meta.height, format: meta.format }).toEqual({ width: 160, height: 96, format: format === 'avif' ? 'heif' : format });
      }
    });
  });

  describe('edit', () => {
    it('blends two sources and recolours them toward the prompt, deterministically', async () => {
      const white = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } }).png().toBuffer();
      const grey = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer();
      const input = { ...base, prompt: 'red scarlet crimson', style: 'realistic', images: [{ data: white, mimeType: 'image/png' }, { data: grey, mimeType: 'image/png' }] };
      const [a] = await edit(input);
      const [b] = await edit(input);
      expect(a.data.equals(b.data)).toBe(true);
      const c = await meanColour(a.data);
      expect(c.r).toBeGreaterThan(c.b + 10);
      const [single] = await edit({ ...input, images: [input.images[0]] });
      expect(single.data.equals(a.data)).toBe(false);
    });

    it('with a mask, changes only its transparent area: the opaque area keeps the first source\'s pixels exactly', async () => {
      // A source with detail in every pixel, at the asked size, and a mask whose left half is fully transparent.
      const pixels = Buffer.alloc(128 * 128 * 3);
      for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37 + Math.floor(i / 384) * 11) % 256;
      const source = await sharp(pixels, { raw: { width: 128, height: 128, channels: 3 } }).png().toBuffer();
      const rgba = Buffer.alloc(128 * 128 * 4);
      for (let i = 0; i < 128 * 128; i++) rgba[i * 4 + 3] = i % 128 < 64 ? 0 : 255;
      const mask = await sharp(rgba, { raw: { width: 128, height: 128, channels: 4 } }).png().toBuffer();
      const grey = await sharp({ create: { width: 128, height: 128, channels: 3, background: '#808080' } }).png().toBuffer();
      const half = async (png: Buffer, left: number) => sharp(png).extract({ left, top: 0, width: 64, height: 128 }).raw().toBuffer();

      const images = [{ data: source, mimeType: 'image/png' }, { data: grey, mimeType: 'image/png' }];
      const [masked] = await edit({ ...base, prompt: 'red scarlet crimson', images, mask: { data: mask, mimeType: 'image/png' } });
      const [whole] = await edit({ ...base, prompt: 'red scarlet crimson', images });
      expect((await half(masked.data, 64)).equals(await half(source, 64))).toBe(true);
      expect((await half(masked.data, 0)).equals(await half(whole.data, 0))).toBe(true);
      expect((await half(masked.data, 0)).equals(await half(source, 0))).toBe(false);
    });

    it('declares two sources and a mask', () => {
      const [model] = providerMetadataOf(AuraProvider)!.models;
      expect({ maxSourceImages: model.maxSourceImages, mask: model.mask }).toEqual({ maxSourceImages: 2, mask: true });
    });

    it('needs a source image', async () => {
      await expect(edit({ ...base, images: [] })).rejects.toThrow(expect.objectContaining({ kind: 'invalid_input', message: expect.stringMatching(/source image/) }));
    });
  });

  describe('cancelling (ctx.signal)', () => {
    it('renders nothing when the signal has already aborted', async () => {
      await expect(generate(base, AbortSignal.abort())).rejects.toThrow(/aborted/);
      const white = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } }).png().toBuffer();
      await expect(edit({ ...base, images: [{ data: white, mimeType: 'image/png' }] }, AbortSignal.abort())).rejects.toThrow(/aborted/);
    });

    it('rejects as soon as the signal aborts, in the middle of a long render', async () => {
      const controller = new AbortController();
      const rendering = generate({ ...base, width: 1024, height: 1024, n: 4, style: 'sketch' }, controller.signal);
      await new Promise((r) => setTimeout(r, 50));
      const abortedAt = Date.now();
      controller.abort();
      await expect(rendering).rejects.toThrow(/aborted/);
      expect(Date.now() - abortedAt).toBeLessThan(100);
    });
  });

  describe('video (aura-motion)', () => {
    const clip = { model: 'aura-motion', prompt: 'a calm ocean at sunset', width: 512, height: 512, durationSeconds: 2, seed: 42 };
    const render = async (input: VideoInput) => {
      const [video] = await aura.generateVideo(input, providerTestContext());
      const chunks: Uint8Array[] = [];
      for await (const chunk of video.stream) chunks.push(chunk);
      return { video, data: Buffer.concat(chunks) };
    };

    it('is an animated WebP of the asked size, at 10 frames a second for the asked length, quickly', async () => {
      const started = performance.now();
      const { video, data } = await render(clip);
      // About half a second on one free core; loose, as the machine running the tests may be busy.
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(video).toMatchObject({ mimeType: 'image/webp', width: 512, height: 512, durationSeconds: 2 });
      const meta = await sharp(data, { animated: true }).metadata();
      expect({ format: meta.format, width: meta.width, pageHeight: meta.pageHeight, pages: meta.pages, loop: meta.loop }).toEqual({ format: 'webp', width: 512, pageHeight: 512, pages: 20, loop: 0 });
      expect(meta.delay).toEqual(new Array(20).fill(100));
    });

    it('lasts the asked seconds in another shape, and moves: its first and last frames differ', async () => {
      const { data } = await render({ ...clip, width: 432, height: 768, durationSeconds: 3 });
      const meta = await sharp(data, { animated: true }).metadata();
      expect({ width: meta.width, pageHeight: meta.pageHeight }).toEqual({ width: 432, pageHeight: 768 });
      // WebP merges frames that came out the same, adding up their delays: the length is what holds.
      expect(meta.delay!.reduce((sum, d) => sum + d, 0)).toBe(3_000);
      const first = await sharp(data, { page: 0 }).raw().toBuffer();
      const last = await sharp(data, { page: meta.pages! - 1 }).raw().toBuffer();
      expect(first.equals(last)).toBe(false);
    });

    it('gives the same bytes for the same prompt and seed, other bytes for another seed', async () => {
      const a = await render(clip);
      const b = await render(clip);
      const c = await render({ ...clip, seed: 43 });
      expect(a.data.equals(b.data)).toBe(true);
      expect(a.data.equals(c.data)).toBe(false);
    });

    it('animates a first frame, recoloured toward the prompt', async () => {
      const white = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } }).png().toBuffer();
      const black = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000000' } }).png().toBuffer();
      const first = async (data: Buffer) => (await sharp((await render({ ...clip, image: { data, mimeType: 'image/png' } })).data, { page: 0 }).stats()).channels;
      const [onWhite, onBlack] = [await first(white), await first(black)];
      expect(onWhite[0].mean).toBeGreaterThan(onBlack[0].mean + 50);
    });

    it('refuses a length it does not render', async () => {
      await expect(aura.generateVideo({ ...clip, durationSeconds: 7 }, providerTestContext())).rejects.toThrow(expect.objectContaining({ kind: 'invalid_input' }));
    });
  });

  it('drops colours the negative prompt names', () => {
    const withRed = paletteFor('red and blue', undefined, seededRandom('x'));
    const withoutRed = paletteFor('red and blue', 'red', seededRandom('x'));
    expect(withRed.matched).toEqual(['red', 'blue']);
    expect(withoutRed.matched).toEqual(['blue']);
  });
});

describeProviderContract('aura', { plugin: AuraProvider });
