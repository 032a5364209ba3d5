import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { principalId, type RequestAuth } from '../auth/principal';
import { PlansService } from '../config/plans.service';
import { AppError } from '../common/errors/app-error';
import { CreditsService } from '../credits/credits.service';
import { Job } from '../jobs/job.entity';
import { JobRunner } from '../jobs/job-runner';
import { JobsService } from '../jobs/jobs.service';
import { OrgDirectory } from '../orgs/org-directory';
import { PluginRegistry } from '../plugins/plugin-registry';
import type { GenerationCreateDto, JobAcceptedDto, JobDto } from './generation.dto';

const RATIO_SIZES: Record<string, string> = { '1:1': '1024x1024', '16:9': '1024x576', '9:16': '576x1024', '4:3': '1024x768', '3:4': '768x1024' };
const MAX_WAIT_SECONDS = 60;
const invalid = (field: string, message: string) => new AppError('validation_failed', message, { fields: [{ field, messages: [message] }] });

export interface GenerationInput {
  provider: string;
  model: string;
  prompt: string;
  negativePrompt?: string;
  style?: string;
  width: number;
  height: number;
  format: string;
  n: number;
  seed: number;
}

/** Checks a generation request against the provider and the plan, reserves its price and queues it. */
@Injectable()
export class GenerationService {
  constructor(
    private readonly registry: PluginRegistry,
    private readonly plans: PlansService,
    private readonly orgs: OrgDirectory,
    private readonly credits: CreditsService,
    private readonly runner: JobRunner,
    private readonly jobs: JobsService,
  ) {}

  async create(auth: RequestAuth, dto: GenerationCreateDto, waitSeconds: number): Promise<{ finished: JobDto } | { accepted: JobAcceptedDto }> {
    const orgId = auth.orgId!;
    const input = await this.resolve(auth, dto);
    const provider = this.registry.provider(input.provider)!;
    const price = (provider.metadata.pricing.generate ?? 1) * input.n;
    const job = Object.assign(new Job(), { orgId, type: 'images.generate' as const, input, createdBy: principalId(auth.principal), metadata: dto.metadata ?? null });
    const reservation = await this.credits.reserve(orgId, price, job.id, `${input.n} image(s) with ${input.provider}/${input.model}`, [job]);
    this.runner.kick();
    if (waitSeconds > 0) {
      await this.runner.waitFor(job.id, Math.min(waitSeconds, MAX_WAIT_SECONDS) * 1000);
      const now = await this.jobs.get(auth, job.id);
      if (['completed', 'failed', 'canceled'].includes(now.status)) return { finished: now };
    }
    return { accepted: { id: job.id, status: 'queued', estimatedTime: Math.max(1, input.n), creditsBalance: reservation.creditsBalance } };
  }

  private async resolve(auth: RequestAuth, dto: GenerationCreateDto): Promise<GenerationInput> {
    const providerId = dto.provider ?? 'aura';
    const provider = this.registry.provider(providerId);
    const available = () => this.registry.listProviders().flatMap((p) => p.metadata.models.map((m) => `${p.metadata.id}/${m.id}`));
    if (!provider || !provider.metadata.operations.includes('generate')) {
      throw new AppError('invalid_model', `Unknown provider "${providerId}"`, { available: available() });
    }
    const model = dto.model ?? provider.metadata.models[0]?.id;
    if (!provider.metadata.models.some((m) => m.id === model)) throw new AppError('invalid_model', `Unknown model "${model}" for ${providerId}`, { available: available() });
    if (dto.style && !provider.metadata.styles.includes(dto.style)) throw invalid('style', `style must be one of: ${provider.metadata.styles.join(', ')}`);
    if (dto.size && dto.aspectRatio) throw invalid('size', 'give size or aspectRatio, not both');
    const format = dto.format ?? 'png';
    if (!provider.metadata.formats.includes(format)) throw invalid('format', `format must be one of: ${provider.metadata.formats.join(', ')}`);
    if (dto.metadata && (Object.keys(dto.metadata).length > 16 || Object.values(dto.metadata).some((v) => typeof v !== 'string' || v.length > 500))) {
      throw invalid('metadata', 'metadata holds at most 16 string values of up to 500 characters');
    }
    const n = dto.n ?? 1;
    const limits = auth.principal.kind === 'client_token' ? auth.principal.limits : {};
    if (limits.maxImages !== undefined && n > limits.maxImages) {
      throw new AppError('plan_limit', `This client token allows at most ${limits.maxImages} image(s) per request`, { limit: limits.maxImages });
    }
    const size = dto.size ?? RATIO_SIZES[dto.aspectRatio ?? '1:1'];
    const [width, height] = size.split('x').map(Number);
    await this.assertWithinPlan(auth.orgId!, width, height);
    if (!provider.metadata.sizes.includes(size)) throw invalid('size', `size must be one of: ${provider.metadata.sizes.join(', ')}`);
    return { provider: providerId, model: model!, prompt: dto.prompt, negativePrompt: dto.negativePrompt, style: dto.style, width, height, format, n, seed: dto.seed ?? randomInt(0, 2_147_483_647) };
  }

  private async assertWithinPlan(orgId: string, width: number, height: number): Promise<void> {
    const plan = this.plans.get((await this.orgs.getOrg(orgId))?.plan ?? this.plans.defaultPlanId);
    if (width > plan.maxWidth || height > plan.maxHeight) {
      throw new AppError('plan_limit', `The ${plan.name} plan allows images up to ${plan.maxWidth}x${plan.maxHeight}`, { maxWidth: plan.maxWidth, maxHeight: plan.maxHeight });
    }
  }
}

