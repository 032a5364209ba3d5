import { defaultRingWidth, forEachBorderPixel, type RawImage } from './raw-image';

export interface BorderOptions {
  /** Width of the outer ring read, in pixels (default: 1% of the shorter side). */
  ringWidth?: number;
  /** How far (0..255, per channel) a pixel may sit from the target colour and still count as it. */
  tolerance?: number;
}

/**
 * Share (0..1) of the border ring's pixels whose every colour channel is within `tolerance` of 255:
 * 1 when the background reaches the edge in pure white. A transparent pixel is not white.
 */
export function borderWhitePurity(image: RawImage, options: BorderOptions = {}): number {
  const tolerance = options.tolerance ?? 5;
  const { data, channels } = image;
  let white = 0;
  let total = 0;
  forEachBorderPixel(image, options.ringWidth ?? defaultRingWidth(image), (pixel) => {
    const offset = pixel * channels;
    total++;
    if (channels === 4 && data[offset + 3] < 255 - tolerance) return;
    for (let c = 0; c < Math.min(channels, 3); c++) if (data[offset + c] < 255 - tolerance) return;
    white++;
  });
  return total === 0 ? 0 : white / total;
}

/** The median of each colour channel over the border ring: the backdrop's colour as the edges show it. */
export function borderMedianColour(image: RawImage, ringWidth = defaultRingWidth(image)): number[] {
  const colourChannels = Math.min(image.channels, 3);
  const histograms = Array.from({ length: colourChannels }, () => new Uint32Array(256));
  let count = 0;
  forEachBorderPixel(image, ringWidth, (pixel) => {
    count++;
    for (let c = 0; c < colourChannels; c++) histograms[c][image.data[pixel * image.channels + c]]++;
  });
  return histograms.map((histogram) => {
    let seen = 0;
    for (let value = 0; value < 256; value++) {
      seen += histogram[value];
      if (seen * 2 >= count) return value;
    }
    return 255;
  });
}

/**
 * How even the background is: the share (0..1) of the border ring's pixels whose every colour channel
 * is within `tolerance` (default 10) of the ring's median colour. 1 on a flat backdrop of any colour;
 * lower on a gradient, a texture or a scene.
 */
export function backgroundUniformity(image: RawImage, options: BorderOptions = {}): number {
  const tolerance = options.tolerance ?? 10;
  const ringWidth = options.ringWidth ?? defaultRingWidth(image);
  const median = borderMedianColour(image, ringWidth);
  const { data, channels } = image;
  let even = 0;
  let total = 0;
  forEachBorderPixel(image, ringWidth, (pixel) => {
    total++;
    if (median.every((value, c) => Math.abs(data[pixel * channels + c] - value) <= tolerance)) even++;
  });
  return total === 0 ? 0 : even / total;
}

/**
 * Width in pixels of a frame added around the picture: a band of one colour running round all four
 * sides whose colour differs (beyond `tolerance`) from what lies just inside it. 0 when there is none,
 * so a white backdrop reaching the edges is not a frame, while a grey line round a white one is.
 */
export function addedBorderWidth(image: RawImage, options: Pick<BorderOptions, 'tolerance'> = {}): number {
  const tolerance = options.tolerance ?? 12;
  const { data, width, height, channels } = image;
  const frame = Array.from(data.subarray(0, Math.min(channels, 3)));
  const near = (pixel: number) => frame.every((value, c) => Math.abs(data[pixel * channels + c] - value) <= tolerance);
  const maxFrame = Math.floor(Math.min(width, height) / 4);
  // Ring `depth` (0 = outermost) is entirely the frame colour.
  const ringIsFrame = (depth: number) => {
    for (let x = depth; x < width - depth; x++) if (!near(depth * width + x) || !near((height - 1 - depth) * width + x)) return false;
    for (let y = depth; y < height - depth; y++) if (!near(y * width + depth) || !near(y * width + width - 1 - depth)) return false;
    return true;
  };
  let depth = 0;
  while (depth < maxFrame && ringIsFrame(depth)) depth++;
  if (depth === 0 || depth === maxFrame) return 0;
  // The ring just inside must mostly differ from the frame; else this is the backdrop, not a frame.
  let differing = 0;
  let total = 0;
  for (let x = depth; x < width - depth; x++) {
    for (const y of [depth, height - 1 - depth]) {
      total++;
      if (!near(y * width + x)) differing++;
    }
  }
  for (let y = depth; y < height - depth; y++) {
    for (const x of [depth, width - 1 - depth]) {
      total++;
      if (!near(y * width + x)) differing++;
    }
  }
  return differing / total >= 0.5 ? depth : 0;
}
