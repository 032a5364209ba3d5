import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobEvents, type FinishedJob } from '../jobs/job-events';
import { JobsRepository } from '../jobs/jobs.repository';
import { FileStore } from '../storage/file-store';
import type { GenerationInput } from './generation.service';

/**
 * Deletes an edit's stored sources once its job has ended, whatever the ending: a completed job's
 * handler already removed them, but a failed or cancelled one would otherwise keep them forever.
 */
@Injectable()
export class SourceCleanup implements OnModuleInit {
  constructor(private readonly events: JobEvents, private readonly jobs: JobsRepository, private readonly files: FileStore) {}

  onModuleInit(): void {
    this.events.onFinished((job) => this.clean(job));
  }

  async clean(job: FinishedJob): Promise<void> {
    const input = job.input ?? (await this.jobs.getById(job.id))?.input;
    const sources = (input as GenerationInput | undefined)?.sources ?? [];
    await Promise.all(sources.map((s) => this.files.delete(s.storageKey)));
  }
}
