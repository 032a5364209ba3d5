import { isIP } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import sharp from 'sharp';
import { AppError } from '../common/errors/app-error';
import { isPublicAddress } from '../common/net/address-policy';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Image, IMAGE_MIME_TYPES } from '../images/image.entity';
import { ImagesRepository } from '../images/images.repository';
import { SourceDownloader } from '../images/source-downloader';
import type { Job } from '../jobs/job.entity';
import type { PublishableImage } from '../plugins/channel-catalogue';
import type { RegisteredChannel } from '../plugins/plugin-registry';
import { FileStore } from '../storage/file-store';
import { evaluateSlot, type SlotReport } from '../studio/compliance/evaluate-slot';
import { measureImage, metricsOf } from '../studio/compliance/measure-image';
import type { MarketplaceSlotDto } from '../studio/marketplaces/marketplace-pack.dto';
import { StepClock, StudioInputError, type EncodedImage } from '../studio/pipeline/studio-pipeline';
import { StudioRunners } from '../studio/operations/studio-runners';
import type { ChannelPublishRecord } from './channel-publish.entity';
import { ChannelPublishesRepository } from './channel-publishes.repository';

const EXTENSION: Record<string, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', avif: 'avif', gif: 'gif', tiff: 'tif' };
/** A store fetching the image by its link gets this long to do it (Amazon may take a while). */
const LINK_TTL_SECONDS = 24 * 3600;

/** What a publish job holds beside its activity entry. */
export interface PublishJobInput {
  publishId: string;
  variantExternalId?: string;
  /** With compliance fix, for a source the request found failing: the pack slot to fix it to. */
  packSlot?: string;
  /** The store image's URL, when one is the source. */
  sourceUrl?: string;
  /** The organisation's plan bounds when it was asked. */
  pixelLimit: number;
  maxSourceBytes: number;
  /** Credits reserved: the fix's price when the source needs one, captured when the job completes. */
  price: number;
  /** A store image's verdict from the scan after the last sync, taken instead of a check in the request. */
  scanned?: 'passing' | 'failing';
}

/** A source read: its bytes, and the gallery image they are when it is one. */
export interface PublishSource {
  data: Buffer;
  image?: Image;
}

/** Whether a store could fetch a link from the internet: https, on a host that is neither local nor private. */
export function isPublicHttpsUrl(raw: string): boolean {
  const url = new URL(raw);
  if (url.protocol !== 'https:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(host)) return isPublicAddress(host);
  return host.includes('.') && !/(^|\.)localhost$|\.(local|internal|lan|home\.arpa)$/.test(host);
}

/** 422 compliance_failed: what fails, with the report in the details. */
export function complianceFailed(what: string, report: SlotReport): AppError {
  const failing = report.rules.filter((r) => !r.pass && r.severity === 'error').map((r) => `${r.id} (measured ${r.measured}, ${r.comparison} ${JSON.stringify(r.expected)})`);
  return new AppError('compliance_failed', `${what} fails ${report.slot}: ${failing.join('; ')}. Publish with compliance "fix" to fix it first, or "skip" not to check`, { report });
}

/**
 * The compliance gate of a publish and its source: whether a store fetching links can reach
 * Darkroom's, the source's bytes (a gallery image, or the product's own image downloaded through the
 * private-address guard), its check against the connection's pack slot, and, in the job, the fix on
 * the studio's worker threads, stored as a gallery image before it is sent.
 */
@Injectable()
export class ChannelPublishGate {
  constructor(
    private readonly images: ImagesRepository,
    private readonly files: FileStore,
    private readonly downloads: SourceDownloader,
    private readonly runners: StudioRunners,
    private readonly publishes: ChannelPublishesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * 409 public_url_required for a store that fetches images by their link (Amazon) while the links
   * Darkroom hands out could not be fetched from the internet: every file link, whatever the storage,
   * is served under PUBLIC_URL. An installation that allows private addresses (ALLOW_PRIVATE_URLS)
   * talks to stores on its own network, which can reach its private links: the fakes, a staging store.
   */
  requirePublicLinks(channel: RegisteredChannel): void {
    if (!channel.metadata.fetchesImageLinks || this.config.allowPrivateUrls || isPublicHttpsUrl(this.config.publicUrl)) return;
    throw new AppError(
      'public_url_required',
      `${channel.metadata.name} downloads each image from its link, which must be public HTTPS; links here start ${this.config.publicUrl}: set PUBLIC_URL to this server's public https origin`,
      { channel: channel.metadata.id, publicUrl: this.config.publicUrl },
    );
  }

  /** The source's bytes: the organisation's gallery image, or the store's image downloaded (within the plan's bytes). */
  async read(orgId: string, source: { imageId: string; endUserId?: string } | { url: string }, maxBytes: number): Promise<PublishSource> {
    if ('url' in source) return { data: await this.downloads.fetch(source.url, 'sourceImageExternalId', maxBytes) };
    const image = await this.images.getInOrg(orgId, source.imageId, source.endUserId);
    const data = image ? await this.files.get(image.storageKey) : null;
    if (!image || !data) throw AppError.notFound('Image');
    return { data, image };
  }

  /** The source held against the pack slot, in the request (as POST /compliance does). */
  async check(source: Buffer, slot: MarketplaceSlotDto, pixelLimit: number): Promise<SlotReport> {
    return evaluateSlot(slot, await measureImage(source, pixelLimit, metricsOf([slot])));
  }

  /**
   * In the job: what to send for a publish. A fix already made (a retry) is sent again as it is.
   * With fix, a source the request found failing is fixed to the pack slot on the studio's worker
   * threads and stored as a gallery image of the job (its id and reports recorded on the entry in the
   * same transaction); a fixed image that still fails ends the job. null: a store image would go
   * unchanged into its own place, so there is nothing to send.
   */
  async imageFor(record: ChannelPublishRecord, input: PublishJobInput, job: Job, signal: AbortSignal): Promise<PublishableImage | null> {
    if (record.fixedImageId) return this.galleryImage(await this.read(record.orgId, { imageId: record.fixedImageId }, input.maxSourceBytes));
    const before = record.report?.before;
    const fails = before ? !before.pass : input.scanned === 'failing';
    const fixing = record.compliance === 'fix' && fails && input.packSlot !== undefined;
    if (!fixing && record.sourceImageExternalId !== null && record.replaceImageExternalId === record.sourceImageExternalId) return null;
    const source = await this.read(record.orgId, record.imageId ? { imageId: record.imageId } : { url: input.sourceUrl! }, input.maxSourceBytes);
    if (fixing) {
      const fixed = await this.fix(job, source.data, input, signal);
      // Taken on the scan's word, the source is reported as the fix found it.
      const reports = { before: before ?? fixed.before, after: fixed.report };
      if (!fixed.report.pass || !fixed.image) {
        await this.publishes.update(record.orgId, record.id, { report: reports });
        throw complianceFailed('The fixed image', fixed.report);
      }
      return this.galleryImage(await this.storeFix(record, job, fixed.image, reports));
    }
    return source.image ? this.galleryImage(source) : this.storeImage(source.data, input.sourceUrl!, record.sourceImageExternalId!);
  }

  /** The studio's compliance operation with fix, on its worker threads: the fixed image and its report. */
  private async fix(job: Job, source: Buffer, input: PublishJobInput, signal: AbortSignal): Promise<{ before: SlotReport; report: SlotReport; image?: EncodedImage }> {
    const options = { slots: [input.packSlot], fix: true };
    try {
      const outcome = await this.runners.run('compliance', {
        jobId: job.id, orgId: job.orgId, attempt: job.attempts, test: job.test, source, signal, clock: new StepClock(), previousCheckpoint: null,
        input: { options, sources: [], pixelLimit: input.pixelLimit, price: input.price },
        checkpoint: () => Promise.reject(new Error('a compliance fix has no remote work to checkpoint')),
      });
      return { before: outcome.report.sourceCompliance![0], report: outcome.report.compliance![0], image: outcome.image };
    } catch (err) {
      throw err instanceof StudioInputError ? new AppError('unprocessable_image', err.message) : err;
    }
  }

  private async storeFix(record: ChannelPublishRecord, job: Job, fixed: EncodedImage, report: { before: SlotReport; after: SlotReport }): Promise<PublishSource> {
    // Keyed by attempt, as the studio keys its outputs: a run after a crash never touches another run's file.
    const storageKey = `images/${job.orgId}/${job.id}-${job.attempts}-0`;
    await this.files.put(storageKey, fixed.data);
    const image = Object.assign(new Image(), {
      orgId: job.orgId, jobId: job.id, storageKey, format: fixed.format, width: fixed.width, height: fixed.height, bytes: fixed.data.length,
      prompt: '', style: null, provider: 'studio', model: 'compliance', seed: 0, createdBy: job.createdBy, endUserId: job.endUserId,
    });
    await this.publishes.recordFix(record, image, report);
    return { data: fixed.data, image };
  }

  private galleryImage({ data, image }: PublishSource): PublishableImage {
    const extension = EXTENSION[image!.format] ?? image!.format;
    return {
      data, mimeType: IMAGE_MIME_TYPES[image!.format] ?? 'application/octet-stream', width: image!.width, height: image!.height,
      filename: `${image!.id}.${extension}`, url: this.files.link(image!.id, LINK_TTL_SECONDS, EXTENSION[image!.format]).url,
    };
  }

  /** The store's own image sent back as it is: its link is where the store serves it. */
  private async storeImage(data: Buffer, url: string, externalId: string): Promise<PublishableImage> {
    const meta = await sharp(data).metadata();
    const format = meta.format === 'heif' ? (meta.compression === 'av1' ? 'avif' : 'heic') : meta.format;
    return {
      data, mimeType: IMAGE_MIME_TYPES[format] ?? `image/${format}`, width: meta.width, height: meta.height,
      filename: `${externalId.replace(/[^\w-]/g, '_')}.${EXTENSION[format] ?? format}`, url,
    };
  }
}
