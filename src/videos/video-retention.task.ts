import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PeriodicTask } from '../common/periodic-task';
import { FileStore } from '../storage/file-store';
import { VideosRepository } from './videos.repository';

const EVERY_MS = 3600_000;
const BATCH = 500;

/** Purges videos past IMAGE_RETENTION_DAYS, rows and files, every hour (and once at start), as images are. */
@Injectable()
export class VideoRetentionTask implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('VideoRetention');
  private readonly task = new PeriodicTask((now) => this.purgeAll(now), EVERY_MS);

  constructor(private readonly videos: VideosRepository, private readonly files: FileStore, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    if (!this.config.files.retentionDays) return;
    this.task.start();
    void this.task.run();
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  /** Deletes expired videos in batches; returns how many went. */
  purge(now = new Date()): Promise<number> {
    return this.task.run(now);
  }

  private async purgeAll(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.files.retentionDays * 86_400_000);
    let purged = 0;
    try {
      for (let batch = await this.videos.olderThan(cutoff, BATCH); batch.length; batch = await this.videos.olderThan(cutoff, BATCH)) {
        for (const video of batch) {
          await this.videos.remove(video);
          await this.files.delete(video.storageKey);
          purged++;
        }
      }
      if (purged) this.logger.log(`purged ${purged} video(s) older than ${this.config.files.retentionDays} days`);
    } catch (err) {
      this.logger.error({ err }, 'video retention purge failed');
    }
    return purged;
  }
}
