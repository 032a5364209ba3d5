import { setTimeout as sleep } from 'node:timers/promises';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DelayedError, Worker, type Job as BullJob, type Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JobLifecycle, type Offer } from './job-lifecycle';
import { JobQueueRepository, type QueuedJob } from './job-queue.repository';
import { runsJobs } from '../config/process-role';
import { Batcher } from '../common/batcher';
import { QueueDriver } from './queue-driver';

export const JOB_QUEUE = 'jobs';

/** What travels through Redis: the id (as BullMQ's jobId, so an id is queued once) and the organisation. */
interface JobData {
  orgId: string;
}

/** A request waits this long for Redis to take a new job; past it, the sweep hands the job over. */
const ENQUEUE_WAIT_MS = 2000;
const SWEEP_BATCH = 500;

/**
 * BullMQ on Redis carries job ids to workers in any process; JobLifecycle runs them, and its database
 * claim still guarantees one run at a time. BullMQ's lock and stall check use the job lease, so a job
 * of a worker that died is offered again after about two leases. A job whose row was committed but
 * whose id never reached Redis (a crash in between, Redis restarted without its data) is re-added by
 * a periodic sweep of the database; re-adding is harmless, since BullMQ ignores a jobId it holds.
 */
@Injectable()
export class BullmqQueueDriver extends QueueDriver implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  private readonly leaseMs: number;
  private readonly sweepMs: number;
  /** Jobs this worker put back because their organisation was at its limit, by organisation: the next of its jobs to end here offers one again at once. */
  private readonly parked = new Map<string, Map<string, BullJob<JobData>>>();
  private worker?: Worker<JobData>;
  private sweeper?: NodeJS.Timeout;
  private sweeping: Promise<void> | null = null;
  /** Jobs accepted together (concurrent requests) go to Redis in one addBulk. */
  private readonly adds = new Batcher(async (groups: QueuedJob[][]) => {
    await this.add(groups.flat());
    return groups.map(() => undefined);
  });

  constructor(
    @InjectQueue(JOB_QUEUE) private readonly queue: Queue<JobData>,
    private readonly lifecycle: JobLifecycle,
    private readonly jobs: JobQueueRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
    this.leaseMs = config.jobs.leaseSeconds * 1000;
    this.sweepMs = Math.min(15_000, Math.max(1000, this.leaseMs / 2));
    // An EventEmitter with no 'error' listener would crash the process on a Redis hiccup.
    queue.on('error', (err) => this.logger.error({ err }, 'job queue: Redis error'));
  }

  async enqueue(jobs: QueuedJob[]): Promise<void> {
    const adding = this.adds.run(jobs).catch((err: unknown) => this.logger.error({ err }, 'could not add jobs to the queue; the sweep will'));
    await Promise.race([adding, sleep(ENQUEUE_WAIT_MS)]);
  }

  onApplicationBootstrap(): void {
    if (!runsJobs(this.config)) return;
    this.worker = new Worker<JobData>(this.queue.name, (job, token) => this.process(job, token), {
      connection: this.queue.opts.connection,
      prefix: this.queue.opts.prefix,
      concurrency: this.config.jobs.concurrency,
      lockDuration: this.leaseMs,
      stalledInterval: this.leaseMs,
      // A stalled job goes back to the queue; JobLifecycle abandons it after JOB_MAX_ATTEMPTS runs.
      maxStalledCount: this.config.jobs.maxAttempts,
    });
    this.worker.on('error', (err) => this.logger.error({ err }, 'job worker: Redis error'));
    this.sweeper = setInterval(() => this.sweep(), this.sweepMs);
    this.sweeper.unref();
    this.sweep();
  }

  /** Finishes the jobs in hand (BullMQ's close waits for them) before the database closes. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweeper);
    await this.sweeping;
    await this.worker?.close();
  }

  private add(jobs: QueuedJob[]) {
    return this.queue.addBulk(jobs.map((j) => ({ name: 'run', data: { orgId: j.orgId }, opts: { jobId: j.id } })));
  }

  private async process(delivered: BullJob<JobData>, token?: string): Promise<void> {
    const { orgId } = delivered.data;
    this.parked.get(orgId)?.delete(delivered.id!);
    const claim = await this.lifecycle.claimOne({ id: delivered.id!, orgId });
    let offer: Offer;
    if ('job' in claim) {
      offer = await this.lifecycle.run(claim.job);
      await this.offerParked(orgId);
    } else {
      offer = claim;
    }
    if (!offer.later) return;
    await delivered.moveToDelayed(offer.later.getTime(), token);
    if (offer.orgFull) this.parked.set(orgId, (this.parked.get(orgId) ?? new Map()).set(delivered.id!, delivered));
    throw new DelayedError();
  }

  /** A slot of the organisation is free: one of the jobs this worker put back is offered again now, not when its delay ends. */
  private async offerParked(orgId: string): Promise<void> {
    const waiting = this.parked.get(orgId);
    const next = waiting?.values().next().value;
    if (!next) return;
    waiting!.delete(next.id!);
    if (!waiting!.size) this.parked.delete(orgId);
    // Fails if the job is no longer delayed: it was offered again already.
    await next.promote().catch(() => undefined);
  }

  /** Re-adds jobs the queue may have lost: queued ones older than a sweep, running ones past their lease. */
  private sweep(): void {
    this.sweeping ??= this.sweepAll().finally(() => (this.sweeping = null));
  }

  private async sweepAll(): Promise<void> {
    try {
      const now = new Date();
      const queuedBefore = new Date(now.getTime() - this.sweepMs);
      let batch = await this.jobs.stranded(queuedBefore, now, '', SWEEP_BATCH);
      while (batch.length) {
        await this.add(batch);
        batch = await this.jobs.stranded(queuedBefore, now, batch[batch.length - 1].id, SWEEP_BATCH);
      }
    } catch (err) {
      this.logger.error({ err }, 'job sweep failed; trying again at the next one');
    }
  }
}
