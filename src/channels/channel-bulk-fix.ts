import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { AppError } from '../common/errors/app-error';
import type { JobRequest, Submitted, SubmitOptions } from '../jobs/job-submitter';
import { JobSubmitter } from '../jobs/job-submitter';
import { orgIdOf, type RequestAuth } from '../tenancy/principal';
import { ChannelCalls } from './channel-calls';
import { ChannelConnectionsRepository } from './channel-connections.repository';
import type { ChannelProductRecord } from './channel-product.entity';
import { ChannelProductsRepository } from './channel-products.repository';
import { PublishDto } from './channel-publish.dto';
import { PUBLISH_JOB_TYPE, testKeyDryRun } from './channel-publishing';
import { channelSlotAt } from './channel-rule-packs';
import type { BulkFixDto, BulkFixImageDto, BulkFixPlanDto } from './channel-bulk-fix.dto';

const DEFAULT_LIMIT = 100;
/** Failing products read per query while gathering images. */
const READ_PAGE = 100;

/**
 * Fixing every failing image of a connection's synced catalogue (as the scan after the last sync
 * found them) and publishing each fixed image in the failing one's place: one batch job, a
 * `channels.publish` child per image (compliance `fix`, the store's image as the source), so each is
 * recorded, retried and charged on its own and the batch shows progress and a summary.
 */
@Injectable()
export class ChannelBulkFix {
  constructor(
    private readonly calls: ChannelCalls,
    private readonly connections: ChannelConnectionsRepository,
    private readonly products: ChannelProductsRepository,
    private readonly submitter: JobSubmitter,
  ) {}

  /** The failing images the filter matches, up to its limit. */
  async plan(auth: RequestAuth, connectionId: string, dto: BulkFixDto): Promise<BulkFixPlanDto> {
    const orgId = orgIdOf(auth);
    const connection = await this.connections.getInOrg(orgId, connectionId);
    if (!connection) throw AppError.notFound('Connection');
    if (connection.status !== 'active') throw new AppError('conflict', connection.status === 'disabled' ? 'The connection is disabled: enable it first' : `The connection needs attention: ${connection.lastError ?? 'test it again'}`);
    if (connection.rulePack === null) throw new AppError('conflict', 'The connection has no rule pack, so nothing is failing: PATCH it with one and sync');
    const channel = this.calls.plugin(connection.channel);
    const limit = dto.limit ?? DEFAULT_LIMIT;
    const images: BulkFixImageDto[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.products.failing(orgId, connectionId, { search: dto.search?.trim() || undefined, productIds: dto.productIds, after, limit: READ_PAGE });
      for (const product of page) images.push(...failingImages(product, (position) => channelSlotAt(channel, position)?.id ?? 'main'));
      if (images.length > limit || page.length < READ_PAGE) break;
      after = page.at(-1)!.id;
    }
    return { images: images.slice(0, limit), more: images.length > limit, ...testKeyDryRun(auth) };
  }

  /** The batch fixing and publishing them; 409 when nothing matches. */
  async submit(auth: RequestAuth, connectionId: string, dto: BulkFixDto, options: SubmitOptions): Promise<Submitted> {
    const { images } = await this.plan(auth, connectionId, dto);
    if (!images.length) throw new AppError('conflict', 'No failing image matches: sync the connection first (the scan after each sync finds them) or widen the filter');
    const requests: JobRequest[] = images.map((image) => ({
      operation: PUBLISH_JOB_TYPE,
      dto: plainToInstance(PublishDto, { connectionId, productId: image.productId, sourceImageExternalId: image.imageExternalId, slot: image.slot, compliance: 'fix', ...(image.alt ? { alt: image.alt.slice(0, 500) } : {}) }),
    }));
    return this.submitter.submitBatch(auth, requests, options);
  }
}

/** A product's failing images that exist at the store, in position order; a product failing with no image has nothing to fix. */
function failingImages(product: ChannelProductRecord, slotAt: (position: number) => string): BulkFixImageDto[] {
  return product.images.flatMap((image) => {
    const entry = product.compliance.find((c) => c.imageExternalId === image.externalId && c.url === image.url);
    if (entry?.state !== 'failing') return [];
    return [{ productId: product.id, productTitle: product.title, imageExternalId: image.externalId, position: image.position, slot: slotAt(image.position), alt: image.alt, failingRules: entry.failures.map((f) => f.rule) }];
  });
}
