import sharp from 'sharp';
import { DEFAULT_PIXEL_LIMIT } from './raw-image';

/** What a file's header says, before any pixel is read. */
export interface FileFacts {
  width: number;
  height: number;
  /** width / height. */
  aspectRatio: number;
  bytes: number;
  /** sharp's name for the container: jpeg, png, webp, avif (heif), gif, tiff... */
  format: string;
  /** The codec inside a heif container (`av1` for AVIF, `hevc` for HEIC), else null. */
  heifCompression: string | null;
  /** sharp's interpretation of the pixels: srgb, b-w, cmyk, rgb16... */
  space: string;
  /** The embedded ICC profile's description, or null when there is none. */
  iccProfile: string | null;
  /**
   * `srgb`: 8-bit RGB, untagged (read as sRGB) or tagged with an sRGB profile; `rgb`: RGB in another
   * profile (Display P3, Adobe RGB) or 16-bit; `cmyk`; `grey`; else sharp's name for the space.
   */
  colourSpace: string;
  /** True when the file carries an alpha channel (whether or not any pixel is transparent). */
  alpha: boolean;
}

/** Reads the header of an image (width and height as displayed, after its EXIF orientation). */
export async function readFileFacts(input: Buffer, pixelLimit = DEFAULT_PIXEL_LIMIT): Promise<FileFacts> {
  const metadata = await sharp(input, { limitInputPixels: pixelLimit }).metadata();
  const { width, height } = metadata.autoOrient;
  const space = metadata.space ?? 'unknown';
  const iccProfile = metadata.icc ? iccDescription(metadata.icc) : null;
  return {
    width,
    height,
    aspectRatio: width / height,
    bytes: input.length,
    format: metadata.format ?? 'unknown',
    heifCompression: metadata.compression ?? null,
    space,
    iccProfile,
    colourSpace: colourSpaceOf(space, iccProfile),
    alpha: metadata.hasAlpha ?? false,
  };
}

function colourSpaceOf(space: string, iccProfile: string | null): string {
  if (space === 'srgb') return iccProfile === null || /srgb/i.test(iccProfile) ? 'srgb' : 'rgb';
  if (space === 'rgb16' || space === 'scrgb') return 'rgb';
  if (space === 'b-w' || space === 'grey16') return 'grey';
  return space;
}

/**
 * The description of an ICC profile (its `desc` tag, ICC v2 `desc` or v4 `mluc`), or an empty string
 * when the profile has none or is malformed. Every read is checked against the buffer's length.
 */
export function iccDescription(icc: Buffer): string {
  if (icc.length < 132) return '';
  const tagCount = icc.readUInt32BE(128);
  for (let tag = 0; tag < tagCount && 144 + tag * 12 <= icc.length; tag++) {
    const entry = 132 + tag * 12;
    if (icc.toString('latin1', entry, entry + 4) !== 'desc') continue;
    const start = icc.readUInt32BE(entry + 4);
    const end = Math.min(icc.length, start + icc.readUInt32BE(entry + 8));
    if (start + 12 > end) return '';
    const type = icc.toString('latin1', start, start + 4);
    if (type === 'desc') {
      const length = icc.readUInt32BE(start + 8);
      return icc.toString('latin1', start + 12, Math.min(end, start + 12 + length)).replace(/\0+$/, '');
    }
    if (type === 'mluc' && start + 28 <= end) {
      const length = icc.readUInt32BE(start + 20);
      const offset = start + icc.readUInt32BE(start + 24);
      const text = icc.subarray(offset, offset + (Math.max(0, Math.min(end - offset, length)) & ~1));
      return Buffer.from(text).swap16().toString('utf16le').replace(/\0+$/, '');
    }
    return '';
  }
  return '';
}
