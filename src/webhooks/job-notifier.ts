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
    this.events.onFinished((job, status) => this.notify(job, status));
  }

  /** Most jobs have nobody to tell: then the flag is cleared (in batches) without reading anything. */
  async notify(job: FinishedJob, status: FinalStatus): Promise<void> {
    const type = `job.${status}` as WebhookEventType;
    if (job.webhookUrl === null && !(await this.publisher.hasSubscribers(job.orgId, type))) return this.clears.run(job.id);
    const fresh = await this.jobs.getById(job.id);
    if (!fresh?.eventPending) return;
    if (fresh.parentId === null) {
      const event = { id: `evt_${fresh.id}`, type, data: await this.jobViews.describe(fresh) };
      await this.publisher.publish(fresh.orgId, event, fresh.webhookUrl ? { jobId: fresh.id, url: fresh.webhookUrl } : undefined);
    }
    await this.clears.run(fresh.id);
  }
}
