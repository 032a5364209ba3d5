import { Injectable } from '@nestjs/common';
import { readableEndUser } from '../auth/end-user';
import { orgIdOf, type RequestAuth } from '../auth/principal';
import { AppError } from '../common/errors/app-error';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../common/pagination';
import { CreditsService } from '../credits/credits.service';
import type { Image } from '../images/image.entity';
import type { ImageOutputDto, JobAcceptedDto, JobDto } from '../images/generation.dto';
import { FileStore } from '../storage/file-store';
import { JobCancellations } from './job-cancellations';
import { JobEvents } from './job-events';
import type { Job, JobStatus, JobType } from './job.entity';
import { JobsRepository } from './jobs.repository';

/** Reading and cancelling jobs. Publishable keys see only the jobs of the end user named by x-user-id. */
@Injectable()
export class JobsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly files: FileStore,
    private readonly credits: CreditsService,
    private readonly events: JobEvents,
    private readonly cancellations: JobCancellations,
  ) {}

  async get(auth: RequestAuth, id: string): Promise<JobDto> {
    const job = await this.require(auth, id);
    return this.map(job, await this.jobs.outputs([job.id]));
  }

  async list(auth: RequestAuth, query: { limit?: number; cursor?: string; type?: JobType; status?: JobStatus }) {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.jobs.listInOrg(orgIdOf(auth), { type: query.type, status: query.status, endUserId: readableEndUser(auth) }, { after: decodeCursor(query.cursor), limit: limit + 1 });
    const page = toPage(rows, limit, (j) => j);
    const outputs = await this.jobs.outputs(page.data.map((j) => j.id));
    return { data: page.data.map((j) => this.map(j, outputs.filter((o) => o.jobId === j.id))), nextCursor: page.nextCursor };
  }

  /**
   * A queued job stops at once and is paid back. A running one is marked `cancelRequested` and its
   * handler's signal aborts (here at once, on another node within a second); it ends `canceled`,
   * paid back, when the handler gives up. The job may move on between the read and the update
   * (claimed, or queued again for a retry): then it is read again.
   */
  async cancel(auth: RequestAuth, id: string): Promise<JobDto> {
    for (;;) {
      const job = await this.require(auth, id);
      if (job.status === 'completed' || job.status === 'failed') throw new AppError('conflict', `The job is already ${job.status}`);
      if (job.status === 'canceled') return this.map(job, []);
      if (job.status === 'queued' && (await this.jobs.finish(job.id, ['queued'], 'canceled', null))) {
        if (job.reservationId) await this.credits.release(job.orgId, job.reservationId);
        this.events.finished(job, 'canceled');
        return this.get(auth, id);
      }
      if (job.status === 'processing' && (await this.jobs.requestCancel(job.id))) {
        this.cancellations.abort(job.id);
        return this.map(Object.assign(job, { cancelRequested: true }), []);
      }
    }
  }

  /** The 202 a job's request answers when it does not wait for the job; the balance is today's, as the original's is not kept. */
  async accepted(job: Job): Promise<JobAcceptedDto> {
    return { id: job.id, status: 'queued', estimatedTime: Math.max(1, Number(job.input.n) || 1), creditsBalance: await this.credits.balance(job.orgId) };
  }

  mapOutput(image: Image): ImageOutputDto {
    return { id: image.id, url: this.files.link(image.id).url, width: image.width, height: image.height, format: image.format, bytes: image.bytes };
  }

  private async require(auth: RequestAuth, id: string): Promise<Job> {
    const job = await this.jobs.getInOrg(orgIdOf(auth), id, readableEndUser(auth));
    if (!job) throw AppError.notFound('Job');
    return job;
  }

  /** The job as the API shows it, for callers outside a request (webhook payloads). */
  async describe(job: Job): Promise<JobDto> {
    return this.map(job, await this.jobs.outputs([job.id]));
  }

  private map(job: Job, outputs: Image[]): JobDto {
    return {
      id: job.id,
      type: job.type,
      status: job.status,
      outputs: job.status === 'completed' ? outputs.map((o) => this.mapOutput(o)) : [],
      cost: job.status === 'completed' ? job.cost : 0,
      error: job.status === 'failed' ? job.error : null,
      metadata: job.metadata,
      ...(job.status === 'processing' ? { cancelRequested: job.cancelRequested } : {}),
      endUserId: job.endUserId,
      sku: job.sku,
      createdAt: job.createdAt.toISOString(),
      startedAt: job.startedAt?.toISOString() ?? null,
      finishedAt: job.finishedAt?.toISOString() ?? null,
      ...(job.webhookUrl ? { webhookUrl: job.webhookUrl } : {}),
    };
  }
}
