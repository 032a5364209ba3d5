import { setTimeout as delay } from 'node:timers/promises';
import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { AppError } from '../common/errors/app-error';
import { FinalJobError, JobHandler, type JobResult, type JobRun } from '../jobs/job-handler';
import { JobOperation, type PreparedJob } from '../jobs/job-operation';
import type { Job } from '../jobs/job.entity';
import { orgIdOf, type RequestAuth } from '../tenancy/principal';
import { ChannelCalls, channelJobError } from './channel-calls';
import type { ChannelConnectionRecord } from './channel-connection.entity';
import { ChannelConnectionsRepository } from './channel-connections.repository';
import { ChannelProductsRepository } from './channel-products.repository';
import { ChannelScan } from './channel-scan';

export const SYNC_JOB_TYPE = 'channels.sync';
/** A throttled page is waited for and asked again this many times before the job gives up (and is retried whole, later). */
const THROTTLED_PAGE_TRIES = 10;
/** The longest a page waits on the store's say-so; a longer wait fails the run instead. */
const MAX_PAGE_WAIT_MS = 60_000;

export class ChannelSyncDto {
  @ApiProperty({ description: 'The connection whose catalogue to sync' })
  @IsUUID()
  connectionId!: string;
}

/**
 * Syncing a connection's catalogue, as a job (`channels.sync`, scope channels:write, no credits): the
 * store is paged through (only products updated since the last complete sync, after the first), each
 * page written over what was saved as it arrives, so a sync cut short keeps what it saw and the next
 * one picks up from the last complete sync. Credentials the store refuses mark the connection
 * needs_attention (ChannelCalls.run). The same job scans the images not checked yet against the
 * connection's rule pack (ChannelScan), each page's while the next is asked for, then what is left.
 * Progress: products seen while paging (total unknown), then images checked out of those to check.
 */
@JobHandler(SYNC_JOB_TYPE)
export class ChannelSync implements JobHandler {
  constructor(private readonly calls: ChannelCalls, private readonly connections: ChannelConnectionsRepository, private readonly products: ChannelProductsRepository, private readonly scan: ChannelScan) {}

  @JobOperation({ name: SYNC_JOB_TYPE, dto: ChannelSyncDto, scope: 'channels:write', units: () => 0 })
  async prepare(auth: RequestAuth, dto: ChannelSyncDto, job: Job): Promise<PreparedJob> {
    const record = await this.connections.getInOrg(orgIdOf(auth), dto.connectionId);
    if (!record) throw AppError.notFound('Connection');
    if (record.status === 'disabled') throw new AppError('conflict', 'The connection is disabled: enable it first');
    this.calls.plugin(record.channel);
    job.input = { connectionId: record.id };
    return { price: 0, reason: `sync of ${record.channel} connection ${record.name}` };
  }

  async run({ job, signal, progress }: JobRun): Promise<JobResult> {
    const record = await this.connections.getInOrg(job.orgId, String(job.input.connectionId));
    if (!record) throw new FinalJobError('not_found', 'The connection was deleted');
    if (record.status === 'disabled') throw new FinalJobError('conflict', 'The connection was disabled');
    const startedAt = new Date();
    const scan = await this.scan.begin(record, this.calls.plugin(record.channel), signal);
    let cursor: string | null = null;
    let seen = 0;
    try {
      do {
        const page = await this.page(record, cursor, signal);
        signal.throwIfAborted();
        await this.products.upsertPage(record.orgId, record.id, page.products, new Date());
        scan?.pageWritten();
        seen += page.products.length;
        await progress(seen, null);
        cursor = page.nextCursor;
      } while (cursor);
    } catch (err) {
      scan?.abandon();
      throw err;
    }
    await this.connections.update(record.orgId, record.id, { lastSyncedAt: startedAt });
    await scan?.finish(progress);
    return { persist: [], cost: 0 };
  }

  estimatedSeconds(): number {
    return 5;
  }

  /**
   * One page, asked again after the wait the store names when it throttles (a store's limit is
   * reached many times in a large sync: failing the run would start it over from the first page).
   */
  private async page(record: ChannelConnectionRecord, cursor: string | null, signal: AbortSignal) {
    for (let tries = 1; ; tries++) {
      try {
        return await this.calls.run(record, 'listProducts', (channel, connection, ctx) =>
          channel.plugin.listProducts(connection, { cursor, updatedSince: record.lastSyncedAt, pageSize: channel.metadata.maxPageSize }, ctx));
      } catch (err) {
        const waitMs = err instanceof AppError && err.code === 'channel_rate_limited' ? Number(err.details.retryAfterSeconds ?? 1) * 1000 : null;
        if (waitMs !== null && waitMs <= MAX_PAGE_WAIT_MS && tries < THROTTLED_PAGE_TRIES) {
          await delay(waitMs, undefined, { signal });
          continue;
        }
        throw channelJobError(err);
      }
    }
  }
}
