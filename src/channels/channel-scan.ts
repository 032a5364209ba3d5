import { Injectable } from '@nestjs/common';
import { SourceDownloader } from '../images/source-downloader';
import type { ChannelImage } from '../plugins/channel-catalogue';
import type { RegisteredChannel } from '../plugins/plugin-registry';
import { evaluateSlot, type SlotReport } from '../studio/compliance/evaluate-slot';
import { measureImage, metricsOf, needsPixels } from '../studio/compliance/measure-image';
import type { MarketplaceSlotDto } from '../studio/marketplaces/marketplace-pack.dto';
import { StudioWorkers } from '../studio/operations/studio-workers';
import { OrgDirectory } from '../tenancy/org-directory';
import type { ChannelConnectionRecord } from './channel-connection.entity';
import type { ImageCompliance } from './channel-product.entity';
import { ChannelProductsRepository, type UncheckedProduct } from './channel-products.repository';
import { ChannelRulePacks } from './channel-rule-packs';
import { complianceStateOf, keptEntries, uncheckedImages } from './product-compliance';

/** Products read, and written back, at a time. */
const BATCH_SIZE = 100;
/** Images downloaded and measured at once: the downloads overlap, the measuring shares the studio's worker threads. */
const CONCURRENCY = 4;

interface ScanContext {
  record: ChannelConnectionRecord;
  channel: RegisteredChannel;
  maxBytes: number;
  pixelLimit: number;
  signal: AbortSignal;
}

/**
 * One connection's scan, begun when its sync begins: it checks the products each page writes while
 * the next page is asked for, so a sync takes about as long as the slower of the two rather than
 * both; `finish` (after the last page) then sweeps what the pages did not reach (a product already
 * synced before keeps its place in id order, behind the cursor) and reports progress in images.
 */
export class CatalogueScan {
  private checked = 0;
  private pagingDone = false;
  private abandoned = false;
  private woken = false;
  private wakeUp: (() => void) | null = null;
  private readonly following: Promise<void>;

  constructor(private readonly scan: ChannelScan, private readonly ctx: ScanContext) {
    // Its failure (an abort, the database) is rethrown by finish(); caught here so it is never unhandled meanwhile.
    const following = this.pass(true);
    following.catch(() => undefined);
    this.following = following;
  }

  /** A page was written: there may be products to check. */
  pageWritten(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** The sync failed: the scan stops after the batch at hand (the next sync checks the rest). */
  abandon(): void {
    this.abandoned = true;
    this.pageWritten();
  }

  /** After the last page: checks what is left, reporting images checked of images to check. Returns the images checked. */
  async finish(progress: (done: number, total: number | null) => Promise<void>): Promise<number> {
    this.pagingDone = true;
    this.pageWritten();
    await this.following;
    const total = this.checked + (await this.scan.imagesToCheck(this.ctx.record));
    await progress(this.checked, total);
    await this.pass(false, () => progress(this.checked, Math.max(total, this.checked)));
    return this.checked;
  }

  /** Goes through unchecked products in id order; `following` waits for more pages until the last is written. */
  private async pass(following: boolean, onImage?: () => Promise<void>): Promise<void> {
    const counted = async () => {
      this.checked++;
      await onImage?.();
    };
    for (let after: string | null = null; !this.abandoned; ) {
      const batch = await this.scan.uncheckedAfter(this.ctx.record, after);
      if (batch.length) {
        after = batch[batch.length - 1].id;
        await this.scan.checkBatch(batch, this.ctx, counted);
        continue;
      }
      if (!following || this.pagingDone) return;
      if (!this.woken) await new Promise<void>((resolve) => (this.wakeUp = resolve));
      this.woken = false;
      this.wakeUp = null;
      this.ctx.signal.throwIfAborted();
    }
  }
}

/**
 * The compliance scan of a sync: every unchecked product of a connection has each image it has no
 * entry for downloaded (through the private-address guard, within the plan's source size) and held
 * against the rule pack slot its position falls in, on the studio's worker threads. An image that
 * cannot be downloaded or read is an `error` entry; it never fails the sync.
 */
@Injectable()
export class ChannelScan {
  constructor(
    private readonly products: ChannelProductsRepository,
    private readonly rulePacks: ChannelRulePacks,
    private readonly workers: StudioWorkers,
    private readonly downloads: SourceDownloader,
    private readonly orgs: OrgDirectory,
  ) {}

  /** The scan of a sync about to page; null when the connection has no rule pack (its products stay unchecked). */
  async begin(record: ChannelConnectionRecord, channel: RegisteredChannel, signal: AbortSignal): Promise<CatalogueScan | null> {
    if (!this.rulePacks.pack(record.rulePack)) return null;
    const plan = await this.orgs.planOf(record.orgId);
    return new CatalogueScan(this, { record, channel, maxBytes: plan.maxSourceBytes, pixelLimit: plan.maxSourcePixels, signal });
  }

  uncheckedAfter(record: ChannelConnectionRecord, after: string | null): Promise<UncheckedProduct[]> {
    return this.products.uncheckedAfter(record.orgId, record.id, after, BATCH_SIZE);
  }

  /** Checks a batch's unchecked images, a few at a time (`onImage` after each), and saves the batch's entries in one transaction. */
  async checkBatch(batch: UncheckedProduct[], ctx: ScanContext, onImage: () => Promise<void>): Promise<void> {
    const work = batch.flatMap((product) => uncheckedImages(product.images, product.compliance).map((image) => ({ product, image })));
    const found = await inParallel(work, CONCURRENCY, async ({ image }) => {
      const entry = await this.check(image, ctx);
      await onImage();
      return entry;
    });
    ctx.signal.throwIfAborted();
    await this.products.saveCompliance(batch.map((product) => this.entriesOf(product, work.flatMap((w, i) => (w.product === product ? [found[i]] : [])))));
  }

  /** Images the unchecked products have no entry for, read ahead of the last pass for its progress. */
  async imagesToCheck(record: ChannelConnectionRecord): Promise<number> {
    let total = 0;
    for (let after: string | null = null; ; ) {
      const batch = await this.products.uncheckedAfter(record.orgId, record.id, after, BATCH_SIZE * 10);
      if (!batch.length) return total;
      after = batch[batch.length - 1].id;
      for (const product of batch) total += uncheckedImages(product.images, product.compliance).length;
    }
  }

  /** A product's entries after the scan: those it kept and those just found, in position order, with its state. */
  private entriesOf(product: UncheckedProduct, found: ImageCompliance[]) {
    const position = new Map(product.images.map((image) => [image.externalId, image.position]));
    const compliance = [...keptEntries(product.images, product.compliance), ...found].sort((a, b) => (position.get(a.imageExternalId) ?? 0) - (position.get(b.imageExternalId) ?? 0));
    return { product, compliance, complianceState: complianceStateOf(product.images, compliance, true) };
  }

  /**
   * The image's report against the slot: rules on the pixels are measured on the studio's worker
   * threads; rules on the header alone (most packs' slots) are read here, which costs less than the
   * trip to a thread.
   */
  private async report(source: Buffer, slot: MarketplaceSlotDto, ctx: ScanContext): Promise<SlotReport | { refused: string }> {
    const metrics = metricsOf([slot]);
    try {
      if (!needsPixels(metrics)) return evaluateSlot(slot, await measureImage(source, ctx.pixelLimit, metrics));
      const result = await this.workers.run({ operation: 'compliance', source, options: {}, pixelLimit: ctx.pixelLimit, slots: [slot] }, ctx.signal);
      return result.refused ? { refused: result.refused.message } : result.report.compliance![0];
    } catch (err) {
      ctx.signal.throwIfAborted();
      return { refused: (err as Error).message };
    }
  }

  /** One image held against its slot; a download or decode failure is an `error` entry. */
  private async check(image: ChannelImage, ctx: ScanContext): Promise<ImageCompliance> {
    const slot = this.rulePacks.slotAt(ctx.record.rulePack, ctx.channel, image.position);
    const entry = { imageExternalId: image.externalId, url: image.url, packSlot: slot?.id ?? '' };
    const failed = (error: string): ImageCompliance => ({ ...entry, state: 'error', failures: [], error, checkedAt: new Date().toISOString() });
    if (!slot) return failed(`The rule pack has no slot for position ${image.position}`);
    try {
      ctx.signal.throwIfAborted();
      const source = await this.downloads.fetch(image.url, 'image', ctx.maxBytes);
      const report = await this.report(source, slot, ctx);
      if ('refused' in report) return failed(`The image could not be read: ${report.refused}`);
      const failures = report.rules.filter((rule) => !rule.pass && rule.severity === 'error').map((rule) => ({ rule: rule.id, message: `${rule.description}: measured ${String(rule.measured)}` }));
      return { ...entry, state: report.pass ? 'passing' : 'failing', failures, checkedAt: new Date().toISOString() };
    } catch (err) {
      ctx.signal.throwIfAborted();
      return failed((err as Error).message.replace(/^image /, 'The image '));
    }
  }
}

/** `fn` over every item, at most `limit` at a time; the results in the items' order. */
async function inParallel<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
