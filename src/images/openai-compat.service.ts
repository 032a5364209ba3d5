import { Injectable } from '@nestjs/common';
import type { RequestAuth } from '../auth/principal';
import { AppError } from '../common/errors/app-error';
import { PluginRegistry } from '../plugins/plugin-registry';
import { FileStore } from '../storage/file-store';
import { GenerationService } from './generation.service';
import { ImagesRepository } from './images.repository';
import type { OpenAiGenerationDto, OpenAiImagesResponseDto } from './openai-compat.dto';

const STYLES = { vivid: 'digital-art', natural: 'realistic' } as const;
const WAIT_SECONDS = 60;

/** Maps OpenAI's request onto a Darkroom generation, waits for it, and answers in OpenAI's shape. */
@Injectable()
export class OpenAiCompatService {
  constructor(
    private readonly generation: GenerationService,
    private readonly registry: PluginRegistry,
    private readonly images: ImagesRepository,
    private readonly files: FileStore,
  ) {}

  async generate(auth: RequestAuth, dto: OpenAiGenerationDto): Promise<OpenAiImagesResponseDto> {
    const model = dto.model ?? 'aura';
    const provider = this.registry.listProviders().find((p) => p.metadata.models.some((m) => m.id === model));
    if (!provider) {
      const available = this.registry.listProviders().flatMap((p) => p.metadata.models.map((m) => m.id));
      throw new AppError('invalid_model', `Unknown model "${model}"; available: ${available.join(', ')}`, { available });
    }
    const result = await this.generation.create(
      auth,
      {
        prompt: dto.prompt,
        provider: provider.metadata.id,
        model,
        n: dto.n,
        size: !dto.size || dto.size === 'auto' ? '1024x1024' : dto.size,
        format: dto.output_format,
        style: dto.style ? STYLES[dto.style] : undefined,
      },
      WAIT_SECONDS,
    );
    if (!('finished' in result) || result.finished.status !== 'completed') {
      throw new AppError('provider_unavailable', 'The image could not be generated in time', { jobId: 'finished' in result ? result.finished.id : result.accepted.id });
    }
    const outputs = result.finished.outputs;
    if (dto.response_format !== 'b64_json') return { created: Math.floor(Date.now() / 1000), data: outputs.map((o) => ({ url: o.url })) };
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
