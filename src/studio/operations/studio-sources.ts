import { Injectable } from '@nestjs/common';
import sharp from 'sharp';
import { AppError } from '../../common/errors/app-error';
import type { Plan } from '../../config/plans';
import { ImagesRepository } from '../../images/images.repository';
import { base64Source, decodesInFull } from '../../images/source-image';
import { SourceDownloader } from '../../images/source-downloader';
import { FileStore } from '../../storage/file-store';
import { readableEndUser } from '../../tenancy/end-user';
import { OrgDirectory } from '../../tenancy/org-directory';
import { orgIdOf, type RequestAuth } from '../../tenancy/principal';
import type { StudioImageDto } from './studio-image.dto';

/** What the studio reads: the formats product photos come in. SVG and other vector or document formats are refused. */
const FORMATS = new Set(['jpeg', 'png', 'webp', 'tiff', 'gif']);
const TAKEN = 'JPEG, PNG, WebP, AVIF, TIFF or GIF';

/** A source once read and checked: its bytes, upright size and format. */
export interface SourceFacts {
  bytes: Buffer;
  width: number;
  height: number;
  format: string;
}

const invalid = (field: string, message: string) => new AppError('validation_failed', message, { fields: [{ field, messages: [message] }] });
const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/**
 * Reads a studio source and holds it to the organisation's plan before a pixel is decoded: bytes
 * (413), then the pixels its header declares (413: a decompression bomb stops here), then the format
 * (422), and only then decodes every pixel, so a truncated or corrupt file is refused (422) before
 * anything is stored, queued or charged.
 */
@Injectable()
export class StudioSources {
  constructor(
    private readonly images: ImagesRepository,
    private readonly files: FileStore,
    private readonly downloads: SourceDownloader,
    private readonly orgs: OrgDirectory,
  ) {}

  /**
   * The caller's source, held to its organisation's plan, which comes back with it. A credential that
   * reads one end user's images takes only theirs from the gallery.
   */
  async read(auth: RequestAuth, source: StudioImageDto, field = 'image'): Promise<{ source: SourceFacts; plan: Plan }> {
    const orgId = orgIdOf(auth);
    const plan = await this.orgs.planOf(orgId);
    const given = [source.data !== undefined, source.imageId !== undefined, source.url !== undefined].filter(Boolean).length;
    if (given !== 1) throw invalid(field, `${field} takes exactly one of data (base64), imageId or url`);
    let bytes: Buffer;
    if (source.url !== undefined) {
      bytes = await this.downloads.fetch(source.url, `${field}.url`, plan.maxSourceBytes);
    } else if (source.imageId !== undefined) {
      const image = await this.images.getInOrg(orgId, source.imageId, readableEndUser(auth));
      const stored = image ? await this.files.get(image.storageKey) : null;
      if (!stored) throw AppError.notFound('Source image');
      bytes = stored;
    } else {
      bytes = base64Source(source.data, plan.maxSourceBytes, 0, field);
    }
    if (bytes.length > plan.maxSourceBytes) {
      throw new AppError('payload_too_large', `${field} is ${mb(bytes.length)}, over the ${plan.name} plan's ${mb(plan.maxSourceBytes)}`, { maxSourceBytes: plan.maxSourceBytes });
    }
    return { source: { bytes, ...(await checkStudioSource(bytes, plan, field)) }, plan };
  }
}

/** The checks of read() on bytes already in hand. */
async function checkStudioSource(bytes: Buffer, plan: Pick<Plan, 'name' | 'maxSourcePixels'>, field = 'image'): Promise<Omit<SourceFacts, 'bytes'>> {
  const refuse = (why: string) => new AppError('unprocessable_image', `${field} ${why}`, { field });
  const meta = await sharp(bytes).metadata().catch(() => {
    throw refuse(`is not an image we can read: send ${TAKEN}`);
  });
  const isAvif = meta.format === 'heif' && meta.compression === 'av1';
  if (!FORMATS.has(meta.format) && !isAvif) throw refuse(`is in ${meta.format === 'heif' ? 'HEIC' : meta.format.toUpperCase()} format; send ${TAKEN}`);
  const pixels = meta.width * meta.height;
  if (pixels > plan.maxSourcePixels) {
    throw new AppError('payload_too_large', `${field} is ${meta.width}x${meta.height}, over the ${plan.name} plan's ${plan.maxSourcePixels / 1e6} megapixels`, { maxSourcePixels: plan.maxSourcePixels });
  }
  if (!(await decodesInFull(bytes, plan.maxSourcePixels))) throw refuse(`could not be decoded: the ${isAvif ? 'AVIF' : meta.format.toUpperCase()} file is cut short or corrupt`);
  // EXIF orientations 5 to 8 turn the image a quarter: its upright size swaps width and height.
  const turned = (meta.orientation ?? 1) >= 5;
  return { width: turned ? meta.height : meta.width, height: turned ? meta.width : meta.height, format: isAvif ? 'avif' : meta.format };
}
