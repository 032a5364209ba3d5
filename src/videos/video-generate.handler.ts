import type { Job } from '../jobs/job.entity';
import { JobHandler, type JobResult, type JobRun } from '../jobs/job-handler';
import { ProviderCalls } from '../providers/provider-calls';
import { FileStore } from '../storage/file-store';
import type { VideoJobInput } from './video-generation.service';
import { VideoFiles } from './video-files';
import { Video } from './video.entity';

/** Runs videos.generate jobs: the provider renders (submitted and polled where it is slow), each video is streamed into storage, encrypted. */
@JobHandler('videos.generate')
export class VideoGenerateHandler implements JobHandler {
  constructor(private readonly providers: ProviderCalls, private readonly videoFiles: VideoFiles, private readonly files: FileStore) {}

  async run({ job, signal, previousCheckpoint, checkpoint, progress }: JobRun): Promise<JobResult> {
    const { image: frame, provider, ...input } = job.input as unknown as VideoJobInput;
    const image = frame ? { data: await this.load(frame.storageKey), mimeType: frame.mimeType } : undefined;
    const stored: string[] = [];
    const discard = async () => void (await Promise.all(stored.map((key) => this.files.delete(key))));
    try {
      const answered = await this.providers.videos<Video>({
        jobId: job.id, orgId: job.orgId, attempt: job.attempts, provider, test: job.test, signal, previousCheckpoint, checkpoint, request: { operation: 'video', input: { ...input, image } },
        progress: (fraction) => void progress(Math.round(fraction * 100), 100).catch(() => undefined),
      }, async (output, index, trustedOrigin) => {
        // Keyed by attempt: a job run again after a crash never touches the files of another run.
        const storageKey = `videos/${job.orgId}/${job.id}-${job.attempts}-${index}`;
        stored.push(storageKey);
        const video = await this.videoFiles.store(storageKey, output, trustedOrigin, signal);
        return Object.assign(new Video(), {
          orgId: job.orgId, jobId: job.id, storageKey, mimeType: video.mimeType, bytes: video.bytes,
          width: video.width ?? input.width, height: video.height ?? input.height, durationSeconds: video.durationSeconds ?? input.durationSeconds,
          prompt: input.prompt, provider, model: input.model, createdBy: job.createdBy, endUserId: job.endUserId, test: job.test,
        });
      });
      const { videos, cost } = answered;
      // The target that answered, should a fallback have.
      for (const video of videos) Object.assign(video, { provider: answered.provider, model: answered.model });
      signal.throwIfAborted();
      // The first frame served its purpose; a retry after a failure still finds it.
      if (frame) await this.files.delete(frame.storageKey);
      return { persist: videos, cost, discard };
    } catch (err) {
      await discard();
      throw err;
    }
  }

  /** aura draws a second of video in about a quarter of a second; the providers' own take a minute or more. */
  estimatedSeconds(job: Job): number {
    return job.input.provider === 'aura' ? Math.ceil(Number(job.input.durationSeconds) / 2) : 60;
  }

  private async load(storageKey: string): Promise<Buffer> {
    const data = await this.files.get(storageKey);
    if (!data) throw new Error(`first frame ${storageKey} is missing`);
    return data;
  }
}
