import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { WebhookEventType } from '../webhooks/webhook-events';
import { WebhookPublisher } from '../webhooks/webhook-publisher';
import { JobEvents } from './job-events';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';
import { runsJobs } from './queue-driver';

const SWEEP_MS = 15_000;
/** The in-process notice normally handles a job within milliseconds; the sweep only takes older ones. */
const SWEEP_GRACE_MS = 10_000;
const SWEEP_BATCH = 100;

/**
 * Publishes job.completed / job.failed / job.canceled. The job row's eventPending flag is cleared only
 * after the deliveries are written (idempotently per event), so an event is never lost to a crash and
 * never delivered twice to one target.
 */
@Injectable()
export class JobNotifier implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('JobNotifier');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly events: JobEvents,
    private readonly jobs: JobsRepository,
    private readonly jobViews: JobsService,
    private readonly publisher: WebhookPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.events.onFinished((jobId) => this.notify(jobId));
  }

  onApplicationBootstrap(): void {
    if (!runsJobs(this.config)) return;
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async notify(jobId: string): Promise<void> {
    const job = await this.jobs.getById(jobId);
    if (!job?.eventPending) return;
    const event = { id: `evt_${job.id}`, type: `job.${job.status}` as WebhookEventType, data: await this.jobViews.describe(job) };
    await this.publisher.publish(job.orgId, event, job.webhookUrl ? { jobId: job.id, url: job.webhookUrl } : undefined);
    await this.jobs.clearEventPending(job.id);
  }

  private async sweep(): Promise<void> {
    try {
      for (const job of await this.jobs.pendingEvents(new Date(Date.now() - SWEEP_GRACE_MS), SWEEP_BATCH)) await this.notify(job.id);
    } catch (err) {
      this.logger.error({ err }, 'could not publish pending job events');
    }
  }
}
