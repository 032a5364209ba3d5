import { Injectable, OnModuleInit } from '@nestjs/common';
import { Image } from '../images/image.entity';
import type { Job } from '../jobs/job.entity';
import { TransientJobError, type JobHandler, type JobResult } from '../jobs/job-handler';
import { JobLifecycle } from '../jobs/job-lifecycle';
import { PluginRegistry } from '../plugins/plugin-registry';
import { FileStore } from '../storage/file-store';
import type { GenerationInput } from './generation.service';

/** Runs images.generate and images.edit jobs: render with the provider, store each image encrypted, return the rows. */
@Injectable()
export class GenerateHandler implements JobHandler, OnModuleInit {
  constructor(private readonly lifecycle: JobLifecycle, private readonly registry: PluginRegistry, private readonly files: FileStore) {}

  onModuleInit(): void {
    this.lifecycle.register('images.generate', this);
    this.lifecycle.register('images.edit', this);
  }

  /** `signal` aborts when the job is cancelled: the provider is handed it, and nothing is stored after it fires. */
  async run(job: Job, signal: AbortSignal): Promise<JobResult> {
    const input = job.input as unknown as GenerationInput;
    const provider = this.registry.provider(input.provider);
    if (!provider) throw new Error(`provider ${input.provider} is no longer loaded`);
    const sources = input.sources ? await this.loadSources(input.sources) : null;
    let rendered;
    try {
      rendered = sources ? await provider.plugin.edit({ ...input, images: sources }, { signal }) : await provider.plugin.generate(input, { signal });
    } catch (err) {
      // Cancelled: not the provider's failure, so not worth a retry.
      signal.throwIfAborted();
      throw new TransientJobError('provider_unavailable', `${provider.metadata.name} failed: ${(err as Error).message}`);
    }
    signal.throwIfAborted();
    const images: Image[] = [];
    for (const [i, out] of rendered.entries()) {
      // Keyed by attempt: a job run again after a crash never touches the files of another run.
      const storageKey = `images/${job.orgId}/${job.id}-${job.attempts}-${i}`;
      await this.files.put(storageKey, out.data);
      images.push(Object.assign(new Image(), {
        orgId: job.orgId, jobId: job.id, storageKey, format: out.format, width: out.width, height: out.height, bytes: out.data.length,
        prompt: input.prompt, style: input.style ?? null, provider: input.provider, model: input.model, seed: out.seed, createdBy: job.createdBy, endUserId: job.endUserId,
      }));
    }
    // The sources served their purpose; a retry after a failure still finds them.
    await Promise.all((input.sources ?? []).map((s) => this.files.delete(s.storageKey)));
    return { images, cost: (provider.metadata.pricing[sources ? 'edit' : 'generate'] ?? 1) * input.n };
  }

  private async loadSources(sources: NonNullable<GenerationInput['sources']>) {
    return Promise.all(sources.map(async (s) => {
      const data = await this.files.get(s.storageKey);
      if (!data) throw new Error(`source ${s.storageKey} is missing`);
      return { data, mimeType: s.mimeType };
    }));
  }
}
