import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { readableEndUser } from '../tenancy/end-user';
import { OrgDirectory } from '../tenancy/org-directory';
import { orgIdOf, type RequestAuth } from '../tenancy/principal';
import { JobOperation, type PreparedJob } from '../jobs/job-operation';
import { JobSubmitter, type Submitted } from '../jobs/job-submitter';
import type { Job } from '../jobs/job.entity';
import type { VideoInput } from '../plugins/provider-operations';
import type { ProviderModel } from '../plugins/provider-models';
import { ProviderRouter } from '../providers/provider-router';
import { FileStore } from '../storage/file-store';
import { sizeForAspectRatio } from '../images/aspect-sizes';
import type { SourceImageDto } from '../images/generation.dto';
import { MAX_SOURCE_BYTES } from '../images/generation.service';
import { ImagesRepository } from '../images/images.repository';
import { base64Source, decodeSource } from '../images/source-image';
import { SourceDownloader } from '../images/source-downloader';
import { VideoCreateDto } from './videos.dto';

/** A video job's input: what the provider is asked, which provider, and the first frame stored until the job ends. */
export interface VideoJobInput extends Omit<VideoInput, 'image' | 'options'> {
  provider: string;
  /** The request's providerOptions for its provider, by id. */
  providerOptions?: Record<string, Record<string, unknown>>;
  image?: { storageKey: string; mimeType: string };
}

/** Models that do not say which lengths they render take any the request's bounds allow, 5 by default. */
const DEFAULT_SECONDS = 5;

const invalid = (field: string, message: string) => new AppError('validation_failed', message, { fields: [{ field, messages: [message] }] });

/**
 * The videos.generate operation: always a job answered at once (202), never waited for. Checks the
 * request against the plan (the video feature) and the provider's model (size, length), prices it,
 * and stores a first frame until the job ends.
 */
@Injectable()
export class VideoGenerationService {
  constructor(
    private readonly router: ProviderRouter,
    private readonly orgs: OrgDirectory,
    private readonly submitter: JobSubmitter,
    private readonly files: FileStore,
    private readonly images: ImagesRepository,
    private readonly downloads: SourceDownloader,
  ) {}

  create(auth: RequestAuth, dto: VideoCreateDto, idempotencyKey?: string): Promise<Submitted> {
    return this.submitter.submit(auth, { operation: 'videos.generate', dto }, { waitSeconds: 0, idempotencyKey, webhookUrl: dto.webhookUrl });
  }

  @JobOperation({ name: 'videos.generate', dto: VideoCreateDto, scope: 'videos:generate', units: () => 1 })
  async prepare(auth: RequestAuth, dto: VideoCreateDto, job: Job): Promise<PreparedJob> {
    const orgId = orgIdOf(auth);
    const plan = await this.orgs.planOf(orgId);
    if (!plan.features.video) throw new AppError('plan_limit', `The ${plan.name} plan does not include video`, { feature: 'video' });
    const route = this.router.route('video', dto.provider, dto.model);
    if (dto.size && dto.aspectRatio) throw invalid('size', 'give size or aspectRatio, not both');
    if (dto.metadata && (Object.keys(dto.metadata).length > 16 || Object.values(dto.metadata).some((v) => typeof v !== 'string' || v.length > 500))) {
      throw invalid('metadata', 'metadata holds at most 16 string values of up to 500 characters');
    }
    const [width, height] = (dto.size ?? sizeForAspectRatio(route.model, dto.aspectRatio ?? '16:9')).split('x').map(Number);
    if (width > plan.maxWidth || height > plan.maxHeight) {
      throw new AppError('plan_limit', `The ${plan.name} plan allows up to ${plan.maxWidth}x${plan.maxHeight}`, { maxWidth: plan.maxWidth, maxHeight: plan.maxHeight });
    }
    this.router.check(route, { width, height });
    const durationSeconds = durationFor(route.model, dto.durationSeconds);
    const providerOptions = this.router.requestOptions([route], dto.providerOptions);
    const input: VideoJobInput = {
      provider: route.provider.id, model: route.model.id, prompt: dto.prompt, negativePrompt: dto.negativePrompt, width, height, durationSeconds, seed: dto.seed ?? randomInt(0, 2_147_483_647),
      ...(providerOptions ? { providerOptions } : {}),
    };
    // On the organisation's own key (BYOK) it pays the platform fee only.
    const key = await this.router.credentialsFor(job.orgId, route.provider);
    const price = this.router.charge(route, { operation: 'video', n: 1, width, height, format: route.model.formats[0], durationSeconds }, key);
    if (dto.image) {
      const frame = await this.firstFrame(auth, dto.image);
      input.image = { storageKey: `sources/${job.orgId}/${job.id}-0`, mimeType: frame.mimeType };
      await this.files.put(input.image.storageKey, frame.data);
    }
    Object.assign(job, { input, metadata: dto.metadata ?? null });
    return {
      price,
      reason: `a ${durationSeconds} s video with ${input.provider}/${input.model}`,
      discard: async () => void (input.image && (await this.files.delete(input.image.storageKey))),
    };
  }

  /** A gallery image is one the caller may read: a client token's end user takes only that end user's images. */
  private async firstFrame(auth: RequestAuth, source: SourceImageDto): Promise<{ data: Buffer; mimeType: string }> {
    let data: Buffer | null;
    if (source.url) {
      data = await this.downloads.fetch(source.url, 'image.url', MAX_SOURCE_BYTES);
    } else if (source.imageId) {
      const image = await this.images.getInOrg(orgIdOf(auth), source.imageId, readableEndUser(auth));
      data = image ? await this.files.get(image.storageKey) : null;
      if (!data) throw AppError.notFound('Source image');
    } else {
      data = base64Source(source.data, MAX_SOURCE_BYTES, 0, 'image');
    }
    return { data, mimeType: await decodeSource(data, 0, 'image') };
  }
}

/** The length asked, or the model's default; one the model does not render is refused with the lengths it does. */
function durationFor(model: ProviderModel, asked: number | undefined): number {
  const lengths = model.durations?.seconds;
  const seconds = asked ?? model.durations?.default ?? DEFAULT_SECONDS;
  if (lengths && !lengths.includes(seconds)) throw invalid('durationSeconds', `durationSeconds must be one of: ${lengths.join(', ')}`);
  return seconds;
}
