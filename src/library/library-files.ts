import sharp from 'sharp';
import { AppError } from '../common/errors/app-error';
import type { LibraryAssetType } from './library-asset.entity';

/** The largest file the library takes, as large as a multipart form's file may be. */
export const MAX_ASSET_BYTES = 20 * 1024 * 1024;
/** Pixels sharp may decode from an image's header before refusing it (a decompression bomb). */
const MAX_PIXELS = 50_000_000;

export interface AssetFile {
  mimeType: string;
  format: string;
  width: number | null;
  height: number | null;
  bytes: number;
}

const IMAGE_FORMATS: Record<string, { format: string; mimeType: string }> = {
  png: { format: 'png', mimeType: 'image/png' },
  jpeg: { format: 'jpeg', mimeType: 'image/jpeg' },
  webp: { format: 'webp', mimeType: 'image/webp' },
  heif: { format: 'avif', mimeType: 'image/avif' },
};

/** MP4 (an ISO media file: "ftyp" at byte 4) and WebM (an EBML header) are told by their first bytes. */
const isMp4 = (data: Buffer) => data.length > 12 && data.subarray(4, 8).toString('latin1') === 'ftyp';
const isWebm = (data: Buffer) => data.length > 4 && data.readUInt32BE(0) === 0x1a45dfa3;

const unprocessable = (message: string) => new AppError('unprocessable_image', message);

/**
 * What an uploaded file is, checked against the asset's type: an image is a PNG, JPEG, WebP or AVIF
 * that sharp reads; a video is an MP4, a WebM or an animated WebP (aura's videos). Anything else,
 * empty or over MAX_ASSET_BYTES is refused.
 */
export async function checkAssetFile(type: LibraryAssetType, data: Buffer): Promise<AssetFile> {
  if (!data.length) throw unprocessable('The file is empty');
  if (data.length > MAX_ASSET_BYTES) throw new AppError('payload_too_large', `The file is over ${MAX_ASSET_BYTES / 1024 / 1024} MB, the most a library asset may be`);
  if (type === 'video' && isMp4(data)) return { mimeType: 'video/mp4', format: 'mp4', width: null, height: null, bytes: data.length };
  if (type === 'video' && isWebm(data)) return { mimeType: 'video/webm', format: 'webm', width: null, height: null, bytes: data.length };
  const meta = await sharp(data, { limitInputPixels: MAX_PIXELS }).metadata().catch(() => null);
  const known = meta?.format ? IMAGE_FORMATS[meta.format] : undefined;
  if (!meta || !known || !meta.width || !meta.height) {
    throw unprocessable(type === 'image' ? 'The file is not a PNG, JPEG, WebP or AVIF image' : 'The file is not an MP4, WebM or animated WebP video');
  }
  const animated = (meta.pages ?? 1) > 1;
  if (type === 'video' && !(animated && known.format === 'webp')) throw unprocessable('The file is not an MP4, WebM or animated WebP video');
  // An animated file's height is every frame's, stacked; pageHeight is one frame's.
  return { ...known, width: meta.width, height: animated ? (meta.pageHeight ?? meta.height) : meta.height, bytes: data.length };
}
