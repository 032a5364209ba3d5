import type { OnModuleInit } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { AppError } from '../common/errors/app-error';
import { IMAGE_MIME_TYPES, type Image } from '../images/image.entity';
import { ImagesRepository } from '../images/images.repository';
import { JobEvents } from '../jobs/job-events';
import { JobHandler, JobOutputReader, TransientJobError, type JobResult, type JobRun } from '../jobs/job-handler';
import { JobOperation, type PreparedJob } from '../jobs/job-operation';
import type { Job } from '../jobs/job.entity';
import type { ChannelCallContext, ChannelConnection } from '../plugins/channel-connection';
import type { PublishImageInput, PublishResult } from '../plugins/channel-catalogue';
import type { RegisteredChannel } from '../plugins/plugin-registry';
import { FileStore } from '../storage/file-store';
import { readableEndUser } from '../tenancy/end-user';
import { orgIdOf, principalId, type RequestAuth } from '../tenancy/principal';
import { ChannelCalls, channelJobError } from './channel-calls';
import type { ChannelConnectionRecord } from './channel-connection.entity';
import { ChannelConnectionsRepository } from './channel-connections.repository';
import type { ChannelProductRecord } from './channel-product.entity';
import { ChannelProductsRepository } from './channel-products.repository';
import { ChannelPublishRecord } from './channel-publish.entity';
import { PublishDto, type ActivityDto, type ActivityPageDto, type ActivityQueryDto, type PublishPlanDto } from './channel-publish.dto';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../common/pagination';
import { ChannelPublishesRepository } from './channel-publishes.repository';

export const PUBLISH_JOB_TYPE = 'channels.publish';
const EXTENSION: Record<string, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', avif: 'avif' };
/** How long a run follows a pending publish before leaving it to the next run (which resumes from the checkpoint). */
const PENDING_FOLLOW_MS = 60_000;
const PENDING_POLL_MS = 1_000;
/** A store fetching the image by its link gets this long to do it (Amazon may take a while). */
const LINK_TTL_SECONDS = 24 * 3600;

const invalid = (field: string, message: string) => new AppError('validation_failed', message, { fields: [{ field, messages: [message] }] });

interface Resolved {
  connection: ChannelConnectionRecord;
  channel: RegisteredChannel;
  product: ChannelProductRecord;
  variantExternalId?: string;
  image: Image;
  slot: string;
}

/**
 * Publishing a gallery image to a store's product, as a job (`channels.publish`, scope
 * channels:publish, no credits). The activity entry is written with the job, marked as the job
 * sends, and always given its final state; a publish the store processes later is followed through
 * checkPublish, also by a run after a restart (its reference is the job's checkpoint), so a retry
 * never sends the image twice.
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
    private readonly files: FileStore,
    private readonly events: JobEvents,
  ) {}

  onModuleInit(): void {
    this.events.onFinished(async (job, status) => {
      if (status === 'completed') return;
      const record = await this.publishes.getByJob(job.id);
      if (!record || record.status === 'published' || record.status === 'failed') return;
      await this.publishes.update(record.orgId, record.id, { status: 'failed', ...(status === 'canceled' ? { error: { code: 'canceled', message: 'The publish was cancelled' } } : {}) });
    });
  }

  /** What a publish would send, checked as a real one is, with nothing sent or recorded. */
  async plan(auth: RequestAuth, dto: PublishDto): Promise<PublishPlanDto> {
    const r = await this.resolve(auth, dto);
    return {
      connectionId: r.connection.id, channel: r.connection.channel, productExternalId: r.product.externalId, productTitle: r.product.title,
      ...(r.variantExternalId ? { variantExternalId: r.variantExternalId } : {}), slot: r.slot,
      ...(dto.position !== undefined ? { position: dto.position } : {}), ...(dto.replaceImageId !== undefined ? { replaceImageId: dto.replaceImageId } : {}),
      ...(dto.alt !== undefined ? { alt: dto.alt } : {}),
      imageId: r.image.id, width: r.image.width, height: r.image.height, format: r.image.format, bytes: r.image.bytes,
    };
  }

  @JobOperation({ name: PUBLISH_JOB_TYPE, dto: PublishDto, scope: 'channels:publish', units: () => 0 })
  async prepare(auth: RequestAuth, dto: PublishDto, job: Job): Promise<PreparedJob> {
    if (dto.dryRun) throw invalid('dryRun', 'dryRun is answered by POST /api/v1/channels/publish, not as a job');
    const r = await this.resolve(auth, dto);
    const record = Object.assign(new ChannelPublishRecord(), {
      orgId: r.connection.orgId, connectionId: r.connection.id, productExternalId: r.product.externalId, productTitle: r.product.title, imageId: r.image.id,
      slot: r.slot, position: dto.position ?? null, replaceImageExternalId: dto.replaceImageId ?? null, alt: dto.alt ?? null, jobId: job.id, createdBy: principalId(auth.principal),
    });
    job.input = { publishId: record.id, ...(r.variantExternalId ? { variantExternalId: r.variantExternalId } : {}) };
    return { price: 0, reason: `publish to ${r.connection.channel} connection ${r.connection.name}`, alsoWrite: [record] };
  }

  async run({ job, signal, previousCheckpoint, checkpoint }: JobRun): Promise<JobResult> {
    const record = await this.publishes.getByJob(job.id);
    if (!record) throw new Error(`job ${job.id} has no publish entry`);
    const connection = await this.connections.getInOrg(record.orgId, record.connectionId);
    if (!connection || connection.status === 'disabled') {
      await this.publishes.update(record.orgId, record.id, { error: { code: 'conflict', message: 'The connection was disabled or deleted' } });
      throw channelJobError(new AppError('conflict', 'The connection was disabled or deleted'));
    }
    try {
      const result = previousCheckpoint
        ? ({ status: 'pending', externalRef: previousCheckpoint } as PublishResult)
        : await this.send(record, connection, String(job.input.variantExternalId ?? '') || undefined, checkpoint);
      const externalImageId = await this.follow(record, connection, result, signal);
      await this.publishes.update(record.orgId, record.id, { status: 'published', externalImageId, error: null });
      return { persist: [], cost: 0 };
    } catch (err) {
      const failure = err instanceof TransientJobError ? err : channelJobError(err);
      const code = (failure as { code?: string }).code ?? 'channel_unavailable';
      await this.publishes.update(record.orgId, record.id, { error: { code, message: failure.message } });
      throw failure;
    }
  }

  async outputsOf(): Promise<Map<string, object[]>> {
    return new Map();
  }

  /** The publish entry of each job, as JobDto.report shows it. */
  async reportsOf(jobs: Job[]): Promise<Map<string, Record<string, unknown>>> {
    if (!jobs.length) return new Map();
    return new Map((await this.publishes.ofJobs(jobs)).map((r) => [r.jobId, { publishId: r.id, status: r.status, externalImageId: r.externalImageId }]));
  }

  describe(record: ChannelPublishRecord): ActivityDto {
    return {
      id: record.id, connectionId: record.connectionId, productExternalId: record.productExternalId, productTitle: record.productTitle, imageId: record.imageId,
      slot: record.slot, position: record.position, replaceImageExternalId: record.replaceImageExternalId, status: record.status, externalImageId: record.externalImageId,
      attempts: record.attempts, error: record.error, jobId: record.jobId, createdBy: record.createdBy, createdAt: record.createdAt.toISOString(), updatedAt: record.updatedAt.toISOString(),
    };
  }

  /** Sends the image once: the entry is marked sending first, and a pending answer is checkpointed before anything else. */
  private async send(record: ChannelPublishRecord, connection: ChannelConnectionRecord, variantExternalId: string | undefined, checkpoint: (ref: string) => Promise<void>): Promise<PublishResult> {
    await this.publishes.update(record.orgId, record.id, { status: 'sending', attempts: record.attempts + 1 });
    const image = await this.images.getInOrg(record.orgId, record.imageId);
    const data = image ? await this.files.get(image.storageKey) : null;
    if (!image || !data) throw new AppError('not_found', 'The gallery image was deleted before it was published');
    const input: PublishImageInput = {
      productExternalId: record.productExternalId,
      slot: record.slot,
      ...(variantExternalId ? { variantExternalId } : {}),
      ...(record.position !== null ? { position: record.position } : {}),
      ...(record.alt !== null ? { alt: record.alt } : {}),
      ...(record.replaceImageExternalId !== null ? { replaceImageExternalId: record.replaceImageExternalId } : {}),
      image: {
        data, mimeType: IMAGE_MIME_TYPES[image.format] ?? 'application/octet-stream', width: image.width, height: image.height,
        filename: `${image.id}.${EXTENSION[image.format] ?? image.format}`,
        url: this.files.link(image.id, LINK_TTL_SECONDS, EXTENSION[image.format]).url,
      },
    };
    const result = await this.calls.run(connection, (channel, conn, ctx) => channel.plugin.publishImage(conn, input, ctx));
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
      current = await this.calls.run(connection, (channel, conn, ctx) => this.check(channel, conn, ref, ctx));
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
    const slot = dto.slot ?? 'main';
    if (!channel.metadata.imageSlots.some((s) => s.id === slot)) throw invalid('slot', `slot must be one of: ${channel.metadata.imageSlots.map((s) => s.id).join(', ')}`);
    const { product, variantExternalId } = await this.product(orgId, connection.id, dto);
    const image = await this.images.getInOrg(orgId, dto.imageId, readableEndUser(auth));
    if (!image) throw AppError.notFound('Image');
    return { connection, channel, product, variantExternalId, image, slot };
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
