import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { ImageOutputs } from '../../images/image-outputs';
import type { Job } from '../../jobs/job.entity';
import { JobOutputReader } from '../../jobs/job-handler';
import { STUDIO_JOB_TYPES } from './studio-operations';
import { StudioResult } from './studio-result.entity';

@Injectable()
export class StudioResultsRepository {
  constructor(private readonly em: EntityManager) {}

  /** The reports of these jobs, each read within its organisation. */
  ofJobs(jobs: Pick<Job, 'id' | 'orgId'>[]): Promise<StudioResult[]> {
    return this.em.fork().find(StudioResult, { $or: jobs.map((job) => ({ jobId: job.id, orgId: job.orgId })) });
  }
}

/** The outputs of studio jobs as JobDto shows them: the image (as generations show theirs), and the report (steps, compliance). */
@JobOutputReader(...STUDIO_JOB_TYPES)
export class StudioOutputs implements JobOutputReader {
  constructor(private readonly images: ImageOutputs, private readonly results: StudioResultsRepository) {}

  outputsOf(jobs: Job[]): Promise<Map<string, object[]>> {
    return this.images.outputsOf(jobs);
  }

  async reportsOf(jobs: Job[]): Promise<Map<string, Record<string, unknown>>> {
    if (!jobs.length) return new Map();
    return new Map((await this.results.ofJobs(jobs)).map((row) => [row.jobId, { ...row.report }]));
  }
}
