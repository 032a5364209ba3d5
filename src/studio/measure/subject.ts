import { borderMedianColour } from './border';
import type { RawImage } from './raw-image';

/** A rectangle in pixels. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** True when the image has an alpha channel and some pixel is not fully opaque. */
export function hasTransparency(image: RawImage): boolean {
  const { data, channels } = image;
  if (channels !== 4 && channels !== 2) return false;
  for (let offset = channels - 1; offset < data.length; offset += channels) if (data[offset] < 255) return true;
  return false;
}

/**
 * The bounding box of the subject: with transparency, of the pixels whose alpha is above 0; without, of the
 * pixels where some channel differs from the background colour (default: the border's median) by
 * more than `tolerance`. Null when nothing stands out.
 */
export function subjectBox(image: RawImage, options: { tolerance?: number; background?: number[] } = {}): Box | null {
  const { data, width, height, channels } = image;
  const tolerance = options.tolerance ?? 16;
  const useAlpha = hasTransparency(image);
  const background = useAlpha ? [] : (options.background ?? borderMedianColour(image));
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  // Plain loops over the channels: this runs for every pixel of every image a scan checks.
  const colours = background.length;
  for (let y = 0; y < height; y++) {
    let offset = y * width * channels;
    for (let x = 0; x < width; x++, offset += channels) {
      let isSubject = false;
      if (useAlpha) isSubject = data[offset + channels - 1] > 0;
      else for (let c = 0; c < colours && !isSubject; c++) isSubject = Math.abs(data[offset + c] - background[c]) > tolerance;
      if (!isSubject) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  return right < 0 ? null : { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/** How much of the canvas the subject fills: the box's longest side over the canvas's longest side (0..1). */
export function subjectFill(box: Box | null, canvas: { width: number; height: number }): number {
  if (!box) return 0;
  return Math.max(box.width, box.height) / Math.max(canvas.width, canvas.height);
}
