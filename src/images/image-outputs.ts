import type { Job } from '../jobs/job.entity';
import { JobOutputReader } from '../jobs/job-handler';
import type { ImageOutputDto } from '../jobs/jobs.dto';
import { LIBRARY_TARGET } from '../providers/provider-router';
import { FileStore } from '../storage/file-store';
import { ImagesRepository } from './images.repository';

/** The outputs of generations and edits, as JobDto lists them: their images, each with a fresh signed link. */
@JobOutputReader('images.generate', 'images.edit')
export class ImageOutputs implements JobOutputReader {
  constructor(private readonly images: ImagesRepository, private readonly files: FileStore) {}

  async outputsOf(jobs: Job[]): Promise<Map<string, ImageOutputDto[]>> {
    const byJob = new Map<string, ImageOutputDto[]>();
    for (const image of await this.images.outputsOfJobs(jobs.map((j) => j.id))) {
      const output = { id: image.id, url: this.files.link(image.id).url, width: image.width, height: image.height, format: image.format, bytes: image.bytes, source: image.provider === LIBRARY_TARGET ? 'library' as const : 'generated' as const, ...(image.test ? { test: true } : {}) };
      byJob.set(image.jobId, [...(byJob.get(image.jobId) ?? []), output]);
    }
    return byJob;
  }
}
