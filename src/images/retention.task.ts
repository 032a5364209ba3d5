import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PeriodicTask } from '../common/periodic-task';
import { FileStore } from '../storage/file-store';
import { ImagesRepository } from './images.repository';

const EVERY_MS = 3600_000;
const BATCH = 500;

/** Purges images past IMAGE_RETENTION_DAYS, rows and files, every hour (and once at start). */
@Injectable()
export class RetentionTask implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Retention');
  private readonly task = new PeriodicTask((now) => this.purgeAll(now), EVERY_MS);

  constructor(private readonly images: ImagesRepository, private readonly files: FileStore, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    if (!this.config.files.retentionDays) return;
    this.task.start();
    void this.task.run();
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  /** Deletes expired images in batches; returns how many went. */
  purge(now = new Date()): Promise<number> {
    return this.task.run(now);
  }

  private async purgeAll(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.files.retentionDays * 86_400_000);
    let purged = 0;
    try {
      for (let batch = await this.images.olderThan(cutoff, BATCH); batch.length; batch = await this.images.olderThan(cutoff, BATCH)) {
        for (const image of batch) {
          await this.images.remove(image);
          await this.files.delete(image.storageKey);
          purged++;
        }
      }
      if (purged) this.logger.log(`purged ${purged} image(s) older than ${this.config.files.retentionDays} days`);
    } catch (err) {
      this.logger.error({ err }, 'retention purge failed');
    }
    return purged;
  }
}
