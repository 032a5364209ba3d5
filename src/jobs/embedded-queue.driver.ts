import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Pump } from '../common/pump';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { runsJobs } from '../config/process-role';
import { JobLifecycle } from './job-lifecycle';
import type { Job } from './job.entity';
import { QueueDriver } from './queue-driver';

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
  /** Looks for work now instead of at the next poll; a kick during a look makes it look once more. */
  private readonly pump = new Pump(() => this.claimAndStart(), (err) => this.logger.error({ err }, 'job runner could not fetch work'));

  constructor(private readonly lifecycle: JobLifecycle, @Inject(APP_CONFIG) private readonly config: AppConfig) {
    super();
  }

  enqueue(): Promise<void> {
    this.pump.kick();
    return Promise.resolve();
  }

  onApplicationBootstrap(): void {
    if (runsJobs(this.config)) this.pump.start(POLL_MS);
  }

  /** Lets the jobs in hand finish before the database closes; anything not started waits for the next start. */
  async onModuleDestroy(): Promise<void> {
    await this.pump.stop();
    await Promise.allSettled([...this.running]);
  }

  private async claimAndStart(): Promise<void> {
    while (!this.pump.stopping) {
      const free = this.config.jobs.concurrency - this.running.size;
      if (free <= 0) break;
      const { jobs, more } = await this.lifecycle.claimDue(free);
      // Claimed jobs are in hand: they run even if the node began to stop meanwhile.
      for (const job of jobs) this.start(job);
      // None left to look for: a job queued meanwhile in this process kicks the pump again, and the poll finds other processes' jobs.
      if (!jobs.length || !more) break;
    }
  }

  private start(job: Job): void {
    const run = this.lifecycle
      .run(job)
      .then(() => undefined)
      .catch((err: unknown) => this.logger.error({ err, jobId: job.id }, 'job runner error; the lease will bring the job back'))
      .finally(() => {
        this.running.delete(run);
        this.pump.kick();
      });
    this.running.add(run);
  }
}
