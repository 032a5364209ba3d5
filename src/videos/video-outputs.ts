import type { Job } from '../jobs/job.entity';
import { JobOutputReader } from '../jobs/job-handler';
import type { VideoOutputDto } from '../jobs/jobs.dto';
import { VideoLinks } from './video-links';
import { VideosRepository } from './videos.repository';

/** The outputs of video jobs, as JobDto lists them: their videos, each with a fresh signed link. */
@JobOutputReader('videos.generate')
export class VideoOutputs implements JobOutputReader {
  constructor(private readonly videos: VideosRepository, private readonly links: VideoLinks) {}

  async outputsOf(jobs: Job[]): Promise<Map<string, VideoOutputDto[]>> {
    const byJob = new Map<string, VideoOutputDto[]>();
    for (const video of await this.videos.ofJobs(jobs.map((j) => j.id))) {
      const output = { id: video.id, url: this.links.link(video).url, mimeType: video.mimeType, width: video.width, height: video.height, durationSeconds: video.durationSeconds, bytes: video.bytes, ...(video.test ? { test: true } : {}) };
      byJob.set(video.jobId, [...(byJob.get(video.jobId) ?? []), output]);
    }
    return byJob;
  }
}
