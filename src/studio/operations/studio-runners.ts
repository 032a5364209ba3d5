import { Injectable } from '@nestjs/common';
import { ProviderCalls } from '../../providers/provider-calls';
import { BackgroundRemoval, removeBackgroundImage } from '../background/background-removal';
import { evaluateSlot } from '../compliance/evaluate-slot';
import { fixToSlot } from '../compliance/fix-to-slot';
import { measureImage } from '../compliance/measure-image';
import { placeOnBackground, renderBackdrop, type BackdropPreset } from '../effects/backdrops';
import { shadowAndRelight } from '../effects/relight';
import { upscaleImage } from '../effects/upscale';
import type { EncodedImage, OutputFormat, StepClock } from '../pipeline/studio-pipeline';
import { presetOptions, resolveProcessOptions, type ProcessOptions } from '../process/process-options';
import { processImage } from '../process/process-image';
import type { StudioJobInput, StudioOperation } from './studio-operations';
import { StudioRequestChecks } from './studio-requests';
import type { StudioReport } from './studio-result.entity';

/** What one run of a studio job has at hand. */
export interface StudioRun {
  jobId: string;
  orgId: string;
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

/** The fields of a /process request that are its pipeline's options (the rest: image, preset, presetLabel). */
const PROCESS_FIELDS = ['width', 'height', 'margin', 'background', 'fit', 'format', 'jpegQuality', 'maxBytes', 'removeBackground', 'shadow'] as const;

/** Runs each studio operation's pipeline with the options its request settled (studio-jobs.ts). */
@Injectable()
export class StudioRunners {
  constructor(
    private readonly removal: BackgroundRemoval,
    private readonly checks: StudioRequestChecks,
    private readonly providers: ProviderCalls,
  ) {}

  run(operation: StudioOperation, run: StudioRun): Promise<StudioOutcome> {
    const o = run.input.options as Options;
    const deps = { removeBackground: this.removal.remove, clock: run.clock, pixelLimit: run.input.pixelLimit, signal: run.signal };
    switch (operation) {
      case 'process':
        return this.process(run, o, deps);
      case 'compliance':
        return this.compliance(run, o, deps);
      case 'backgrounds.remove':
        return removeBackgroundImage(run.source, { mode: o.mode ?? 'auto', output: o.output ?? 'cutout' }, deps).then((image) => ({ image, report: {} }));
      case 'backgrounds.generate':
        return this.generatedBackground(run, o, deps);
      case 'relight.shadow':
        return this.relight(run, o, deps);
      case 'upscale':
        return this.upscale(run, o);
    }
  }

  private async process(run: StudioRun, o: Options, deps: PipelineDeps): Promise<StudioOutcome> {
    const slot = o.preset === undefined ? undefined : this.checks.slot(o.preset, 'preset');
    const request: Partial<ProcessOptions> = {};
    for (const key of PROCESS_FIELDS) if (o[key] !== undefined) Object.assign(request, { [key]: o[key] });
    const image = await processImage(run.source, resolveProcessOptions(request, slot ? presetOptions(slot) : {}), deps);
    if (!slot) return { image, report: {} };
    const compliance = [evaluateSlot(slot, await run.clock.time('compliance', () => measureImage(image.data, run.input.pixelLimit)))];
    return { image, report: { compliance, ...(o.presetLabel !== undefined ? { presetLabel: o.presetLabel } : {}) } };
  }

  private async compliance(run: StudioRun, o: Options, deps: PipelineDeps): Promise<StudioOutcome> {
    const slots = [...new Set(o.slots as string[])].map((id) => this.checks.slot(id, 'slots'));
    const before = await run.clock.time('measure', () => measureImage(run.source, run.input.pixelLimit));
    const sourceReports = slots.map((slot) => evaluateSlot(slot, before));
    if (!o.fix) return { report: { compliance: sourceReports } };
    const { image, report, measurements } = await fixToSlot(run.source, slots[0], deps);
    return { image, report: { compliance: [report, ...slots.slice(1).map((slot) => evaluateSlot(slot, measurements))], sourceCompliance: sourceReports } };
  }

  private async generatedBackground(run: StudioRun, o: Options, deps: PipelineDeps): Promise<StudioOutcome> {
    const background = await run.clock.time('generateBackground', async () => {
      if (o.prompt === undefined) return renderBackdrop((o.preset ?? 'plain') as BackdropPreset, o.width, o.height, o.colour);
      const { images } = await this.providers.images({
        jobId: run.jobId, orgId: run.orgId, provider: o.provider, signal: run.signal, previousCheckpoint: run.previousCheckpoint, checkpoint: run.checkpoint,
        request: { operation: 'generate', input: { model: o.model, prompt: o.prompt, style: o.style, width: o.backgroundSize.width, height: o.backgroundSize.height, format: 'png', n: 1, seed: 0 } },
      });
      return images[0].data;
    });
    const image = await placeOnBackground(run.source, background, { width: o.width, height: o.height, margin: o.margin ?? 0.1, format: (o.format ?? 'jpeg') as OutputFormat }, deps);
    return { image, report: {} };
  }

  private async relight(run: StudioRun, o: Options, deps: PipelineDeps): Promise<StudioOutcome> {
    const kind = o.shadow ?? 'contact';
    const shadow = kind === 'none' ? 'none' : { kind, direction: o.direction, softness: o.softness, opacity: o.opacity };
    const image = await shadowAndRelight(run.source, {
      shadow,
      relight: { exposure: o.exposure ?? 'auto', whiteBalance: o.whiteBalance ?? 'auto' },
      background: o.background ?? 'white',
      format: o.format ?? 'png',
    }, deps);
    return { image, report: {} };
  }

  private async upscale(run: StudioRun, o: Options): Promise<StudioOutcome> {
    if (o.provider === undefined) {
      const image = await upscaleImage(run.source, { factor: o.factor, format: o.format }, { clock: run.clock, pixelLimit: run.input.pixelLimit, maxOutputPixels: run.input.pixelLimit, signal: run.signal });
      return { image, report: {} };
    }
    const { images } = await run.clock.time('upscale', () => this.providers.images({
      jobId: run.jobId, orgId: run.orgId, provider: o.provider, signal: run.signal, previousCheckpoint: run.previousCheckpoint, checkpoint: run.checkpoint,
      request: { operation: 'upscale', input: { model: o.model, image: { data: run.source, mimeType: run.input.sources[0].mimeType }, width: o.width, height: o.height, format: o.format ?? 'png' } },
    }));
    const out = images[0];
    return { image: { data: out.data, format: out.format as OutputFormat, width: out.width, height: out.height }, report: {} };
  }
}

type PipelineDeps = { removeBackground: BackgroundRemoval['remove']; clock: StepClock; pixelLimit: number; signal: AbortSignal };
