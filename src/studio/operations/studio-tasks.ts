import type { MessagePort } from 'node:worker_threads';
import { AppError } from '../../common/errors/app-error';
import type { ErrorCode } from '../../common/errors/error-codes';
import { backgroundRemover, removeBackgroundImage, type ModelMask } from '../background/background-removal';
import { evaluateSlot } from '../compliance/evaluate-slot';
import { fixToSlot } from '../compliance/fix-to-slot';
import { measureImage, metricsOf } from '../compliance/measure-image';
import { placeOnBackground, renderBackdrop, type BackdropPreset } from '../effects/backdrops';
import { shadowAndRelight } from '../effects/relight';
import { upscaleImage } from '../effects/upscale';
import type { MarketplaceSlotDto } from '../marketplaces/marketplace-pack.dto';
import type { RawImage } from '../measure/raw-image';
import { StepClock, StudioInputError, type EncodedImage, type OutputFormat, type StepTiming } from '../pipeline/studio-pipeline';
import { presetOptions, resolveProcessOptions, type ProcessOptions } from '../process/process-options';
import { processImage } from '../process/process-image';
import type { StudioOperation } from './studio-operations';
import type { StudioReport } from './studio-result.entity';

/** One studio job's pipeline work, as a worker thread gets it (everything structured-cloneable). */
export interface StudioTask {
  operation: StudioOperation;
  source: Uint8Array;
  options: Record<string, any>;
  pixelLimit: number;
  /** /process's preset, or /compliance's slots, in order. */
  slots: MarketplaceSlotDto[];
  /** /backgrounds/generate with a prompt: the provider's image. */
  background?: Uint8Array;
  /** Where to ask the main thread for a segmentation mask (the model runs in its own processes). */
  models: MessagePort;
}

export interface StudioTaskResult {
  image?: EncodedImage;
  report: Omit<StudioReport, 'steps'>;
  steps: StepTiming[];
  /** The input could not be made into what was asked: the job fails with this (errors lose their class between threads). */
  refused?: { code: ErrorCode; message: string };
}

/** A mask request on StudioTask.models, and its answer. */
export interface MaskRequest {
  id: number;
  image: RawImage;
}
export type MaskReply = { id: number; alpha: Uint8Array } | { id: number; error: string };

/** The fields of a /process request that are its pipeline's options (the rest: image, preset, presetLabel). */
const PROCESS_FIELDS = ['width', 'height', 'margin', 'background', 'fit', 'format', 'jpegQuality', 'maxBytes', 'removeBackground', 'shadow'] as const;

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The model's masks, asked of the main thread (the model runs in its own processes, shared by every worker). */
function modelOver(models: MessagePort): ModelMask {
  let next = 0;
  const pending = new Map<number, { resolve: (alpha: Buffer) => void; reject: (err: Error) => void }>();
  models.on('message', (reply: MaskReply) => {
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if ('error' in reply) waiting?.reject(new Error(reply.error));
    else waiting?.resolve(asBuffer(reply.alpha));
  });
  return (image) =>
    new Promise<Buffer>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      models.postMessage({ id, image: { ...image, data: image.data.slice() } } satisfies MaskRequest);
    });
}

/**
 * Runs a studio job's pipeline in a worker thread (StudioWorkers): every pixel loop and every large
 * buffer's garbage stays off the API's event loop. Returns the image, the report and the steps timed.
 */
export default async function runStudioTask(task: StudioTask): Promise<StudioTaskResult> {
  const clock = new StepClock();
  try {
    return await run(task, clock);
  } catch (err) {
    if (err instanceof StudioInputError) return { report: {}, steps: clock.steps, refused: { code: 'unprocessable_image', message: err.message } };
    if (err instanceof AppError) return { report: {}, steps: clock.steps, refused: { code: err.code, message: err.message } };
    throw err;
  } finally {
    task.models.close();
  }
}

async function run(task: StudioTask, clock: StepClock): Promise<StudioTaskResult> {
  const source = asBuffer(task.source);
  const o = task.options;
  const deps = { removeBackground: backgroundRemover(modelOver(task.models)), clock, pixelLimit: task.pixelLimit };
  const done = (outcome: Omit<StudioTaskResult, 'steps'>): StudioTaskResult => ({ ...outcome, steps: clock.steps });
  switch (task.operation) {
    case 'process': {
      const [slot] = task.slots;
      const request: Partial<ProcessOptions> = {};
      for (const key of PROCESS_FIELDS) if (o[key] !== undefined) Object.assign(request, { [key]: o[key] });
      const image = await processImage(source, resolveProcessOptions(request, slot ? presetOptions(slot) : {}), deps);
      if (!slot) return done({ image, report: {} });
      const compliance = [evaluateSlot(slot, await clock.time('compliance', () => measureImage(image.data, task.pixelLimit, metricsOf([slot]))))];
      return done({ image, report: { compliance, ...(o.presetLabel !== undefined ? { presetLabel: o.presetLabel } : {}) } });
    }
    case 'compliance': {
      const before = await clock.time('measure', () => measureImage(source, task.pixelLimit, metricsOf(task.slots)));
      const sourceReports = task.slots.map((slot) => evaluateSlot(slot, before));
      if (!o.fix) return done({ report: { compliance: sourceReports } });
      const { image, report, measurements } = await fixToSlot(source, task.slots[0], deps);
      return done({ image, report: { compliance: [report, ...task.slots.slice(1).map((slot) => evaluateSlot(slot, measurements))], sourceCompliance: sourceReports } });
    }
    case 'backgrounds.remove':
      return done({ image: await removeBackgroundImage(source, { mode: o.mode ?? 'auto', output: o.output ?? 'cutout' }, deps), report: {} });
    case 'backgrounds.generate': {
      const background = task.background
        ? asBuffer(task.background)
        : await clock.time('generateBackground', () => renderBackdrop((o.preset ?? 'plain') as BackdropPreset, o.width, o.height, o.colour));
      const options = { width: o.width, height: o.height, margin: o.margin ?? 0.1, format: (o.format ?? 'jpeg') as OutputFormat };
      return done({ image: await placeOnBackground(source, background, options, deps), report: {} });
    }
    case 'relight.shadow': {
      const kind = o.shadow ?? 'contact';
      const shadow = kind === 'none' ? 'none' : { kind, direction: o.direction, softness: o.softness, opacity: o.opacity };
      const relight = { exposure: o.exposure ?? 'auto', whiteBalance: o.whiteBalance ?? 'auto' };
      return done({ image: await shadowAndRelight(source, { shadow, relight, background: o.background ?? 'white', format: o.format ?? 'png' }, deps), report: {} });
    }
    case 'upscale':
      return done({ image: await upscaleImage(source, { factor: o.factor, format: o.format }, { clock, pixelLimit: task.pixelLimit, maxOutputPixels: task.pixelLimit }), report: {} });
  }
}
