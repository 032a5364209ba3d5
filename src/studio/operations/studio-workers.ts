import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { extname, join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { SegmentationModel } from '../background/model/segmentation-model';
import type { MaskReply, MaskRequest, StudioTask, StudioTaskResult } from './studio-tasks';

/** A worker left idle this long ends; the next task starts one again (about 200 ms). */
const IDLE_TIMEOUT_MS = 60_000;

/**
 * Worker threads for the studio's pipelines (studio-tasks.ts), as many as the jobs a node runs at
 * once, so their pixel loops and large buffers never hold the API's event loop. The segmentation
 * model stays on this thread's side: its processes are shared by every worker, within
 * STUDIO_MODEL_CONCURRENCY. From source (tests, start:dev) the workers load TypeScript through the
 * same hook the inference processes use.
 */
@Injectable()
export class StudioWorkers implements OnApplicationShutdown {
  private readonly pool: Piscina;

  constructor(private readonly model: SegmentationModel, @Inject(APP_CONFIG) config: AppConfig) {
    const extension = extname(__filename);
    this.pool = new Piscina({
      filename: join(__dirname, `studio-tasks${extension}`),
      minThreads: 0,
      maxThreads: config.jobs.concurrency,
      idleTimeout: IDLE_TIMEOUT_MS,
      execArgv: extension === '.ts' ? ['--require', require.resolve('@swc-node/register')] : [],
    });
  }

  /** Runs a task on a worker; `signal` ends it (and any mask it waits for) at once. */
  async run(task: Omit<StudioTask, 'models'>, signal: AbortSignal): Promise<StudioTaskResult> {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (request: MaskRequest) => void this.mask(port1, request, signal));
    try {
      return await this.pool.run({ ...task, models: port2 }, { signal, transferList: [port2] });
    } finally {
      port1.close();
    }
  }

  private async mask(port: MessagePort, request: MaskRequest, signal: AbortSignal): Promise<void> {
    let reply: MaskReply;
    try {
      const alpha = await this.model.mask(request.image, signal);
      reply = { id: request.id, alpha };
    } catch (err) {
      reply = { id: request.id, error: (err as Error).message };
    }
    if (!signal.aborted) port.postMessage(reply);
  }

  /** After every module's onModuleDestroy: the queue lets its running jobs finish there, on these threads. */
  onApplicationShutdown(): Promise<void> {
    return this.pool.destroy();
  }
}
