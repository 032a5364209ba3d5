import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { AppError } from '../common/errors/app-error';
import { BATCH_JOB_TYPE } from '../jobs/job.entity';
import { JobsService } from '../jobs/jobs.service';
import { atItem, type SubmitOptions, JobSubmitter } from '../jobs/job-submitter';
import { orgIdOf, type RequestAuth } from '../tenancy/principal';
import { PublishDto, type PublishPlanDto } from './channel-publish.dto';
import { ChannelPublishing, PUBLISH_JOB_TYPE, TEST_KEYS_NEVER_PUBLISH } from './channel-publishing';
import { ChannelPublishesRepository } from './channel-publishes.repository';
import type { ListingImagesDto, ListingPlanDto, ListingResultDto } from './listings.dto';

/** An item's error named by the connection it is for: `connectionIds[1] (…): …`, its fields as the listing's own. */
function atConnection(err: unknown, connectionIds: string[]): unknown {
  if (!(err instanceof AppError) || typeof err.details.item !== 'number') return err;
  const index = err.details.item;
  const fields = err.details.fields as { field: string; messages: string[] }[] | undefined;
  const message = err.message.replace(/^items\[\d+\]: /, `connectionIds[${index}] (${connectionIds[index]}): `);
  const details = { ...err.details, connectionId: connectionIds[index], ...(fields ? { fields: fields.map((f) => ({ ...f, field: f.field.replace(/^items\[\d+\]\./, '') })) } : {}) };
  return new AppError(err.code, message, details, err.headers);
}

/**
 * Check, fix and publish one image to a product at several stores in one call: a batch job holding a
 * `channels.publish` per connection (each gated against its own connection's rule pack), so one store
 * failing leaves the others published. Everything is checked before anything is queued: a connection
 * or SKU that cannot be found refuses the whole call, naming it.
 */
@Injectable()
export class ListingsService {
  constructor(
    private readonly submitter: JobSubmitter,
    private readonly jobs: JobsService,
    private readonly publishing: ChannelPublishing,
    private readonly publishes: ChannelPublishesRepository,
  ) {}

  async publish(auth: RequestAuth, dto: ListingImagesDto, options: SubmitOptions): Promise<{ result: ListingResultDto; finished: boolean }> {
    const requests = dto.connectionIds.map((connectionId) => ({ operation: PUBLISH_JOB_TYPE, dto: publishOf(dto, connectionId) }));
    const submitted = await this.submitter.submitBatch(auth, requests, options).catch((err: unknown) => Promise.reject(atConnection(err, dto.connectionIds)));
    const jobId = 'finished' in submitted ? submitted.finished.id : submitted.accepted.id;
    return { result: await this.result(auth, jobId), finished: 'finished' in submitted };
  }

  /** A test key's listing (test keys never publish): each store's publish as its dry run answers it, nothing queued. */
  async plan(auth: RequestAuth, dto: ListingImagesDto): Promise<ListingPlanDto> {
    const plans: PublishPlanDto[] = [];
    for (const [i, connectionId] of dto.connectionIds.entries()) {
      plans.push(await this.publishing.plan(auth, publishOf(dto, connectionId)).catch((err: unknown) => Promise.reject(atConnection(atItem(err, i), dto.connectionIds))));
    }
    return { dryRun: true, reason: TEST_KEYS_NEVER_PUBLISH, plans };
  }

  /** A listing's batch as it stands: each store's publish entry, in the order asked. */
  async result(auth: RequestAuth, jobId: string): Promise<ListingResultDto> {
    const batch = await this.jobs.get(auth, jobId);
    const children = batch.children ?? [];
    if (batch.type !== BATCH_JOB_TYPE) throw AppError.notFound('Listing');
    const entries = children.length ? await this.publishes.ofJobs(children.map((c) => ({ id: c.id, orgId: orgIdOf(auth) }))) : [];
    if (entries.length !== children.length || !children.length) throw AppError.notFound('Listing');
    return {
      jobId: batch.id,
      status: batch.status,
      results: children.map((child) => {
        const entry = entries.find((e) => e.jobId === child.id)!;
        return { connectionId: entry.connectionId, jobId: child.id, jobStatus: child.status, publish: this.publishing.describe(entry) };
      }),
    };
  }
}

/** The publish a listing asks of one connection. */
function publishOf(dto: ListingImagesDto, connectionId: string): PublishDto {
  return plainToInstance(PublishDto, { connectionId, sku: dto.sku, imageId: dto.imageId, slot: dto.slot, alt: dto.alt, compliance: dto.compliance ?? 'fix' });
}
