import { Injectable } from '@nestjs/common';
import { SourceDownloader } from '../images/source-downloader';
import type { ChannelImage } from '../plugins/channel-catalogue';
import type { RegisteredChannel } from '../plugins/plugin-registry';
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

export interface ScanRun {
  signal: AbortSignal;
  progress(done: number, total: number | null): Promise<void>;
}

interface ScanContext {
  record: ChannelConnectionRecord;
  channel: RegisteredChannel;
  maxBytes: number;
  pixelLimit: number;
  signal: AbortSignal;
}

/**
 * The compliance scan after a sync: every unchecked product of a connection has each image it has
 * no entry for downloaded (through the private-address guard, within the plan's source size) and
 * held against the rule pack slot its position falls in, on the studio's worker threads. An image
 * that cannot be downloaded or read is an `error` entry; it never fails the sync.
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

  /** Scans the connection's unchecked products; nothing when it has no rule pack (they stay unchecked). Returns the images checked. */
  async run(record: ChannelConnectionRecord, channel: RegisteredChannel, run: ScanRun): Promise<number> {
    if (!this.rulePacks.pack(record.rulePack)) return 0;
    const plan = await this.orgs.planOf(record.orgId);
    const ctx: ScanContext = { record, channel, maxBytes: plan.maxSourceBytes, pixelLimit: plan.maxSourcePixels, signal: run.signal };
    const total = await this.imagesToCheck(record);
    let done = 0;
    await run.progress(0, total);
    for (let after: string | null = null; ; ) {
      const batch = await this.products.uncheckedAfter(record.orgId, record.id, after, BATCH_SIZE);
      if (!batch.length) break;
      after = batch[batch.length - 1].id;
      const work = batch.flatMap((product) => uncheckedImages(product.images, product.compliance).map((image) => ({ product, image })));
      const found = await inParallel(work, CONCURRENCY, async ({ image }) => {
        const entry = await this.check(image, ctx);
        await run.progress(++done, Math.max(total, done));
        return entry;
      });
      run.signal.throwIfAborted();
      await Promise.all(batch.map((product) => this.save(product, work.flatMap((w, i) => (w.product === product ? [found[i]] : [])))));
    }
    return done;
  }

  /** Images the unchecked products have no entry for, read ahead of the scan for its progress. */
  private async imagesToCheck(record: ChannelConnectionRecord): Promise<number> {
    let total = 0;
    for (let after: string | null = null; ; ) {
      const batch = await this.products.uncheckedAfter(record.orgId, record.id, after, BATCH_SIZE * 10);
      if (!batch.length) return total;
      after = batch[batch.length - 1].id;
      for (const product of batch) total += uncheckedImages(product.images, product.compliance).length;
    }
  }

  private save(product: UncheckedProduct, found: ImageCompliance[]): Promise<boolean> {
    const position = new Map(product.images.map((image) => [image.externalId, image.position]));
    const entries = [...keptEntries(product.images, product.compliance), ...found].sort((a, b) => (position.get(a.imageExternalId) ?? 0) - (position.get(b.imageExternalId) ?? 0));
    return this.products.saveCompliance(product, entries, complianceStateOf(product.images, entries, true));
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
      const result = await this.workers.run({ operation: 'compliance', source, options: {}, pixelLimit: ctx.pixelLimit, slots: [slot] }, ctx.signal);
      if (result.refused) return failed(result.refused.message);
      const [report] = result.report.compliance ?? [];
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
