import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { runsJobs } from '../config/process-role';
import { WebhooksRepository } from './webhooks.repository';

const EVERY_MS = 3600_000;
const BATCH = 500;

/** Deletes finished deliveries (and their attempts) older than WEBHOOK_LOG_RETENTION_DAYS, hourly on workers, so the log does not grow forever. */
@Injectable()
export class DeliveryLogRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly task = new PeriodicTask((now) => this.purgeAll(now), EVERY_MS);

  constructor(private readonly repo: WebhooksRepository, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    if (runsJobs(this.config)) this.task.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  /** Returns how many deliveries went. Pending ones stay, however old. */
  purge(now = new Date()): Promise<number> {
    return this.task.run(now);
  }

  private async purgeAll(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.webhooks.logRetentionDays * 86_400_000);
    let purged = 0;
    try {
      for (let n = await this.repo.deleteFinishedBefore(cutoff, BATCH); n; n = await this.repo.deleteFinishedBefore(cutoff, BATCH)) purged += n;
      if (purged) this.logger.log(`purged ${purged} webhook deliveries older than ${this.config.webhooks.logRetentionDays} days`);
    } catch (err) {
      this.logger.error({ err }, 'webhook delivery log purge failed');
    }
    return purged;
  }
}
