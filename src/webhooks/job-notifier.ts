import { Injectable, OnModuleInit } from '@nestjs/common';
import { Batcher } from '../common/batcher';
import { JobEvents, type FinalStatus, type FinishedJob } from '../jobs/job-events';
import { JobsRepository } from '../jobs/jobs.repository';
import { JobsService } from '../jobs/jobs.service';
import type { WebhookEventType } from './webhook-events';
import { WebhookPublisher } from './webhook-publisher';

/**
 * Publishes job.completed / job.failed / job.canceled when JobEvents announces a job's end. The job
 * row's eventPending flag is set with the final status and cleared here only once the deliveries
 * are written (idempotently, per event and target), so an end announced again after a crash
 * (JobCatchUp) is delivered once. The children of a batch send nothing: their batch sends one event
 * when it ends.
 */
@Injectable()
export class JobNotifier implements OnModuleInit {
  private readonly clears = new Batcher(async (ids: string[]) => {
    await this.jobs.clearEventPending(ids);
    return ids.map(() => undefined);
  });

  constructor(
    private readonly events: JobEvents,
    private readonly jobs: JobsRepository,
    private readonly jobViews: JobsService,
    private readonly publisher: WebhookPublisher,
  ) {}

  onModuleInit(): void {
    this.events.onFinished(
      (job, status) => this.notify(job, status),
      (job, status) => job.parentId === null && this.hasAudience(job, status),
    );
  }

  /**
   * Most jobs have nobody to tell: then the flag is cleared (in batches) without reading anything, or
   * was never set (a completion with nobody to tell when it was written). A job whose row was
   * completed without the flag but has an audience now (an endpoint added meanwhile) is told all the
   * same: deliveries are written once per event and target.
   */
  async notify(job: FinishedJob, status: FinalStatus): Promise<void> {
    const flagged = job.eventPending !== false;
    if (!(await this.hasAudience(job, status))) return flagged ? this.clears.run(job.id) : undefined;
    const fresh = await this.jobs.getById(job.id);
    if (!fresh || (flagged && !fresh.eventPending)) return;
    if (fresh.parentId === null) {
      const event = { id: `evt_${fresh.id}`, type: eventType(status), data: await this.jobViews.describe(fresh) };
      await this.publisher.publish(fresh.orgId, event, fresh.webhookUrl ? { jobId: fresh.id, url: fresh.webhookUrl } : undefined);
    }
    if (fresh.eventPending) await this.clears.run(fresh.id);
  }

  /** The job's own webhook URL (or not loaded: maybe) or an endpoint subscribed to its end. */
  private async hasAudience(job: FinishedJob, status: FinalStatus): Promise<boolean> {
    return job.webhookUrl !== null || (await this.publisher.hasSubscribers(job.orgId, eventType(status)));
  }
}

function eventType(status: FinalStatus): WebhookEventType {
  return `job.${status}` as WebhookEventType;
}
