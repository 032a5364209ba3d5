import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { PeriodicTask } from '../common/periodic-task';
import type { FileStore } from './file-store';

const EVERY_MS = 3600_000;
const BATCH = 500;

/** Rows that each own a stored file, as a retention task finds and removes them. */
export interface ExpiringFiles<T extends { storageKey: string }> {
  olderThan(cutoff: Date, limit: number): Promise<T[]>;
  remove(row: T): Promise<void>;
}

/**
 * Purges rows past IMAGE_RETENTION_DAYS, with their files, every hour (and once at start), in batches:
 * the one mechanism behind the gallery's images and the videos. `noun` names them in the log.
 */
export abstract class FileRetentionTask<T extends { storageKey: string }> implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;
  private readonly task = new PeriodicTask((now) => this.purgeAll(now), EVERY_MS);

  protected constructor(private readonly noun: string, private readonly rows: ExpiringFiles<T>, private readonly files: FileStore, private readonly config: AppConfig) {
    this.logger = new Logger(`Retention:${noun}`);
  }

  onApplicationBootstrap(): void {
    if (!this.config.files.retentionDays) return;
    this.task.start();
    void this.task.run();
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  /** Deletes the expired rows and files in batches; returns how many went. */
  purge(now = new Date()): Promise<number> {
    return this.task.run(now);
  }

  private async purgeAll(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.files.retentionDays * 86_400_000);
    let purged = 0;
    try {
      for (let batch = await this.rows.olderThan(cutoff, BATCH); batch.length; batch = await this.rows.olderThan(cutoff, BATCH)) {
        for (const row of batch) {
          await this.rows.remove(row);
          await this.files.delete(row.storageKey);
          purged++;
        }
      }
      if (purged) this.logger.log(`purged ${purged} ${this.noun} older than ${this.config.files.retentionDays} days`);
    } catch (err) {
      this.logger.error({ err }, `${this.noun} retention purge failed`);
    }
    return purged;
  }
}
