import { Injectable } from '@nestjs/common';
import { readableEndUser } from '../tenancy/end-user';
import { orgIdOf, type RequestAuth } from '../tenancy/principal';
import { AppError } from '../common/errors/app-error';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../common/pagination';
import { CreditsService } from '../credits/credits.service';
import { BatchJobs } from './batch-jobs';
import { JobAnswersRepository } from './job-answers.repository';
import { JobCancellations } from './job-cancellations';
import { JobEvents } from './job-events';
import { JobRegistry } from './job-registry';
import { BATCH_JOB_TYPE, FINAL_STATUSES, type Job, type JobStatus } from './job.entity';
import type { JobAcceptedDto, JobDto, JobOutputDto, JobStepDto } from './jobs.dto';
import { JobsRepository, type BatchChild } from './jobs.repository';
import { JobStepsRepository, type JobStepRecord } from './job-steps.repository';

const invalid = (field: string, message: string) => new AppError('validation_failed', message, { fields: [{ field, messages: [message] }] });

/** Reading and cancelling jobs. Publishable keys see only the jobs of the end user named by x-user-id. */
@Injectable()
export class JobsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly registry: JobRegistry,
    private readonly batches: BatchJobs,
    private readonly credits: CreditsService,
    private readonly events: JobEvents,
    private readonly cancellations: JobCancellations,
    private readonly steps: JobStepsRepository,
    private readonly answers: JobAnswersRepository,
  ) {}

  async get(auth: RequestAuth, id: string): Promise<JobDto> {
    return this.describe(await this.require(auth, id));
  }

  async list(auth: RequestAuth, query: { limit?: number; cursor?: string; type?: string; status?: JobStatus }) {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    if (query.type !== undefined && !this.registry.types().includes(query.type)) throw invalid('type', `type must be one of the following values: ${this.registry.types().join(', ')}`);
    const rows = await this.jobs.listInOrg(orgIdOf(auth), { type: query.type, status: query.status, endUserId: readableEndUser(auth) }, { after: decodeCursor(query.cursor), limit: limit + 1 });
    const page = toPage(rows, limit, (j) => j);
    return { data: await this.view(page.data), nextCursor: page.nextCursor };
  }

  /**
   * A queued job stops at once and is paid back. A running one is marked `cancelRequested` and its
   * handler's signal aborts (here at once, on another node within a second); it ends `canceled`,
   * paid back, when the handler gives up. The job may move on between the read and the update
   * (claimed, or queued again for a retry): then it is read again. A batch is marked the same way and
   * its children still queued or running are cancelled; it ends `canceled` once they have all ended.
   */
  async cancel(auth: RequestAuth, id: string): Promise<JobDto> {
    for (;;) {
      const job = await this.require(auth, id);
      if (job.status === 'completed' || job.status === 'failed') throw new AppError('conflict', `The job is already ${job.status}`);
      const stopped = job.status === 'canceled' ? job : await this.stop(job);
      if (stopped) return this.describe(stopped);
    }
  }

  /** Cancels a queued or running job; answers it as it now is, or null when it moved on meanwhile. */
  private async stop(job: Job): Promise<Job | null> {
    if (job.type === BATCH_JOB_TYPE) {
      if (!(await this.jobs.requestCancel(job.id))) return null;
      // Queued children first: aborting a running one frees its organisation's slot, and a queued one
      // still waiting its turn in this loop could be claimed (and run to the end) meanwhile.
      const open = (await this.jobs.childrenOf([job.id])).filter((child) => !FINAL_STATUSES.includes(child.status));
      for (const child of [...open.filter((c) => c.status === 'queued'), ...open.filter((c) => c.status !== 'queued')]) {
        for (let row = await this.jobs.getById(child.id); row && !FINAL_STATUSES.includes(row.status) && !(await this.stop(row)); row = await this.jobs.getById(row.id));
      }
      await this.batches.settle(job.id);
      return this.jobs.getById(job.id);
    }
    if (job.status === 'queued' && (await this.jobs.finish(job.id, ['queued'], 'canceled', null))) {
      if (job.reservationId) await this.credits.release(job.orgId, job.reservationId);
      this.events.finished(job, 'canceled');
      return this.jobs.getById(job.id);
    }
    if (job.status === 'processing' && (await this.jobs.requestCancel(job.id))) {
      this.cancellations.abort(job.id);
      return Object.assign(job, { cancelRequested: true });
    }
    return null;
  }

  /** The 202 a job's request answers when it does not wait for the job; the balance is today's, as the original's is not kept. */
  async accepted(job: Job): Promise<JobAcceptedDto> {
    const status = job.type === BATCH_JOB_TYPE ? 'processing' : 'queued';
    return { id: job.id, status, estimatedTime: this.registry.estimatedSeconds(job), creditsBalance: await this.credits.balance(job.orgId) };
  }

  private async require(auth: RequestAuth, id: string): Promise<Job> {
    const job = await this.answers.inOrg(orgIdOf(auth), id, readableEndUser(auth));
    if (!job) throw AppError.notFound('Job');
    return job;
  }

  /** The job as the API shows it, also for callers outside a request (webhook payloads). */
  async describe(job: Job): Promise<JobDto> {
    return (await this.view([job]))[0];
  }

  /** Jobs as the API shows them: completed ones with the outputs their type's reader finds, batches with their children. */
  private async view(jobs: Job[]): Promise<JobDto[]> {
    const outputs = new Map<string, object[]>();
    const reports = new Map<string, Record<string, unknown>>();
    for (const type of new Set(jobs.filter((j) => j.status === 'completed').map((j) => j.type))) {
      const reader = this.registry.reader(type);
      if (!reader) continue;
      const ofType = jobs.filter((j) => j.status === 'completed' && j.type === type);
      for (const [jobId, list] of await reader.outputsOf(ofType)) outputs.set(jobId, list);
      for (const [jobId, report] of (await reader.reportsOf?.(ofType)) ?? []) reports.set(jobId, report);
    }
    const steps = await this.steps.ofJobs(jobs.filter((j) => j.status !== 'queued').map((j) => j.id));
    const batchIds = jobs.filter((j) => j.type === BATCH_JOB_TYPE).map((j) => j.id);
    const children = batchIds.length ? await this.jobs.childrenOf(batchIds) : [];
    return jobs.map((j) => {
      const ofBatch = j.type === BATCH_JOB_TYPE ? children.filter((c) => c.parentId === j.id) : undefined;
      const report = reports.get(j.id);
      const ofJob = steps.get(j.id);
      return { ...this.map(j, (outputs.get(j.id) ?? []) as JobOutputDto[], ofBatch), ...(report ? { report } : {}), ...(ofJob ? { steps: ofJob.map(stepDto) } : {}) };
    });
  }

  private map(job: Job, outputs: JobOutputDto[], children?: BatchChild[]): JobDto {
    return {
      id: job.id,
      type: job.type,
      status: job.status,
      outputs: job.status === 'completed' ? outputs : [],
      cost: job.status === 'completed' ? job.cost : 0,
      error: job.status === 'failed' ? job.error : null,
      metadata: job.metadata,
      ...(job.status === 'processing' ? { cancelRequested: job.cancelRequested } : {}),
      endUserId: job.endUserId,
      sku: job.sku,
      ...(job.test ? { test: true } : {}),
      createdAt: job.createdAt.toISOString(),
      startedAt: job.startedAt?.toISOString() ?? null,
      finishedAt: job.finishedAt?.toISOString() ?? null,
      ...(job.webhookUrl ? { webhookUrl: job.webhookUrl } : {}),
      ...(job.parentId ? { parentId: job.parentId } : {}),
      ...(job.progress ? { progress: job.progress } : {}),
      ...(children ? this.batches.describe(job, children) : {}),
    };
  }
}

function stepDto(step: JobStepRecord): JobStepDto {
  return {
    provider: step.provider,
    model: step.model,
    keySource: step.keySource,
    attempt: step.attempt,
    status: step.status,
    error: step.errorCode ? { code: step.errorCode, message: step.errorMessage ?? '' } : null,
    requestId: step.requestId,
    latencyMs: step.latencyMs,
    providerCost: step.providerCost !== null && step.providerCostCurrency ? { amount: step.providerCost, currency: step.providerCostCurrency } : null,
    credits: step.credits,
    createdAt: step.createdAt.toISOString(),
  };
}
