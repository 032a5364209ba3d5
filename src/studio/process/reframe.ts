import sharp from 'sharp';
import type { RawImage } from '../measure/raw-image';
import type { Box } from '../measure/subject';
import type { Frame } from './frame';

/** Copies a region of interleaved pixels (`channels` bytes each), row by row. */
function cropRows(data: Uint8Array, width: number, channels: number, region: Box): Buffer {
  const rowBytes = region.width * channels;
  const out = Buffer.allocUnsafe(rowBytes * region.height);
  for (let y = 0; y < region.height; y++) {
    const start = ((region.top + y) * width + region.left) * channels;
    out.set(data.subarray(start, start + rowBytes), y * rowBytes);
  }
  return out;
}

/**
 * The region's pixels with the mask as 4th channel (opaque without one), RGBA. Cropped first, so a
 * large photo with a small subject is not copied whole; joined in a pass of its own, since sharp joins
 * channels after any crop or resize of the same pipeline.
 */
function regionWithAlpha(image: RawImage, alpha: Buffer | null, region: Box): Promise<Buffer> {
  const raw = { width: region.width, height: region.height };
  const pixels = sharp(cropRows(image.data, image.width, image.channels, region), { raw: { ...raw, channels: image.channels as 3 } });
  return (alpha ? pixels.joinChannel(cropRows(alpha, image.width, 1, region), { raw: { ...raw, channels: 1 } }) : pixels.ensureAlpha(1)).raw().toBuffer();
}

/** The subject scaled and cut to the frame (RGBA pixels), with where its top-left corner goes on the canvas. */
export interface PlacedLayer {
  data: Buffer;
  width: number;
  height: number;
  left: number;
  top: number;
}

/** The layer's alpha where it lies on the canvas, one byte per canvas pixel (0 elsewhere), made on libvips' pool. */
export function placedAlpha(layer: PlacedLayer, canvas: { width: number; height: number }): Promise<Buffer> {
  return sharp(layer.data, { raw: { width: layer.width, height: layer.height, channels: 4 } })
    .extractChannel(3)
    .extend({
      top: layer.top,
      left: layer.left,
      bottom: canvas.height - layer.top - layer.height,
      right: canvas.width - layer.left - layer.width,
      background: { r: 0, g: 0, b: 0, alpha: 0 },
    })
    .raw()
    .toBuffer();
}

/**
 * Cuts the subject box out of the image (with a few pixels round it, so the feathered edge outside the
 * box survives), scales it with Lanczos3 so the box lands on `frame.box`, and keeps what falls inside
 * `frame.clip`. Without an alpha mask the box is taken exactly, opaque.
 */
export async function reframe(image: RawImage, alpha: Buffer | null, box: Box, frame: Frame): Promise<PlacedLayer> {
  const { width, height } = image;
  const pad = alpha ? Math.ceil(Math.max(width, height) / 200) + 2 : 0;
  const source = {
    left: Math.max(0, box.left - pad),
    top: Math.max(0, box.top - pad),
    right: Math.min(width, box.left + box.width + pad),
    bottom: Math.min(height, box.top + box.height + pad),
  };
  const region = { left: source.left, top: source.top, width: source.right - source.left, height: source.bottom - source.top };
  const scaleX = frame.box.width / box.width;
  const scaleY = frame.box.height / box.height;
  const placed = {
    left: Math.round(frame.box.left - (box.left - source.left) * scaleX),
    top: Math.round(frame.box.top - (box.top - source.top) * scaleY),
    right: Math.round(frame.box.left + frame.box.width + (source.right - box.left - box.width) * scaleX),
    bottom: Math.round(frame.box.top + frame.box.height + (source.bottom - box.top - box.height) * scaleY),
  };
  const { clip } = frame;
  const kept = {
    left: Math.max(placed.left, clip.left),
    top: Math.max(placed.top, clip.top),
    right: Math.min(placed.right, clip.left + clip.width),
    bottom: Math.min(placed.bottom, clip.top + clip.height),
  };
  const { data, info } = await sharp(await regionWithAlpha(image, alpha, region), { raw: { width: region.width, height: region.height, channels: 4 } })
    .resize(placed.right - placed.left, placed.bottom - placed.top, { fit: 'fill', kernel: 'lanczos3' })
    .extract({ left: kept.left - placed.left, top: kept.top - placed.top, width: kept.right - kept.left, height: kept.bottom - kept.top })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, left: kept.left, top: kept.top };
}
