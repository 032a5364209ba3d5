import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { runsJobs } from '../config/process-role';
import { JobEvents, type FinishedJob } from './job-events';
import { FINAL_STATUSES, type Job } from './job.entity';
import type { JobDto } from './jobs.dto';
import { JobsRepository, type BatchChild } from './jobs.repository';

const SWEEP_MS = 15_000;
const SWEEP_BATCH = 100;

/**
 * Batches: a parent job whose children (one per item) do the work. Its state derives from its
 * children's rows: it ends when the last of them ends (that child's end settles it), `completed`
 * whatever they ended as (its summary counts them), or `canceled` if it was cancelled, with the
 * cost of its completed children; only then is its one event announced (the children announce
 * none). Ending is one conditional update, so settling twice is harmless, and a sweep ends the
 * batches whose last child ended in a process that died before it could.
 */
@Injectable()
export class BatchJobs implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly sweep = new PeriodicTask(() => this.settleStranded(), SWEEP_MS);

  constructor(private readonly jobs: JobsRepository, private readonly events: JobEvents, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    // The sweep ends a batch whose last child's notice was lost; nothing for a crash to redo here.
    this.events.onFinished((job) => this.childEnded(job), () => false);
  }

  onApplicationBootstrap(): void {
    if (runsJobs(this.config)) this.sweep.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.sweep.stop();
  }

  /** A batch's fields of JobDto: its progress and children, and once it ended, the summary. */
  describe(batch: Job, children: BatchChild[]): Pick<JobDto, 'progress' | 'children' | 'summary'> {
    const count = (status: string) => children.filter((c) => c.status === status).length;
    return {
      progress: { done: children.filter((c) => FINAL_STATUSES.includes(c.status)).length, total: children.length },
      children: children.map((c) => ({ id: c.id, status: c.status })),
      ...(FINAL_STATUSES.includes(batch.status) ? { summary: { completed: count('completed'), failed: count('failed'), canceled: count('canceled') } } : {}),
    };
  }

  /** Ends the batch if none of its children is queued or running any more; otherwise does nothing. */
  async settle(batchId: string): Promise<void> {
    for (;;) {
      const batch = await this.jobs.getById(batchId);
      if (batch?.status !== 'processing') return;
      const children = await this.jobs.childrenOf([batchId]);
      if (children.some((c) => !FINAL_STATUSES.includes(c.status))) return;
      const status = batch.cancelRequested ? 'canceled' : 'completed';
      const cost = children.reduce((sum, c) => sum + (c.status === 'completed' ? c.cost : 0), 0);
      // Fails when another process ended it (the next read returns), or a cancel came in between (read again).
      if (await this.jobs.endBatch(batch, status, cost)) return this.events.finished(batch, status);
    }
  }

  /** Ends the batches whose children have all ended; returns how many it looked at. */
  async settleStranded(): Promise<number> {
    try {
      const ids = await this.jobs.settledBatches(SWEEP_BATCH);
      for (const id of ids) await this.settle(id);
      return ids.length;
    } catch (err) {
      this.logger.error({ err }, 'could not settle finished batches');
      return 0;
    }
  }

  private async childEnded(job: FinishedJob): Promise<void> {
    const parentId = job.parentId !== undefined ? job.parentId : (await this.jobs.getById(job.id))?.parentId;
    if (parentId) await this.settle(parentId);
  }
}
