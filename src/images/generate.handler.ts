import { Image } from '../images/image.entity';
import type { Job } from '../jobs/job.entity';
import { JobHandler, type JobResult, type JobRun } from '../jobs/job-handler';
import { ProviderCalls } from '../providers/provider-calls';
import { LIBRARY_TARGET } from '../providers/provider-router';
import { FileStore } from '../storage/file-store';
import { storedSources, type GenerationInput, type StoredSource } from './generation.service';

/** Runs images.generate and images.edit jobs: render with the provider, store each image encrypted, return the rows to persist. */
@JobHandler('images.generate', 'images.edit')
export class GenerateHandler implements JobHandler {
  constructor(private readonly providers: ProviderCalls, private readonly files: FileStore) {}

  /** `signal` aborts when the job is cancelled: the provider is handed it, and nothing is stored after it fires. */
  async run({ job, signal, previousCheckpoint, checkpoint, progress }: JobRun): Promise<JobResult> {
    const input = job.input as unknown as GenerationInput;
    if (input.library) return this.fromLibrary(job, input, input.library);
    const sources = input.sources ? await Promise.all(input.sources.map((s) => this.load(s))) : null;
    const mask = input.mask ? await this.load(input.mask) : undefined;
    // The provider call (its errors already the job's, by catalogue code) and the price it quotes.
    // `provider` and `model`: the target that answered, a fallback perhaps.
    const { images: rendered, cost, provider, model } = await this.providers.images({
      jobId: job.id, orgId: job.orgId, attempt: job.attempts, provider: input.provider, fallback: input.fallback, test: job.test, signal, previousCheckpoint, checkpoint,
      progress: (fraction) => void progress(Math.round(fraction * 100), 100).catch(() => undefined),
      request: sources ? { operation: 'edit', input: { ...input, images: sources, mask } } : { operation: 'generate', input },
    });
    signal.throwIfAborted();
    const images: Image[] = [];
    for (const [i, out] of rendered.entries()) {
      // Keyed by attempt: a job run again after a crash never touches the files of another run.
      const storageKey = `images/${job.orgId}/${job.id}-${job.attempts}-${i}`;
      await this.files.put(storageKey, out.data);
      images.push(Object.assign(new Image(), {
        orgId: job.orgId, jobId: job.id, storageKey, format: out.format, width: out.width, height: out.height, bytes: out.data.length,
        prompt: input.prompt, style: input.style ?? null, provider, model, seed: out.seed, createdBy: job.createdBy, endUserId: job.endUserId, test: job.test,
      }));
    }
    // The sources served their purpose; a retry after a failure still finds them.
    await Promise.all(storedSources(input).map((s) => this.files.delete(s.storageKey)));
    return {
      persist: images,
      cost,
      discard: async () => void (await Promise.all(images.map((image) => this.files.delete(image.storageKey)))),
    };
  }

  /** The library's answer: the asset's copy made when the job was created becomes the job's image (provider `library`, model the asset's id). */
  private async fromLibrary(job: Job, input: GenerationInput, library: NonNullable<GenerationInput['library']>): Promise<JobResult> {
    const data = await this.files.get(library.storageKey);
    if (!data) throw new Error(`the library copy ${library.storageKey} is missing`);
    const storageKey = `images/${job.orgId}/${job.id}-${job.attempts}-0`;
    await this.files.put(storageKey, data);
    await this.files.delete(library.storageKey);
    const image = Object.assign(new Image(), {
      orgId: job.orgId, jobId: job.id, storageKey, format: library.format, width: library.width, height: library.height, bytes: data.length,
      prompt: input.prompt, style: input.style ?? null, provider: LIBRARY_TARGET, model: library.assetId, seed: input.seed, createdBy: job.createdBy, endUserId: job.endUserId, test: job.test,
    });
    return { persist: [image], cost: library.price, discard: () => this.files.delete(storageKey) };
  }

  /** About a second an image. */
  estimatedSeconds(job: Job): number {
    return Number(job.input.n) || 1;
  }

  private async load(source: StoredSource) {
    const data = await this.files.get(source.storageKey);
    if (!data) throw new Error(`source ${source.storageKey} is missing`);
    return { data, mimeType: source.mimeType };
  }
}
