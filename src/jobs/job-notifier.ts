import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CreditsService } from '../credits/credits.service';
import type { WebhookEventType } from '../webhooks/webhook-events';
import { WebhookPublisher } from '../webhooks/webhook-publisher';
import { Batcher } from './batcher';
import { JobEvents, type FinalStatus, type FinishedJob } from './job-events';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';
import { runsJobs } from './queue-driver';

const SWEEP_MS = 15_000;
/** The in-process notice normally handles a job within milliseconds; the sweep only takes older ones. */
const SWEEP_GRACE_MS = 10_000;
const SWEEP_BATCH = 100;

/**
 * Publishes job.completed / job.failed / job.canceled. The job row's eventPending flag is set with the
 * final status and cleared only after the credits are settled and the deliveries written (both
 * idempotent), so a process that died in between leaves the flag, and the sweep here finishes both:
 * no reservation stays open, no event is lost, none is delivered twice to one target.
 */
@Injectable()
export class JobNotifier implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('JobNotifier');
  private timer?: NodeJS.Timeout;
  private readonly clears = new Batcher(async (ids: string[]) => {
    await this.jobs.clearEventPending(ids);
    return ids.map(() => undefined);
  });

  constructor(
    private readonly events: JobEvents,
    private readonly jobs: JobsRepository,
    private readonly jobViews: JobsService,
    private readonly publisher: WebhookPublisher,
    private readonly credits: CreditsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.events.onFinished((job, status) => this.notify(job, status));
  }

  onApplicationBootstrap(): void {
    if (!runsJobs(this.config)) return;
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Most jobs have nobody to tell: then the flag is cleared (in batches) without reading anything. */
  async notify(job: FinishedJob, status: FinalStatus): Promise<void> {
    const type = `job.${status}` as WebhookEventType;
    if (job.webhookUrl === null && !(await this.publisher.hasSubscribers(job.orgId, type))) return this.clears.run(job.id);
    const fresh = await this.jobs.getById(job.id);
    if (!fresh?.eventPending) return;
    const event = { id: `evt_${fresh.id}`, type, data: await this.jobViews.describe(fresh) };
    await this.publisher.publish(fresh.orgId, event, fresh.webhookUrl ? { jobId: fresh.id, url: fresh.webhookUrl } : undefined);
    await this.clears.run(fresh.id);
  }

  /** Settles and announces jobs whose process stopped after their final status was written. */
  async catchUp(finishedBefore = new Date(Date.now() - SWEEP_GRACE_MS)): Promise<void> {
    for (const job of await this.jobs.pendingEvents(finishedBefore, SWEEP_BATCH)) {
      const status = job.status as FinalStatus;
      if (job.reservationId && (status === 'completed' ? await this.credits.capture(job.orgId, job.reservationId) : await this.credits.release(job.orgId, job.reservationId))) {
        this.logger.warn({ jobId: job.id }, `settled the credits of a ${status} job its process left open`);
      }
      await this.notify(job, status);
    }
  }

  private async sweep(): Promise<void> {
    try {
      await this.catchUp();
    } catch (err) {
      this.logger.error({ err }, 'could not catch up on finished jobs');
    }
  }
}
