import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { FileStore } from '../storage/file-store';
import { ImagesRepository } from './images.repository';

const EVERY_MS = 3600_000;
const BATCH = 500;

/** Purges images past IMAGE_RETENTION_DAYS, rows and files, every hour (and once at start). */
@Injectable()
export class RetentionTask implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Retention');
  private timer?: NodeJS.Timeout;
  private running: Promise<number> | null = null;

  constructor(private readonly images: ImagesRepository, private readonly files: FileStore, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    if (!this.config.files.retentionDays) return;
    this.timer = setInterval(() => void this.purge(), EVERY_MS);
    this.timer.unref();
    void this.purge();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes expired images in batches; returns how many went. */
  purge(now = new Date()): Promise<number> {
    this.running ??= this.purgeAll(now).finally(() => (this.running = null));
    return this.running;
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
