import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CreditsService } from '../credits/credits.service';
import type { Image } from '../images/image.entity';
import { FileStore } from '../storage/file-store';
import { JobEvents } from './job-events';
import type { Job, JobError, JobType } from './job.entity';
import { JobsRepository } from './jobs.repository';

export interface JobResult {
  images: Image[];
  cost: number;
}

export interface JobHandler {
  run(job: Job): Promise<JobResult>;
}

/** An error worth another try (a provider timing out); anything else fails the job at once. */
export class TransientJobError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

const POLL_MS = 500;

/**
 * The embedded queue: job rows are the queue. A node claims a due job with a lease (a conditional
 * UPDATE, so two nodes never run one job), runs its handler, then completes it and captures its
 * credits, or fails it and releases them. Jobs queued before a restart are picked up again, and a
 * job whose node died mid-run is claimed again when its lease runs out.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly handlers = new Map<JobType, JobHandler>();
  private readonly finished = new EventEmitter().setMaxListeners(0);
  private readonly running = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private pumping: Promise<void> | null = null;
  private stopping = false;

  constructor(
    private readonly jobs: JobsRepository,
    private readonly credits: CreditsService,
    private readonly files: FileStore,
    private readonly events: JobEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Handlers register at start-up; a type registered twice is a programming error. */
  register(type: JobType, handler: JobHandler): void {
    if (this.handlers.has(type)) throw new Error(`two handlers for job type ${type}`);
    this.handlers.set(type, handler);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), POLL_MS);
    this.timer.unref();
    this.kick();
  }

  /** Lets the jobs in hand finish before the database closes; anything not started waits for the next start. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.pumping;
    await Promise.allSettled([...this.running]);
  }

  /** Looks for work now (after a job was queued) instead of at the next poll. */
  kick(): void {
    if (!this.pumping && !this.stopping) this.pumping = this.pump().finally(() => (this.pumping = null));
  }

  /** Resolves when the job finishes or after `ms`, whichever is first. */
  waitFor(jobId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.finished.off(jobId, done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.finished.on(jobId, done);
    });
  }

  private async pump(): Promise<void> {
    try {
      while (!this.stopping && this.running.size < this.config.jobs.concurrency) {
        const job = await this.jobs.nextRunnable(new Date());
        if (!job) break;
        if (job.status === 'processing' && job.attempts >= this.config.jobs.maxAttempts) {
          await this.fail(job, { code: 'job_abandoned', message: `The job stopped ${job.attempts} times without finishing` });
          continue;
        }
        const leaseUntil = new Date(Date.now() + this.config.jobs.leaseSeconds * 1000);
        // Claimed just as the node began to stop: leave it; its lease expires and it runs elsewhere or after restart.
        if (!(await this.jobs.claim(job, leaseUntil)) || this.stopping) continue;
        job.attempts += 1;
        const run = this.run(job)
          .catch((err: unknown) => this.logger.error({ err, jobId: job.id }, 'job runner error; the lease will bring the job back'))
          .finally(() => {
            this.running.delete(run);
            this.kick();
          });
        this.running.add(run);
      }
    } catch (err) {
      this.logger.error({ err }, 'job runner could not fetch work');
    }
  }

  private async run(job: Job): Promise<void> {
    const handler = this.handlers.get(job.type);
    try {
      if (!handler) throw new Error(`no handler for job type ${job.type}`);
      const result = await handler.run(job);
      if (await this.jobs.complete(job, result.images, result.cost)) {
        if (job.reservationId) await this.credits.capture(job.orgId, job.reservationId);
        this.events.finished(job.id);
      } else {
        // Cancelled while running: the work is thrown away and paid back.
        await Promise.all(result.images.map((i) => this.files.delete(i.storageKey)));
        if (await this.jobs.finish(job.id, ['processing'], 'canceled', null)) this.events.finished(job.id);
        if (job.reservationId) await this.credits.release(job.orgId, job.reservationId);
      }
    } catch (err) {
      if (err instanceof TransientJobError && job.attempts < this.config.jobs.maxAttempts) {
        const backoff = 1000 * 2 ** job.attempts;
        await this.jobs.retryLater(job.id, new Date(Date.now() + backoff), { code: err.code, message: err.message });
        return;
      }
      const error = err instanceof TransientJobError ? { code: err.code, message: err.message } : { code: 'job_failed', message: 'The job failed' };
      if (!(err instanceof TransientJobError)) this.logger.error({ err, jobId: job.id }, 'job failed');
      // If even recording the failure fails (database gone), the lease brings the job back later.
      await this.fail(job, error).catch((failErr: unknown) => this.logger.error({ err: failErr, jobId: job.id }, 'could not record a job failure'));
    } finally {
      this.finished.emit(job.id);
    }
  }

  private async fail(job: Job, error: JobError): Promise<void> {
    if (await this.jobs.finish(job.id, ['processing', 'queued'], 'failed', error)) {
      if (job.reservationId) await this.credits.release(job.orgId, job.reservationId);
      this.events.finished(job.id);
    }
    this.finished.emit(job.id);
  }
}
