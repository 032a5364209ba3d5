import sharp, { type Sharp } from 'sharp';

export const STYLES = ['realistic', 'anime', 'digital-art', 'oil-painting', 'watercolor', '3d-render', 'pixel', 'sketch', 'cartoon', 'cinematic'] as const;
export type Style = (typeof STYLES)[number];

/** Raw RGB pixels between steps, so each style can chain sharp operations freely. */
export interface Pixels {
  data: Buffer;
  width: number;
  height: number;
}

const toRaw = async (img: Sharp): Promise<Pixels> => {
  const { data, info } = await img.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
};
const fromRaw = (p: Pixels): Sharp => sharp(p.data, { raw: { width: p.width, height: p.height, channels: 3 } });

const LAPLACIAN = { width: 3, height: 3, kernel: [-1, -1, -1, -1, 8, -1, -1, -1, -1] };

/** Fewer colours, flat areas: a palette PNG round trip. */
async function posterize(p: Pixels, colours: number): Promise<Pixels> {
  return toRaw(sharp(await fromRaw(p).png({ palette: true, colours, dither: 0 }).toBuffer()));
}

/** Dark outlines where colour changes sharply (a Laplacian edge map multiplied over the image). */
async function outline(p: Pixels, strength: number): Promise<Pixels> {
  // Through PNG: a greyscale raw buffer would stay one band, and composite wants the image's three.
  const edges = await fromRaw(p).greyscale().convolve(LAPLACIAN).linear(strength, 0).negate().png().toBuffer();
  return toRaw(fromRaw(p).composite([{ input: edges, blend: 'multiply' }]));
}

/** Deterministic film grain, from the image's own seed. */
function grain(p: Pixels, random: () => number, amount: number): Pixels {
  const data = Buffer.from(p.data);
  for (let i = 0; i < data.length; i += 3) {
    const g = (random() - 0.5) * amount;
    for (let c = 0; c < 3; c++) data[i + c] = Math.max(0, Math.min(255, data[i + c] + g));
  }
  return { ...p, data };
}

export async function applyStyle(style: Style, base: Pixels, random: () => number): Promise<Pixels> {
  const { width: w, height: h } = base;
  const size = Math.min(w, h);
  switch (style) {
    case 'realistic':
      return grain(await toRaw(fromRaw(base).blur(Math.max(0.3, size / 400)).modulate({ saturation: 0.85 })), random, 10);
    case 'anime':
      return outline(await posterize(await toRaw(fromRaw(base).modulate({ saturation: 1.4, brightness: 1.05 })), 10), 0.6);
    case 'digital-art': {
      const glow = await fromRaw(base).blur(size / 40).modulate({ saturation: 1.6 }).toBuffer();
      return toRaw(fromRaw(base).modulate({ saturation: 1.5 }).composite([{ input: glow, blend: 'screen', raw: { width: w, height: h, channels: 3 } }]));
    }
    case 'oil-painting':
      return toRaw(fromRaw(await posterize(base, 24)).median(Math.max(3, Math.round(size / 90) | 1)).sharpen({ sigma: 1.2 }).modulate({ saturation: 1.2 }));
    case 'watercolor': {
      const soft = await toRaw(fromRaw(base).blur(size / 120).linear(0.8, 48).modulate({ saturation: 1.1 }));
      return grain(soft, random, 18);
    }
    case '3d-render':
      return toRaw(fromRaw(base).sharpen({ sigma: 1.5 }).modulate({ saturation: 1.15 }));
    case 'pixel': {
      const block = Math.max(4, Math.round(size / 48));
      const small = await fromRaw(base).resize(Math.max(1, Math.round(w / block)), Math.max(1, Math.round(h / block)), { kernel: 'nearest' }).png().toBuffer();
      const reduced = await posterize(await toRaw(sharp(small)), 16);
      return toRaw(fromRaw(reduced).resize(w, h, { kernel: 'nearest', fit: 'fill' }));
    }
    case 'sketch': {
      const lines = await fromRaw(base).greyscale().convolve(LAPLACIAN).linear(3, 0).negate().png().toBuffer();
      return grain(await toRaw(sharp(lines).linear(1.1, -10)), random, 12);
    }
    case 'cartoon':
      return outline(await posterize(await toRaw(fromRaw(base).modulate({ saturation: 1.6, brightness: 1.1 })), 6), 1.2);
    case 'cinematic': {
      // Teal shadows, orange highlights, a vignette and letterbox bars.
      const graded = await fromRaw(base).recomb([[1.05, 0.1, -0.05], [0, 0.95, 0.1], [-0.05, 0.1, 1.0]]).modulate({ saturation: 0.9 }).linear(1.1, -12).toBuffer();
      const bar = Math.round(h * 0.1);
      const overlay = Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><radialGradient id="v"><stop offset="0.6" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.65"/></radialGradient></defs><rect width="${w}" height="${h}" fill="url(#v)"/><rect width="${w}" height="${bar}"/><rect y="${h - bar}" width="${w}" height="${bar}"/></svg>`,
      );
      return toRaw(sharp(graded, { raw: { width: w, height: h, channels: 3 } }).composite([{ input: overlay }]));
    }
  }
}

export { fromRaw, toRaw };
