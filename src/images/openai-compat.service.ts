import { Inject, Injectable } from '@nestjs/common';
import type { RequestAuth } from '../tenancy/principal';
import { AppError } from '../common/errors/app-error';
import { ERROR_CODES, type ErrorCode } from '../common/errors/error-codes';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ProviderRouter, requestOptionNames } from '../providers/provider-router';
import { FileStore } from '../storage/file-store';
import { GenerationService } from './generation.service';
import { ImagesRepository } from './images.repository';
import type { JobDto } from '../jobs/jobs.dto';
import type { Submitted } from '../jobs/job-submitter';
import type { GenerationCreateDto } from './generation.dto';
import type { OpenAiEditDto, OpenAiGenerationDto, OpenAiImagesResponseDto } from './openai-compat.dto';

const STYLES = { vivid: 'digital-art', natural: 'realistic' } as const;

/**
 * The answer when the job did not finish within the wait. The job goes on and is paid for once, so
 * `x-should-retry: false` tells the official SDKs (which retry any 5xx twice by default) not to
 * send the request again: each retry would be a new job, charged again.
 */
export const unfinishedInTime = (jobId: string) =>
  new AppError('provider_unavailable', 'The image could not be generated in time; the job goes on: poll GET /api/v1/jobs/:id', { jobId }, { 'x-should-retry': 'false' });

/**
 * The answer for a job that failed or was cancelled. A failed job answers its own code, so a refusal
 * the request caused (content_rejected, provider_invalid_input: 422) is not sent again by the SDKs,
 * as OpenAI answers its moderation refusals with a 4xx. Otherwise 502: nothing was charged, and a
 * retry may well succeed.
 */
function notGenerated(job: JobDto): AppError {
  const code = job.error?.code;
  if (job.status === 'failed' && code && code in ERROR_CODES) return new AppError(code as ErrorCode, `The image could not be generated: ${job.error!.message}`, { jobId: job.id });
  return new AppError('provider_unavailable', `The image could not be generated: the job ${job.status === 'failed' ? 'failed' : 'was cancelled'}`, { jobId: job.id });
}

/** Maps OpenAI's requests onto Darkroom generations and edits, waits for them, and answers in OpenAI's shape. */
@Injectable()
export class OpenAiCompatService {
  constructor(
    private readonly generation: GenerationService,
    private readonly router: ProviderRouter,
    private readonly images: ImagesRepository,
    private readonly files: FileStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async generate(auth: RequestAuth, dto: OpenAiGenerationDto, idempotencyKey?: string): Promise<OpenAiImagesResponseDto> {
    const request = { ...this.request(dto, 'generate'), style: dto.style ? STYLES[dto.style] : undefined };
    return this.respond(await this.generation.create(auth, request, this.config.openai.waitSeconds, idempotencyKey), dto.response_format);
  }

  async edit(auth: RequestAuth, dto: OpenAiEditDto, idempotencyKey?: string): Promise<OpenAiImagesResponseDto> {
    const request = { ...this.request(dto, 'edit'), images: dto.image, mask: dto.mask };
    return this.respond(await this.generation.edit(auth, request, this.config.openai.waitSeconds, idempotencyKey), dto.response_format);
  }

  /**
   * The Darkroom request an OpenAI one stands for: its model names the provider; `background` goes
   * to a provider that takes it as a request option, and only `transparent` is refused elsewhere
   * (the other values ask for what every provider does).
   */
  private request(dto: OpenAiEditDto | OpenAiGenerationDto, operation: 'generate' | 'edit'): GenerationCreateDto {
    const { provider, model } = this.router.routeByModel(operation, dto.model);
    const takesBackground = requestOptionNames(provider).includes('background');
    if (dto.background === 'transparent' && !takesBackground) {
      throw new AppError('validation_failed', `${provider.id}/${model.id} makes no transparent backgrounds`, { fields: [{ field: 'background', messages: ['transparent is not supported by this model'] }] });
    }
    return {
      prompt: dto.prompt, provider: provider.id, model: model.id, n: dto.n, size: !dto.size || dto.size === 'auto' ? '1024x1024' : dto.size, format: dto.output_format,
      ...(dto.background && takesBackground ? { providerOptions: { [provider.id]: { background: dto.background } } } : {}),
    };
  }

  /** OpenAI's answer: the finished job's images as links or base64, or 502 when it failed or did not finish in time. */
  private async respond(result: Submitted, responseFormat?: 'url' | 'b64_json'): Promise<OpenAiImagesResponseDto> {
    if (!('finished' in result)) throw unfinishedInTime(result.accepted.id);
    if (result.finished.status !== 'completed') throw notGenerated(result.finished);
    const outputs = result.finished.outputs;
    if (responseFormat !== 'b64_json') return { created: Math.floor(Date.now() / 1000), data: outputs.map((o) => ({ url: o.url })) };
    const data = [];
    for (const o of outputs) {
      const image = await this.images.getById(o.id);
      const bytes = image ? await this.files.get(image.storageKey) : null;
      if (!bytes) throw AppError.notFound('Image');
      data.push({ b64_json: bytes.toString('base64') });
    }
    return { created: Math.floor(Date.now() / 1000), data };
  }
}
