import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JobLifecycle } from './job-lifecycle';
import type { Job } from './job.entity';
import { QueueDriver, runsJobs } from './queue-driver';

const POLL_MS = 500;

/**
 * The embedded queue: the job rows are the queue. Each worker polls for due jobs (and looks at once
 * when a job is queued in this process or one of its own finishes), claims as many as it has free
 * slots in one statement per organisation, and runs them. Jobs queued before a restart are found
 * again, and so is a job whose worker died, once its lease runs out.
 */
@Injectable()
export class EmbeddedQueueDriver extends QueueDriver implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly running = new Set<Promise<void>>();
  private readonly active: boolean;
  private timer?: NodeJS.Timeout;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private stopping = false;

  constructor(private readonly lifecycle: JobLifecycle, @Inject(APP_CONFIG) private readonly config: AppConfig) {
    super();
    this.active = runsJobs(config);
  }

  enqueue(): Promise<void> {
    this.kick();
    return Promise.resolve();
  }

  onApplicationBootstrap(): void {
    if (!this.active) return;
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

  /** Looks for work now instead of at the next poll; a kick during a look makes it look once more. */
  private kick(): void {
    if (!this.active || this.stopping) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (this.pumpAgain) {
        this.pumpAgain = false;
        this.kick();
      }
    });
  }

  private async pump(): Promise<void> {
    try {
      while (!this.stopping) {
        const free = this.config.jobs.concurrency - this.running.size;
        if (free <= 0) break;
        const jobs = await this.lifecycle.claimDue(free);
        if (!jobs.length) break;
        // Claimed jobs are in hand: they run even if the node began to stop meanwhile.
        for (const job of jobs) this.start(job);
      }
    } catch (err) {
      this.logger.error({ err }, 'job runner could not fetch work');
    }
  }

  private start(job: Job): void {
    const run = this.lifecycle
      .run(job)
      .then(() => undefined)
      .catch((err: unknown) => this.logger.error({ err, jobId: job.id }, 'job runner error; the lease will bring the job back'))
      .finally(() => {
        this.running.delete(run);
        this.kick();
      });
    this.running.add(run);
  }
}
