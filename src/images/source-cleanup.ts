import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobEvents, type FinishedJob } from '../jobs/job-events';
import { JobsRepository } from '../jobs/jobs.repository';
import { FileStore } from '../storage/file-store';
import { storedSources, type GenerationInput } from './generation.service';

/**
 * Deletes an edit's stored sources and mask once its job has ended, whatever the ending: a completed job's
 * handler already removed them, but a failed or cancelled one would otherwise keep them forever.
 */
@Injectable()
export class SourceCleanup implements OnModuleInit {
  constructor(private readonly events: JobEvents, private readonly jobs: JobsRepository, private readonly files: FileStore) {}

  onModuleInit(): void {
    this.events.onFinished((job) => this.clean(job), (_job, status) => status !== 'completed');
  }

  async clean(job: FinishedJob): Promise<void> {
    const input = job.input ?? (await this.jobs.getById(job.id))?.input;
    await Promise.all(storedSources((input as GenerationInput | undefined) ?? {}).map((s) => this.files.delete(s.storageKey)));
  }
}
