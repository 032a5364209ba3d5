import { Inject, type OnModuleInit } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import sharp from 'sharp';
import { AppError } from '../common/errors/app-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { Plan } from '../config/plans';
import type { Image } from '../images/image.entity';
import { ImageOutputs } from '../images/image-outputs';
import { ImagesRepository } from '../images/images.repository';
import { JobEvents } from '../jobs/job-events';
import { JobHandler, JobOutputReader, TransientJobError, type JobResult, type JobRun } from '../jobs/job-handler';
import { JobOperation, type PreparedJob } from '../jobs/job-operation';
import type { Job } from '../jobs/job.entity';
import type { ChannelCallContext, ChannelConnection } from '../plugins/channel-connection';
import type { ChannelImage, PublishableImage, PublishImageInput, PublishResult } from '../plugins/channel-catalogue';
import type { RegisteredChannel } from '../plugins/plugin-registry';
import type { SlotReport } from '../studio/compliance/evaluate-slot';
import type { MarketplaceSlotDto } from '../studio/marketplaces/marketplace-pack.dto';
import { readableEndUser } from '../tenancy/end-user';
import { OrgDirectory } from '../tenancy/org-directory';
import { isTestKey, orgIdOf, principalId, type RequestAuth } from '../tenancy/principal';
import { ChannelCalls, channelJobError } from './channel-calls';
import type { ChannelConnectionRecord } from './channel-connection.entity';
import { ChannelConnectionsRepository } from './channel-connections.repository';
import type { ChannelProductRecord } from './channel-product.entity';
import { ChannelProductsRepository } from './channel-products.repository';
import { ChannelPublishGate, complianceFailed, type PublishJobInput } from './channel-publish-gate';
import { ChannelPublishRecord, type PublishComplianceMode } from './channel-publish.entity';
import { PublishDto, type ActivityDto, type ActivityPageDto, type ActivityQueryDto, type PlanComplianceDto, type PublishPlanDto } from './channel-publish.dto';
import { ChannelRulePacks, channelSlotAt } from './channel-rule-packs';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../common/pagination';
import { ChannelPublishesRepository } from './channel-publishes.repository';

export const PUBLISH_JOB_TYPE = 'channels.publish';
/** How long a run follows a pending publish before leaving it to the next run (which resumes from the checkpoint). */
const PENDING_FOLLOW_MS = 60_000;
const PENDING_POLL_MS = 1_000;

const invalid = (field: string, message: string) => new AppError('validation_failed', message, { fields: [{ field, messages: [message] }] });

export const TEST_KEYS_NEVER_PUBLISH = 'test keys never publish';

/** A test key's publish, bulk fix or listing is answered as its dry run, saying why: nothing it asks reaches a store. */
export function testKeyDryRun(auth: RequestAuth): { dryRun?: true; reason?: string } {
  return isTestKey(auth.principal) ? { dryRun: true, reason: TEST_KEYS_NEVER_PUBLISH } : {};
}

interface Resolved {
  connection: ChannelConnectionRecord;
  channel: RegisteredChannel;
  product: ChannelProductRecord;
  variantExternalId?: string;
  /** The source: a gallery image, or one of the product's store images. */
  image?: Image;
  storeImage?: ChannelImage;
  slot: string;
  mode: PublishComplianceMode;
  /** The pack slot checking the target slot; null when nothing is checked (skip, or a connection without a pack). */
  packSlot: MarketplaceSlotDto | null;
  plan: Plan;
}

/**
 * Publishing an image to a store's product, as a job (`channels.publish`, scope channels:publish).
 * The source, a gallery image or one of the product's store images, is held against the
 * connection's rule pack first: refused in the request, fixed in the job (the fix's price reserved,
 * charged only when a fix was made), or not checked. The activity entry is written with the job,
 * marked as the job sends, and always given its final state; a publish the store processes later is
 * followed through checkPublish, also by a run after a restart (its reference is the job's
 * checkpoint), and a fix already made is reused, so a retry never sends or fixes twice.
 */
@JobHandler(PUBLISH_JOB_TYPE)
@JobOutputReader(PUBLISH_JOB_TYPE)
export class ChannelPublishing implements JobHandler, JobOutputReader, OnModuleInit {
  constructor(
    private readonly calls: ChannelCalls,
    private readonly connections: ChannelConnectionsRepository,
    private readonly products: ChannelProductsRepository,
    private readonly publishes: ChannelPublishesRepository,
    private readonly images: ImagesRepository,
    private readonly gate: ChannelPublishGate,
    private readonly rulePacks: ChannelRulePacks,
    private readonly outputs: ImageOutputs,
    private readonly orgs: OrgDirectory,
    private readonly events: JobEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.events.onFinished(
      async (job, status) => {
        if (status === 'completed') return;
        const record = await this.publishes.getByJob(job.id);
        if (!record || record.status === 'published' || record.status === 'failed') return;
        await this.publishes.update(record.orgId, record.id, { status: 'failed', ...(status === 'canceled' ? { error: { code: 'canceled', message: 'The publish was cancelled' } } : {}) });
      },
      (_job, status) => status !== 'completed',
    );
  }

  /** What a publish would send and what the gate would do, checked as a real one is, with nothing sent or recorded. */
  async plan(auth: RequestAuth, dto: PublishDto): Promise<PublishPlanDto> {
    const r = await this.resolve(auth, dto);
    const source = await this.gate.read(r.connection.orgId, this.sourceOf(auth, r), r.plan.maxSourceBytes);
    const report = await this.reportOf(r, source.data);
    const facts = source.image ?? { ...(await sharp(source.data).metadata()), bytes: source.data.length };
    const compliance: PlanComplianceDto = { mode: r.mode, report, outcome: !report || report.pass ? 'publish' : r.mode === 'fix' ? 'fix' : 'refuse' };
    return {
      connectionId: r.connection.id, channel: r.connection.channel, productExternalId: r.product.externalId, productTitle: r.product.title,
      ...(r.variantExternalId ? { variantExternalId: r.variantExternalId } : {}), slot: r.slot,
      ...(dto.position !== undefined ? { position: dto.position } : {}), ...(this.replaced(dto) !== null ? { replaceImageId: this.replaced(dto)! } : {}),
      ...(dto.alt !== undefined ? { alt: dto.alt } : {}),
      ...(r.image ? { imageId: r.image.id } : { sourceImageExternalId: r.storeImage!.externalId }),
      width: facts.width!, height: facts.height!, format: facts.format!, bytes: facts.bytes!, compliance, ...testKeyDryRun(auth),
    };
  }

  @JobOperation({ name: PUBLISH_JOB_TYPE, dto: PublishDto, scope: 'channels:publish', units: () => 0 })
  async prepare(auth: RequestAuth, dto: PublishDto, job: Job): Promise<PreparedJob> {
    if (dto.dryRun) throw invalid('dryRun', 'dryRun is answered by POST /api/v1/channels/publish, not as a job');
    if (job.test) throw invalid('operation', `${TEST_KEYS_NEVER_PUBLISH}: POST /api/v1/channels/publish answers a test key with a dry run`);
    const r = await this.resolve(auth, dto);
    // A store image the scan checked against this pack slot is fixed or not by the scan's verdict (a bulk fix
    // queues hundreds: none is downloaded in the request; the job's fix reports the source as it finds it).
    // Otherwise the source is checked in the request, as POST /compliance checks: refuse answers at once,
    // and fix reserves its price only for a source that fails.
    const scanned = r.mode === 'fix' && r.storeImage && r.packSlot ? scanVerdict(r.product, r.storeImage, r.packSlot.id) : null;
    const report = r.packSlot && !scanned ? await this.reportOf(r, (await this.gate.read(r.connection.orgId, this.sourceOf(auth, r), r.plan.maxSourceBytes)).data) : null;
    if (report && !report.pass && r.mode === 'refuse') throw complianceFailed(r.image ? 'The image' : `The store image ${r.storeImage!.externalId}`, report);
    const fixes = r.mode === 'fix' && (scanned ? scanned === 'failing' : report !== null && !report.pass);
    const price = fixes ? this.config.studio.prices.complianceFix : 0;
    const record = Object.assign(new ChannelPublishRecord(), {
      orgId: r.connection.orgId, connectionId: r.connection.id, productExternalId: r.product.externalId, productTitle: r.product.title,
      imageId: r.image?.id ?? null, sourceImageExternalId: r.storeImage?.externalId ?? null, compliance: r.mode, report: report && { before: report },
      slot: r.slot, position: dto.position ?? null, replaceImageExternalId: this.replaced(dto), alt: dto.alt ?? null, jobId: job.id, createdBy: principalId(auth.principal),
    });
    const input: PublishJobInput = {
      publishId: record.id, ...(r.variantExternalId ? { variantExternalId: r.variantExternalId } : {}), ...(fixes ? { packSlot: r.packSlot!.id } : {}),
      ...(r.storeImage ? { sourceUrl: r.storeImage.url } : {}), ...(scanned ? { scanned } : {}), pixelLimit: r.plan.maxSourcePixels, maxSourceBytes: r.plan.maxSourceBytes, price,
    };
    job.input = input as unknown as Record<string, unknown>;
    return { price, reason: `publish to ${r.connection.channel} connection ${r.connection.name}${fixes ? ', fixed first' : ''}`, alsoWrite: [record] };
  }

  async run({ job, signal, previousCheckpoint, checkpoint }: JobRun): Promise<JobResult> {
    const record = await this.publishes.getByJob(job.id);
    if (!record) throw new Error(`job ${job.id} has no publish entry`);
    const input = job.input as unknown as PublishJobInput;
    const connection = await this.connections.getInOrg(record.orgId, record.connectionId);
    if (!connection || connection.status === 'disabled') {
      await this.publishes.update(record.orgId, record.id, { error: { code: 'conflict', message: 'The connection was disabled or deleted' } });
      throw channelJobError(new AppError('conflict', 'The connection was disabled or deleted'));
    }
    try {
      let result: PublishResult;
      if (previousCheckpoint) {
        result = { status: 'pending', externalRef: previousCheckpoint };
      } else {
        const image = await this.gate.imageFor(record, input, job, signal);
        // A store image that would go unchanged into its own place stays there: nothing to send.
        if (!image) result = { status: 'done', externalImageId: record.sourceImageExternalId! };
        else result = await this.send(record, connection, input.variantExternalId, image, checkpoint);
      }
      const externalImageId = await this.follow(record, connection, result, signal);
      await this.publishes.update(record.orgId, record.id, { status: 'published', externalImageId, error: null });
      return { persist: [], cost: input.price };
    } catch (err) {
      const failure = err instanceof TransientJobError ? err : channelJobError(err);
      const code = (failure as { code?: string }).code ?? 'channel_unavailable';
      await this.publishes.update(record.orgId, record.id, { error: { code, message: failure.message } });
      throw failure;
    }
  }

  /** The image a fix made, as the job's output. */
  outputsOf(jobs: Job[]): Promise<Map<string, object[]>> {
    return this.outputs.outputsOf(jobs);
  }

  /** The publish entry of each job, as JobDto.report shows it. */
  async reportsOf(jobs: Job[]): Promise<Map<string, Record<string, unknown>>> {
    if (!jobs.length) return new Map();
    return new Map((await this.publishes.ofJobs(jobs)).map((r) => [r.jobId, {
      publishId: r.id, status: r.status, externalImageId: r.externalImageId,
      ...(r.report ? { compliance: r.report } : {}), ...(r.fixedImageId ? { fixedImageId: r.fixedImageId } : {}),
    }]));
  }

  describe(record: ChannelPublishRecord): ActivityDto {
    return {
      id: record.id, connectionId: record.connectionId, productExternalId: record.productExternalId, productTitle: record.productTitle, imageId: record.imageId,
      sourceImageExternalId: record.sourceImageExternalId, compliance: record.compliance, report: record.report, fixedImageId: record.fixedImageId,
      slot: record.slot, position: record.position, replaceImageExternalId: record.replaceImageExternalId, status: record.status, externalImageId: record.externalImageId,
      attempts: record.attempts, error: record.error, jobId: record.jobId, createdBy: record.createdBy, createdAt: record.createdAt.toISOString(), updatedAt: record.updatedAt.toISOString(),
    };
  }

  /** Sends the image once: the entry is marked sending first, and a pending answer is checkpointed before anything else. */
  private async send(record: ChannelPublishRecord, connection: ChannelConnectionRecord, variantExternalId: string | undefined, image: PublishableImage, checkpoint: (ref: string) => Promise<void>): Promise<PublishResult> {
    await this.publishes.update(record.orgId, record.id, { status: 'sending', attempts: record.attempts + 1 });
    const input: PublishImageInput = {
      productExternalId: record.productExternalId,
      slot: record.slot,
      ...(variantExternalId ? { variantExternalId } : {}),
      ...(record.position !== null ? { position: record.position } : {}),
      ...(record.alt !== null ? { alt: record.alt } : {}),
      ...(record.replaceImageExternalId !== null ? { replaceImageExternalId: record.replaceImageExternalId } : {}),
      image,
    };
    const result = await this.calls.run(connection, 'publishImage', (channel, conn, ctx) => channel.plugin.publishImage(conn, input, ctx));
    if (result.status === 'pending') {
      await this.publishes.update(record.orgId, record.id, { status: 'pending' });
      if (result.externalRef.length <= 255) await checkpoint(result.externalRef);
    }
    return result;
  }

  /** Follows a pending publish to its end for a while; past it, a later run goes on from the checkpoint. */
  private async follow(record: ChannelPublishRecord, connection: ChannelConnectionRecord, result: PublishResult, signal: AbortSignal): Promise<string> {
    const until = Date.now() + PENDING_FOLLOW_MS;
    let current = result;
    while (current.status === 'pending') {
      if (Date.now() > until) throw new TransientJobError('channel_unavailable', 'The store is still processing the image; it is checked again later');
      await delay(PENDING_POLL_MS, undefined, { signal });
      const ref = current.externalRef;
      current = await this.calls.run(connection, 'checkPublish', (channel, conn, ctx) => this.check(channel, conn, ref, ctx));
    }
    return current.externalImageId;
  }

  private check(channel: RegisteredChannel, connection: ChannelConnection, ref: string, ctx: ChannelCallContext): Promise<PublishResult> {
    if (!channel.plugin.checkPublish) throw new Error(`${channel.metadata.id} answered pending but has no checkPublish`);
    return channel.plugin.checkPublish(connection, ref, ctx);
  }

  private async resolve(auth: RequestAuth, dto: PublishDto): Promise<Resolved> {
    const orgId = orgIdOf(auth);
    const connection = await this.connections.getInOrg(orgId, dto.connectionId);
    if (!connection) throw AppError.notFound('Connection');
    if (connection.status !== 'active') throw new AppError('conflict', connection.status === 'disabled' ? 'The connection is disabled: enable it first' : `The connection needs attention: ${connection.lastError ?? 'test it again'}`);
    const channel = this.calls.plugin(connection.channel);
    this.gate.requirePublicLinks(channel);
    if ((dto.imageId === undefined) === (dto.sourceImageExternalId === undefined)) throw invalid('imageId', 'give imageId or sourceImageExternalId, one of them');
    const { product, variantExternalId } = await this.product(orgId, connection.id, dto);
    let image: Image | undefined;
    let storeImage: ChannelImage | undefined;
    if (dto.imageId !== undefined) {
      image = (await this.images.getInOrg(orgId, dto.imageId, readableEndUser(auth))) ?? undefined;
      if (!image) throw AppError.notFound('Image');
    } else {
      storeImage = product.images.find((i) => i.externalId === dto.sourceImageExternalId);
      if (!storeImage) throw AppError.notFound(`Image ${dto.sourceImageExternalId} on the product (sync the connection first)`);
    }
    const slot = dto.slot ?? (storeImage ? channelSlotAt(channel, storeImage.position)!.id : 'main');
    if (!channel.metadata.imageSlots.some((s) => s.id === slot)) throw invalid('slot', `slot must be one of: ${channel.metadata.imageSlots.map((s) => s.id).join(', ')}`);
    const mode = dto.compliance ?? 'refuse';
    const packSlot = mode === 'skip' ? null : this.rulePacks.slotFor(connection.rulePack, slot);
    return { connection, channel, product, variantExternalId, image, storeImage, slot, mode, packSlot, plan: await this.orgs.planOf(orgId) };
  }

  /** The source held against the pack slot checking the target slot; null when nothing is checked. */
  private reportOf(r: Resolved, source: Buffer): Promise<SlotReport | null> {
    return r.packSlot ? this.gate.check(source, r.packSlot, r.plan.maxSourcePixels) : Promise.resolve(null);
  }

  private sourceOf(auth: RequestAuth, r: Resolved): { imageId: string; endUserId?: string } | { url: string } {
    return r.image ? { imageId: r.image.id, endUserId: readableEndUser(auth) } : { url: r.storeImage!.url };
  }

  /** The store image published in place of: the one asked, else the store image that is the source. */
  private replaced(dto: PublishDto): string | null {
    return dto.replaceImageId ?? dto.sourceImageExternalId ?? null;
  }

  private async product(orgId: string, connectionId: string, dto: PublishDto): Promise<{ product: ChannelProductRecord; variantExternalId?: string }> {
    if ((dto.productId === undefined) === (dto.sku === undefined)) throw invalid('productId', 'give productId or sku, one of them');
    if (dto.productId !== undefined) {
      const product = await this.products.getInConnection(orgId, connectionId, dto.productId);
      if (!product) throw AppError.notFound('Product');
      return { product };
    }
    const found = await this.products.withSku(orgId, connectionId, dto.sku!);
    if (!found.length) throw AppError.notFound('Product with that SKU (sync the connection first)');
    if (found.length > 1) throw new AppError('conflict', `The SKU ${dto.sku} is on ${found.length} products: give productId`);
    const variant = found[0].variants.find((v) => v.sku?.toLowerCase() === dto.sku!.toLowerCase());
    return { product: found[0], variantExternalId: variant?.externalId };
  }

  /** A page of the organisation's publishes, newest first. */
  async activity(orgId: string, query: ActivityQueryDto): Promise<ActivityPageDto> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.publishes.page(orgId, { connectionId: query.connectionId, after: decodeCursor(query.cursor), limit: limit + 1 });
    return toPage(rows, limit, (row) => this.describe(row));
  }
}

/** The scan's verdict on a product's store image against a pack slot, when it checked this very image (same URL) against it. */
function scanVerdict(product: ChannelProductRecord, image: ChannelImage, packSlot: string): 'passing' | 'failing' | null {
  const entry = product.compliance.find((e) => e.imageExternalId === image.externalId && e.url === image.url && e.packSlot === packSlot);
  return entry?.state === 'passing' || entry?.state === 'failing' ? entry.state : null;
}
