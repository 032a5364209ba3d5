import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CreditsService } from '../credits/credits.service';
import { OrgDirectory } from '../tenancy/org-directory';
import { Batcher } from '../common/batcher';
import { JobCancellations } from './job-cancellations';
import { FinalJobError, TransientJobError, type JobResult, type JobRun } from './job-handler';
import { JobEvents } from './job-events';
import { JobQueueRepository, type DueJob, type QueuedJob } from './job-queue.repository';
import { JobRegistry } from './job-registry';
import { FINAL_STATUSES, type Job, type JobError } from './job.entity';
import { JobsRepository, type Completion } from './jobs.repository';

/** A queue should offer the job again at `later` (a retry's backoff, a lease still running elsewhere, an organisation at its limit). */
export interface Offer {
  later?: Date;
  /** The organisation is at its limit: offering the job again as soon as one of its jobs ends is worth it. */
  orgFull?: boolean;
}

/** How long a job whose organisation is at its limit waits in the queue, at most, before it is offered again. */
const ORG_FULL_RETRY_MS = 1000;
/** The least time between two progress writes of one run: a sync reports a page at a time, the row is written less often. */
const PROGRESS_INTERVAL_MS = 1000;

/**
 * The rules of a job's life, whichever queue driver brings it: claim it under a lease (renewed while
 * it runs) and within its organisation's plan limit, run its type's handler (JobRegistry), then
 * complete it, capturing its credits and writing what the handler returned in the same transaction,
 * or fail it and release them; a cancelled run is stopped (its handler's signal aborts), thrown away
 * and paid back; a transient error is retried with backoff; a job that stopped `maxAttempts` times
 * is abandoned. Every final state is announced on JobEvents.
 */
@Injectable()
export class JobLifecycle {
  private readonly logger = new Logger('Jobs');
  /** Jobs that end together are recorded together, and jobs delivered together are claimed together. */
  private readonly completions = new Batcher((items: Completion[]) => this.jobs.complete(items));
  private readonly claims = new Batcher((refs: QueuedJob[]) => this.claimDelivered(refs));

  constructor(
    private readonly jobs: JobsRepository,
    private readonly queue: JobQueueRepository,
    private readonly credits: CreditsService,
    private readonly registry: JobRegistry,
    private readonly events: JobEvents,
    private readonly orgs: OrgDirectory,
    private readonly cancellations: JobCancellations,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Claims up to `max` due jobs, oldest first, skipping organisations already at their limit (so one
   * organisation's backlog does not hold up the others); abandons due jobs that stopped too often.
   * `more`: the look-up found `max` due jobs, so more may be due now; otherwise none is left.
   */
  async claimDue(max: number): Promise<{ jobs: Job[]; more: boolean }> {
    const now = new Date();
    // Most looks find nothing due, or only jobs of organisations below their limit: the running jobs are counted only when
    // something is due, and the due jobs looked up again without the organisations at their limit only when one is among them.
    let due = await this.queue.due(now, max, []);
    if (due.length) {
      const full: string[] = [];
      for (const [orgId, running] of await this.queue.runningByOrg(now)) {
        if (running >= (await this.maxRunning(orgId))) full.push(orgId);
      }
      if (due.some((row) => full.includes(row.orgId))) due = await this.queue.due(now, max, full);
    }
    const byOrg = new Map<string, string[]>();
    for (const row of due) {
      if (row.status === 'processing' && row.attempts >= this.config.jobs.maxAttempts) await this.abandon(row);
      else byOrg.set(row.orgId, [...(byOrg.get(row.orgId) ?? []), row.id]);
    }
    const claimed: Job[] = [];
    for (const [orgId, ids] of byOrg) {
      claimed.push(...(await this.queue.claim({ orgId, ids, maxRunning: await this.maxRunning(orgId), maxAttempts: this.config.jobs.maxAttempts, now, leaseUntil: this.leaseFrom(now) })));
    }
    return { jobs: claimed, more: due.length === max };
  }

  /** Claims one job a queue delivered; otherwise says when to offer it again, or that it needs nothing more. */
  async claimOne(ref: QueuedJob): Promise<{ job: Job } | Offer> {
    const now = new Date();
    const claimed = await this.claims.run(ref);
    if (claimed instanceof Error) throw claimed;
    if (claimed) return { job: claimed };
    const row = await this.jobs.getById(ref.id);
    if (!row || FINAL_STATUSES.includes(row.status)) return {};
    // Not due yet: a retry's backoff, or running elsewhere under a live lease.
    if (row.runAfter > now) return { later: row.runAfter };
    if (row.status === 'processing' && row.attempts >= this.config.jobs.maxAttempts) {
      await this.abandon(row);
      return {};
    }
    return { later: new Date(Date.now() + ORG_FULL_RETRY_MS), orgFull: true };
  }

  /** Claims delivered jobs, one statement per organisation; each answer is the job claimed, null, or the error of its organisation's claim. */
  private async claimDelivered(refs: QueuedJob[]): Promise<(Job | null | Error)[]> {
    const now = new Date();
    const byOrg = new Map<string, string[]>();
    for (const ref of refs) byOrg.set(ref.orgId, [...(byOrg.get(ref.orgId) ?? []), ref.id]);
    const answers = new Map<string, Job | Error>();
    for (const [orgId, ids] of byOrg) {
      try {
        const claimed = await this.queue.claim({ orgId, ids, maxRunning: await this.maxRunning(orgId), maxAttempts: this.config.jobs.maxAttempts, now, leaseUntil: this.leaseFrom(now) });
        for (const job of claimed) answers.set(job.id, job);
      } catch (err) {
        for (const id of ids) answers.set(id, err as Error);
      }
    }
    return refs.map((ref) => answers.get(ref.id) ?? null);
  }

  /**
   * Runs a claimed job to its next state. The handler's signal aborts when the job is cancelled; the
   * job then ends `canceled` as soon as the handler gives up. Throws only if the database cannot
   * record the outcome; the lease then brings the job back.
   */
  async run(job: Job): Promise<Offer> {
    const renewal = setInterval(() => void this.renew(job), (this.config.jobs.leaseSeconds * 1000) / 3);
    const signal = this.cancellations.watch(job);
    try {
      await this.succeed(job, await this.registry.handler(job.type).run(this.runOf(job, signal)));
      return {};
    } catch (err) {
      if (signal.aborted) {
        await this.discard(job);
        return {};
      }
      return await this.failed(job, err);
    } finally {
      clearInterval(renewal);
      this.cancellations.unwatch(job.id);
    }
  }

  /** What the handler gets: the job, its signal, and its checkpoint (saved on the row only while this run holds the job). */
  private runOf(job: Job, signal: AbortSignal): JobRun {
    let lastProgressAt = 0;
    return {
      job,
      signal,
      previousCheckpoint: job.checkpoint,
      checkpoint: async (remoteId) => {
        if (remoteId.length > 255) throw new Error('a checkpoint holds at most 255 characters');
        if (!(await this.jobs.saveCheckpoint(job, remoteId))) throw new Error(`job ${job.id} is no longer this run's: its checkpoint was not saved`);
      },
      progress: async (done, total) => {
        if (Date.now() - lastProgressAt < PROGRESS_INTERVAL_MS && done !== total) return;
        lastProgressAt = Date.now();
        await this.jobs.saveProgress(job, { done, total }).catch((err: Error) => this.logger.warn({ jobId: job.id, err: err.message }, 'progress not saved'));
      },
    };
  }

  private async succeed(job: Job, result: JobResult): Promise<void> {
    // A test job is free whatever its handler says the work costs.
    const eventPending = await this.events.needsRecovery(job, 'completed');
    if (await this.completions.run({ job, persist: result.persist, cost: job.test ? 0 : result.cost, eventPending })) {
      // The completion captured the reservation in its transaction.
      if (job.reservationId) this.credits.settledElsewhere(job.orgId);
      this.events.finished(Object.assign(job, { eventPending }), 'completed');
      return;
    }
    await this.discard(job, result);
  }

  /** Cancelled while running, or this run lost the job to another: its work is thrown away, and a cancelled job is paid back. */
  private async discard(job: Job, result?: JobResult): Promise<void> {
    // A file left behind costs storage; failing here would leave the job's credits held.
    await result?.discard?.().catch((err: unknown) => this.logger.error({ err, jobId: job.id }, 'could not discard the output of a discarded run'));
    if (await this.jobs.finish(job.id, ['processing'], 'canceled', null, job.attempts)) {
      if (job.reservationId) await this.credits.release(job.orgId, job.reservationId);
      this.events.finished(job, 'canceled');
    } else {
      this.logger.warn({ jobId: job.id }, 'another run took the job over (this one outlived its lease); its work is discarded');
    }
  }

  private async failed(job: Job, err: unknown): Promise<Offer> {
    if (err instanceof TransientJobError && job.attempts < this.config.jobs.maxAttempts) {
      const later = new Date(Date.now() + Math.max(1000 * 2 ** job.attempts, err.retryAfterMs ?? 0));
      return (await this.jobs.retryLater(job, later, { code: err.code, message: err.message })) ? { later } : {};
    }
    const coded = err instanceof TransientJobError || err instanceof FinalJobError;
    const error = coded ? { code: err.code, message: err.message } : { code: 'job_failed', message: 'The job failed' };
    if (!coded) this.logger.error({ err, jobId: job.id }, 'job failed');
    // If even recording the failure fails (database gone), the lease brings the job back later.
    await this.fail(job, error).catch((failErr: unknown) => this.logger.error({ err: failErr, jobId: job.id }, 'could not record a job failure'));
    return {};
  }

  private abandon(job: DueJob): Promise<void> {
    return this.fail(job, { code: 'job_abandoned', message: `The job stopped ${job.attempts} times without finishing` });
  }

  private async fail(job: DueJob, error: JobError): Promise<void> {
    if (!(await this.jobs.finish(job.id, ['processing'], 'failed', error, job.attempts))) return;
    if (job.reservationId) await this.credits.release(job.orgId, job.reservationId);
    this.events.finished(job, 'failed');
  }

  /** A run that lost its lease finds out when it tries to complete. */
  private async renew(job: Job): Promise<void> {
    try {
      await this.queue.renewLease(job, this.leaseFrom(new Date()));
    } catch (err) {
      this.logger.error({ err, jobId: job.id }, 'could not renew a job lease');
    }
  }

  private leaseFrom(now: Date): Date {
    return new Date(now.getTime() + this.config.jobs.leaseSeconds * 1000);
  }

  private async maxRunning(orgId: string): Promise<number> {
    return (await this.orgs.planOf(orgId)).maxConcurrentJobs;
  }
}
