import sharp from 'sharp';

/** A product-like object drawn with shading, standing in for a studio photo's subject. */
export type FixtureObject = 'bottle' | 'shoe' | 'box';

/** The backdrop behind it: a flat grey sweep, a light-to-dark gradient, or a textured cloth. */
export type FixtureBackdrop = 'grey' | 'gradient' | 'texture';

export interface ProductFixtureOptions {
  object: FixtureObject;
  backdrop: FixtureBackdrop;
  width?: number;
  height?: number;
  /** A soft contact shadow on the backdrop under the object; never part of the true mask. */
  shadow?: boolean;
  /** The same seed draws the same image, noise included. */
  seed?: number;
}

export interface ProductFixture {
  /** The rendered photo, PNG (lossless, so the tests measure the cut and not the codec). */
  image: Buffer;
  /** The true mask: one byte per pixel, 255 on the object and 0 elsewhere (the shadow included). */
  mask: Uint8Array;
  width: number;
  height: number;
}

type Rgb = [number, number, number];

/** mulberry32: a small seeded generator, so a fixture is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A shape in unit coordinates (u across, v down, both 0..1 over the canvas): its colour where it covers, else null. */
type Shape = (u: number, v: number) => Rgb | null;

const clampByte = (value: number) => Math.max(0, Math.min(255, Math.round(value)));
const shade = (colour: Rgb, factor: number): Rgb => [colour[0] * factor, colour[1] * factor, colour[2] * factor];

/** A rounded bottle: body, shoulders and neck, lit from the left like a cylinder. */
const bottle: Shape = (u, v) => {
  const cx = 0.5;
  const halfWidth = v > 0.4 ? 0.14 : v > 0.3 ? 0.05 + 0.09 * ((v - 0.3) / 0.1) : v > 0.18 ? 0.05 : -1;
  const dx = u - cx;
  if (v < 0.18 || v > 0.82 || Math.abs(dx) > halfWidth) return null;
  if (v > 0.76) {
    const cornerV = (v - 0.76) / 0.06;
    if (Math.abs(dx) > halfWidth - 0.04 + 0.04 * Math.sqrt(Math.max(0, 1 - cornerV * cornerV))) return null;
  }
  const across = dx / halfWidth;
  const light = 0.45 + 0.55 * Math.cos(((across + 0.35) * Math.PI) / 2.7);
  return shade(v < 0.23 ? [40, 40, 48] : [24, 118, 138], light);
};

/** A shoe-like blob: a sole, a rounded upper and a toe, shaded top to bottom. */
const shoe: Shape = (u, v) => {
  const inEllipse = (cu: number, cv: number, ru: number, rv: number) => ((u - cu) / ru) ** 2 + ((v - cv) / rv) ** 2 <= 1;
  const sole = v >= 0.62 && v <= 0.7 && u >= 0.17 && u <= 0.83 && (u <= 0.8 || inEllipse(0.8, 0.66, 0.03, 0.04));
  const upper = inEllipse(0.36, 0.52, 0.17, 0.16) || inEllipse(0.6, 0.6, 0.22, 0.08);
  const collar = inEllipse(0.3, 0.4, 0.1, 0.06);
  if (sole) return [188, 178, 158];
  if (!(upper || collar) || v > 0.66) return null;
  const light = 0.55 + 0.45 * (1 - (v - 0.34) / 0.32);
  return shade([178, 42, 40], light);
};

/** A carton seen from above-front: a front face, a lit top face and a side face in shadow. */
const box: Shape = (u, v) => {
  const cardboard: Rgb = [176, 124, 72];
  const depth = 0.08;
  if (u >= 0.25 && u <= 0.65 && v >= 0.35 && v <= 0.8) return shade(cardboard, 0.85 - 0.2 * (v - 0.35));
  const aboveFront = 0.35 - v;
  if (aboveFront > 0 && aboveFront <= depth && u >= 0.25 + aboveFront && u <= 0.65 + aboveFront) return shade(cardboard, 1.1);
  const right = u - 0.65;
  if (right > 0 && right <= depth && v >= 0.35 - right && v <= 0.8 - right) return shade(cardboard, 0.6);
  return null;
};

const SHAPES: Record<FixtureObject, Shape> = { bottle, shoe, box };

/** Where each object stands, for its shadow: the centre and radii (unit coordinates) of the contact ellipse. */
const FOOTPRINTS: Record<FixtureObject, [number, number, number, number]> = {
  bottle: [0.5, 0.82, 0.2, 0.035],
  shoe: [0.5, 0.7, 0.38, 0.04],
  box: [0.49, 0.8, 0.28, 0.035],
};

function backdropColour(kind: FixtureBackdrop, u: number, v: number, noise: number, grain: number): Rgb {
  if (kind === 'grey') return [226 + noise, 226 + noise, 228 + noise];
  if (kind === 'gradient') {
    const level = 246 - 60 * v - 12 * (u - 0.5) ** 2;
    return [level + noise, level + noise, level + 4 + noise];
  }
  const weave = 14 * Math.sin(u * 140) * Math.sin(v * 120) + 10 * Math.sin((u + v) * 37);
  return [150 + weave + grain, 140 + weave + grain, 120 + weave * 0.8 + grain];
}

/**
 * Renders a product-like object on a backdrop and returns the photo with its true mask. Pixels are
 * computed here (so the mask is exact) and encoded by sharp.
 */
export async function renderProductFixture(options: ProductFixtureOptions): Promise<ProductFixture> {
  const width = options.width ?? 640;
  const height = options.height ?? 640;
  const random = seededRandom(options.seed ?? 1);
  const shape = SHAPES[options.object];
  const [footU, footV, footRu, footRv] = FOOTPRINTS[options.object];
  const pixels = Buffer.alloc(width * height * 3);
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const v = (y + 0.5) / height;
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5) / width;
      const index = y * width + x;
      const noise = (random() - 0.5) * 4;
      let colour = shape(u, v);
      if (colour) {
        mask[index] = 255;
        colour = shade(colour, 1 + noise / 100);
      } else {
        colour = backdropColour(options.backdrop, u, v, noise, (random() - 0.5) * 30);
        if (options.shadow) {
          const distance = Math.sqrt(((u - footU) / footRu) ** 2 + ((v - footV) / footRv) ** 2);
          colour = shade(colour, 1 - 0.4 * Math.exp(-2.5 * distance * distance));
        }
      }
      pixels[index * 3] = clampByte(colour[0]);
      pixels[index * 3 + 1] = clampByte(colour[1]);
      pixels[index * 3 + 2] = clampByte(colour[2]);
    }
  }
  const image = await sharp(pixels, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
  return { image, mask, width, height };
}

/** Intersection over union of two masks (a pixel is in a mask at 128 and above). */
export function maskIoU(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`masks differ in size: ${a.length} and ${b.length} pixels`);
  let intersection = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const inA = a[i] >= 128;
    const inB = b[i] >= 128;
    if (inA && inB) intersection++;
    if (inA || inB) union++;
  }
  return union === 0 ? 1 : intersection / union;
}
