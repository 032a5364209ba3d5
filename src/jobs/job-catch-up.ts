import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { runsJobs } from '../config/process-role';
import { CreditsService } from '../credits/credits.service';
import { JobEvents, type FinalStatus } from './job-events';
import { JobsRepository } from './jobs.repository';

const SWEEP_MS = 15_000;
/** The in-process notice normally handles a job within milliseconds; the sweep only takes older ones. */
const SWEEP_GRACE_MS = 10_000;
const SWEEP_BATCH = 100;

/**
 * Finishes what a process that died left undone after a job's final status was written. The row's
 * eventPending flag is set with that status and cleared only once the job's end has been handled
 * (JobNotifier clears it after writing its webhook deliveries); a flag still set after a while means
 * the process stopped in between, so this settles the job's credits (capture and release are
 * idempotent) and announces its end again on JobEvents, whose listeners are idempotent too: no
 * reservation stays open, no event is lost, none is delivered twice to one target.
 */
@Injectable()
export class JobCatchUp implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly sweep = new PeriodicTask(() => this.catchUpNow(), SWEEP_MS);

  constructor(
    private readonly jobs: JobsRepository,
    private readonly credits: CreditsService,
    private readonly events: JobEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (runsJobs(this.config)) this.sweep.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.sweep.stop();
  }

  /** Settles and announces the jobs that ended before `finishedBefore` and were left pending. */
  async catchUp(finishedBefore = new Date(Date.now() - SWEEP_GRACE_MS)): Promise<void> {
    for (const job of await this.jobs.pendingEvents(finishedBefore, SWEEP_BATCH)) {
      const status = job.status as FinalStatus;
      if (job.reservationId && (status === 'completed' ? await this.credits.capture(job.orgId, job.reservationId) : await this.credits.release(job.orgId, job.reservationId))) {
        this.logger.warn({ jobId: job.id }, `settled the credits of a ${status} job its process left open`);
      }
      await this.events.announce(job, status);
    }
  }

  private async catchUpNow(): Promise<void> {
    try {
      await this.catchUp();
    } catch (err) {
      this.logger.error({ err }, 'could not catch up on finished jobs');
    }
  }
}
