import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import type { Plan } from '../../config/plans';
import { JobOperation, type PreparedJob } from '../../jobs/job-operation';
import { JobSubmitter, type Submitted } from '../../jobs/job-submitter';
import type { Job } from '../../jobs/job.entity';
import { FileStore } from '../../storage/file-store';
import { orgIdOf, type RequestAuth } from '../../tenancy/principal';
import { ComplianceCheckDto } from '../compliance/compliance.dto';
import { BackgroundGenerateDto, BackgroundRemoveDto, RelightShadowDto, UpscaleDto } from './studio-operations.dto';
import { STUDIO_OPERATIONS, type StudioJobInput, type StudioOperation } from './studio-operations';
import { ProcessDto, type StudioSourceDto } from './studio.dto';
import { StudioSources, type SourceFacts } from './studio-sources';
import { StudioRequestChecks, STUDIO_FORM_NUMBERS } from './studio-requests';

const one = () => 1;
const form = (operation: StudioOperation) => ({ source: 'image' as const, numbers: STUDIO_FORM_NUMBERS[operation], json: ['margin'] });

/**
 * The studio's operations as jobs: each checks its request, reads and bounds its source, stores it
 * (encrypted) under the job's id until the job ends, and prices it from configuration; JobSubmitter
 * reserves the price and queues the job, for the studio's routes as for POST /api/v1/jobs.
 */
@Injectable()
export class StudioJobs {
  constructor(
    private readonly submitter: JobSubmitter,
    private readonly sources: StudioSources,
    private readonly files: FileStore,
    private readonly checks: StudioRequestChecks,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Runs an operation for its own route: the finished job if it ends within STUDIO_WAIT_SECONDS. */
  submit(auth: RequestAuth, operation: StudioOperation, dto: object, idempotencyKey?: string): Promise<Submitted> {
    return this.submitter.submit(auth, { operation, dto }, { waitSeconds: this.config.studio.waitSeconds, idempotencyKey });
  }

  @JobOperation({ name: 'process', dto: ProcessDto, scope: 'studio:process', units: one, form: form('process') })
  prepareProcess(auth: RequestAuth, dto: ProcessDto, job: Job): Promise<PreparedJob> {
    return this.prepare(auth, 'process', dto, job, (plan, source) => this.checks.process(dto, plan, source));
  }

  /** Through jobs, a check without fix reports only (and costs nothing); with fix it also makes the fixed image. */
  @JobOperation({ name: 'compliance', dto: ComplianceCheckDto, scope: 'studio:process', units: one, form: { source: 'image', json: ['slots', 'fix'] } })
  prepareCompliance(auth: RequestAuth, dto: ComplianceCheckDto, job: Job): Promise<PreparedJob> {
    for (const slot of dto.slots) this.checks.slot(slot, 'slots');
    return this.prepare(auth, 'compliance', dto, job, () => ({}), dto.fix ? undefined : 0);
  }

  @JobOperation({ name: 'backgrounds.remove', dto: BackgroundRemoveDto, scope: 'studio:process', units: one, form: form('backgrounds.remove') })
  prepareRemoval(auth: RequestAuth, dto: BackgroundRemoveDto, job: Job): Promise<PreparedJob> {
    return this.prepare(auth, 'backgrounds.remove', dto, job, () => this.checks.removal(dto));
  }

  @JobOperation({ name: 'backgrounds.generate', dto: BackgroundGenerateDto, scope: 'studio:process', units: one, form: form('backgrounds.generate') })
  prepareGeneratedBackground(auth: RequestAuth, dto: BackgroundGenerateDto, job: Job): Promise<PreparedJob> {
    return this.prepare(auth, 'backgrounds.generate', dto, job, (plan, source) => this.checks.generatedBackground(dto, plan, source));
  }

  @JobOperation({ name: 'relight.shadow', dto: RelightShadowDto, scope: 'studio:process', units: one, form: form('relight.shadow') })
  prepareRelight(auth: RequestAuth, dto: RelightShadowDto, job: Job): Promise<PreparedJob> {
    return this.prepare(auth, 'relight.shadow', dto, job, () => ({}));
  }

  @JobOperation({ name: 'upscale', dto: UpscaleDto, scope: 'studio:process', units: one, form: form('upscale') })
  prepareUpscale(auth: RequestAuth, dto: UpscaleDto, job: Job): Promise<PreparedJob> {
    return this.prepare(auth, 'upscale', dto, job, (plan, source) => this.checks.upscale(dto, plan, source));
  }

  /**
   * Reads and bounds the source, lets the operation check the rest against the plan and the source
   * (`resolve` gives the options it settles, which override the fields as sent), then stores the source.
   */
  private async prepare(
    auth: RequestAuth, operation: StudioOperation, dto: StudioSourceDto, job: Job,
    resolve: (plan: Plan, source: SourceFacts) => Record<string, unknown>, price = this.config.studio.prices[STUDIO_OPERATIONS[operation].price],
  ): Promise<PreparedJob> {
    const orgId = orgIdOf(auth);
    const { source, plan } = await this.sources.read(auth, dto.image);
    const fields: Record<string, unknown> = { ...dto };
    delete fields.image;
    const options = { ...fields, ...resolve(plan, source) };
    const storageKey = `sources/${orgId}/${job.id}-0`;
    await this.files.put(storageKey, source.bytes);
    const input: StudioJobInput = { options, sources: [{ storageKey, mimeType: `image/${source.format}` }], pixelLimit: plan.maxSourcePixels, price };
    job.input = input as unknown as Record<string, unknown>;
    return { price, reason: `studio ${operation}`, discard: () => this.files.delete(storageKey) };
  }
}
