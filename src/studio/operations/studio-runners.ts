import { Injectable } from '@nestjs/common';
import sharp from 'sharp';
import { AppError } from '../../common/errors/app-error';
import { ProviderCalls } from '../../providers/provider-calls';
import { StudioInputError, type EncodedImage, type OutputFormat, type StepClock } from '../pipeline/studio-pipeline';
import type { StudioJobInput, StudioOperation } from './studio-operations';
import { StudioRequestChecks } from './studio-requests';
import type { StudioReport } from './studio-result.entity';
import { StudioWorkers } from './studio-workers';

/** What one run of a studio job has at hand. */
export interface StudioRun {
  jobId: string;
  orgId: string;
  /** The job's run (1 for the first), for a provider's steps. */
  attempt: number;
  /** A test job: provider calls render with aura, and what aura cannot do runs on the built-in pipeline. */
  test: boolean;
  source: Buffer;
  input: StudioJobInput;
  clock: StepClock;
  signal: AbortSignal;
  /** The job's checkpoint, for a provider's remote work to be followed up after a crash instead of paid for twice. */
  previousCheckpoint: string | null;
  checkpoint(remoteId: string): Promise<void>;
}

export interface StudioOutcome {
  image?: EncodedImage;
  report: Omit<StudioReport, 'steps'>;
}

type Options = Record<string, any>;

/**
 * Runs a studio job: what needs this process (the rule packs, a provider's call) here, the pipeline
 * itself on a worker thread (studio-tasks.ts). A pipeline's refusal comes back as the error it was.
 */
@Injectable()
export class StudioRunners {
  constructor(private readonly workers: StudioWorkers, private readonly checks: StudioRequestChecks, private readonly providers: ProviderCalls) {}

  async run(operation: StudioOperation, run: StudioRun): Promise<StudioOutcome> {
    const o = run.input.options as Options;
    // aura neither upscales nor removes backgrounds: a test job takes the built-in path instead of the provider.
    if (operation === 'upscale' && o.provider !== undefined && !run.test) return this.upscaleWithProvider(run, o);
    if (operation === 'backgrounds.remove' && o.provider !== undefined && !run.test) return this.removeWithProvider(run, o);
    const ids: string[] = operation === 'process' ? (o.preset === undefined ? [] : [o.preset]) : operation === 'compliance' ? [...new Set(o.slots as string[])] : [];
    const slots = ids.map((id) => this.checks.slot(id, operation === 'process' ? 'preset' : 'slots'));
    const background = operation === 'backgrounds.generate' && o.prompt !== undefined ? await run.clock.time('generateBackground', () => this.generatedBackground(run, o)) : undefined;
    const result = await this.workers.run({ operation, source: run.source, options: o, pixelLimit: run.input.pixelLimit, slots, background }, run.signal);
    run.clock.steps.push(...result.steps);
    if (result.refused) throw result.refused.code === 'unprocessable_image' ? new StudioInputError(result.refused.message) : new AppError(result.refused.code, result.refused.message);
    return { image: result.image && { ...result.image, data: Buffer.from(result.image.data) }, report: result.report };
  }

  private async generatedBackground(run: StudioRun, o: Options): Promise<Buffer> {
    const { images } = await this.providers.images({
      jobId: run.jobId, orgId: run.orgId, attempt: run.attempt, provider: o.provider, test: run.test, signal: run.signal, previousCheckpoint: run.previousCheckpoint, checkpoint: run.checkpoint,
      request: { operation: 'generate', input: { model: o.model, prompt: o.prompt, style: o.style, width: o.backgroundSize.width, height: o.backgroundSize.height, format: 'png', n: 1, seed: 0 } },
    });
    return images[0].data;
  }

  private async upscaleWithProvider(run: StudioRun, o: Options): Promise<StudioOutcome> {
    const { images } = await run.clock.time('upscale', () => this.providers.images({
      jobId: run.jobId, orgId: run.orgId, attempt: run.attempt, provider: o.provider, test: run.test, signal: run.signal, previousCheckpoint: run.previousCheckpoint, checkpoint: run.checkpoint,
      request: { operation: 'upscale', input: { model: o.model, image: { data: run.source, mimeType: run.input.sources[0].mimeType }, width: o.width, height: o.height, format: o.format ?? 'png' } },
    }));
    const [out] = images;
    return { image: { data: out.data, format: out.format as OutputFormat, width: out.width, height: out.height }, report: {} };
  }

  /** The provider's cut-out as a PNG; asked for the mask, its alpha alone, as the built-in remover answers it. */
  private async removeWithProvider(run: StudioRun, o: Options): Promise<StudioOutcome> {
    const { images } = await run.clock.time('removeBackground', () => this.providers.images({
      jobId: run.jobId, orgId: run.orgId, attempt: run.attempt, provider: o.provider, test: run.test, signal: run.signal, previousCheckpoint: run.previousCheckpoint, checkpoint: run.checkpoint,
      request: { operation: 'removeBackground', input: { model: o.model, image: { data: run.source, mimeType: run.input.sources[0].mimeType }, format: 'png' } },
    }));
    const [cutout] = images;
    const data = o.output === 'mask'
      ? await run.clock.time('encode', () => sharp(cutout.data).ensureAlpha().extractChannel('alpha').toColourspace('b-w').png().toBuffer())
      : cutout.data;
    return { image: { data, format: 'png', width: cutout.width, height: cutout.height }, report: {} };
  }
}
