import { Injectable } from '@nestjs/common';
import { isTestKey, orgIdOf, principalId, type RequestAuth } from '../tenancy/principal';
import { AppError } from '../common/errors/app-error';
import { CreditsService } from '../credits/credits.service';
import type { PreparedJob } from './job-operation';
import { JobRegistry } from './job-registry';
import { JobWaiter } from './job-waiter';
import { JobWebhookTargets } from './job-webhooks';
import { BATCH_JOB_TYPE, FINAL_STATUSES, Job } from './job.entity';
import type { JobAcceptedDto, JobDto } from './jobs.dto';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';
import { QueueDriver } from './queue-driver';

/** `Prefer: wait=N` waits this long at most. */
export const MAX_WAIT_SECONDS = 60;

/** One operation's request, its fields already checked by the operation's DTO. */
export interface JobRequest {
  operation: string;
  dto: object;
}

export interface SubmitOptions {
  /** From `Prefer: wait=N`: answer the finished job if it ends within N seconds (at most 60). */
  waitSeconds: number;
  /** The Idempotency-Key the request holds, written on the job so a request that dies can be recovered. */
  idempotencyKey?: string;
  /** Where to POST the job's final event. */
  webhookUrl?: string;
}

export type Submitted = { finished: JobDto } | { accepted: JobAcceptedDto };

interface Drafted {
  job: Job;
  prepared: PreparedJob;
}

/** A request drafted for a quote: the job it would be (its input says where it would go), its price and why. */
export interface Quoted {
  job: Job;
  price: number;
  reason: string;
}

/** An item's error, naming the item: `items[2]: ...`, its fields under `items[2].`. */
export function atItem(err: unknown, index: number): unknown {
  if (!(err instanceof AppError)) return err;
  const fields = err.details.fields as { field: string; messages: string[] }[] | undefined;
  const details = { ...err.details, item: index, ...(fields ? { fields: fields.map((f) => ({ ...f, field: `items[${index}].${f.field}` })) } : {}) };
  return new AppError(err.code, `items[${index}]: ${err.message}`, details, err.headers);
}

/**
 * Creates jobs, whatever their operation: the operation (JobRegistry) checks the request and says
 * what it costs; then the job's webhook is checked, its price reserved in the same transaction that
 * writes the job, and the job queued; the answer is the finished job if it ended within the wait,
 * else where to poll. A batch does the same for each of its items, and reserves all their prices
 * in one transaction or none. A test key's jobs (and a batch's children) are test jobs: free, so
 * nothing is reserved, and quoted at 0.
 */
@Injectable()
export class JobSubmitter {
  constructor(
    private readonly registry: JobRegistry,
    private readonly credits: CreditsService,
    private readonly queue: QueueDriver,
    private readonly waiter: JobWaiter,
    private readonly jobs: JobsService,
    private readonly webhooks: JobWebhookTargets,
    private readonly rows: JobsRepository,
  ) {}

  async submit(auth: RequestAuth, request: JobRequest, options: SubmitOptions): Promise<Submitted> {
    const drafted = await this.draft(auth, request, { idempotencyKey: options.idempotencyKey ?? null });
    return this.create(auth, drafted.job, [drafted], options);
  }

  /** A batch: a parent job (type `batch`) and a child per item, queued together; the batch ends when its last child does. */
  async submitBatch(auth: RequestAuth, requests: JobRequest[], options: SubmitOptions): Promise<Submitted> {
    const batch = this.newJob(auth, BATCH_JOB_TYPE, { status: 'processing', startedAt: new Date(), idempotencyKey: options.idempotencyKey ?? null });
    const children: Drafted[] = [];
    try {
      for (const [i, request] of requests.entries()) children.push(await this.draft(auth, request, { parentId: batch.id }).catch((err: unknown) => Promise.reject(atItem(err, i))));
    } catch (err) {
      await discard(children);
      throw err;
    }
    batch.input = { items: children.length, estimatedSeconds: children.reduce((sum, c) => sum + this.registry.estimatedSeconds(c.job), 0) };
    return this.create(auth, batch, children, options);
  }

  /**
   * A free job the installation starts for an organisation without a request (a store's webhook asking
   * for a sync), written and queued as any other: `createdBy` says what started it, e.g.
   * `webhook:shopify`. The caller has checked what the operation's prepare() would.
   */
  async submitUnattended(orgId: string, createdBy: string, type: string, input: Record<string, unknown>, reason: string): Promise<Job> {
    this.registry.handler(type);
    const job = Object.assign(new Job(), { orgId, type, createdBy, input });
    await this.credits.reserveEach(orgId, [{ amount: 0, referenceId: job.id, reason, alongWith: [job] }]);
    await this.queue.enqueue([job]);
    return job;
  }

  /**
   * What submitting the requests would reserve: each drafted and priced by its operation as submit()
   * drafts it, then dropped. No job, reservation or row the operation would write with it exists
   * after, its own limit (`within`) is not counted, and what preparing stored is removed.
   */
  async quote(auth: RequestAuth, requests: JobRequest[], batch: boolean): Promise<Quoted[]> {
    const quoted: Quoted[] = [];
    for (const [i, request] of requests.entries()) {
      const drafted = await this.draft(auth, request, {}).catch((err: unknown) => Promise.reject(batch ? atItem(err, i) : err));
      await discard([drafted]);
      quoted.push(drafted.job.test ? { job: drafted.job, price: 0, reason: `${drafted.prepared.reason}: free with a test key, rendered by aura` } : { job: drafted.job, price: drafted.prepared.price, reason: drafted.prepared.reason });
    }
    return quoted;
  }

  /** A job of the operation, made and priced by it. */
  private async draft(auth: RequestAuth, request: JobRequest, fields: Partial<Job>): Promise<Drafted> {
    const operation = this.registry.operation(request.operation);
    if (!operation) throw new Error(`no @JobOperation named "${request.operation}"`);
    const job = this.newJob(auth, operation.type, fields);
    return { job, prepared: await operation.prepare(auth, request.dto, job) };
  }

  private newJob(auth: RequestAuth, type: string, fields: Partial<Job>): Job {
    // Only operations whose type a handler runs are registered; a batch runs no handler.
    if (type !== BATCH_JOB_TYPE) this.registry.handler(type);
    return Object.assign(new Job(), {
      orgId: orgIdOf(auth),
      type,
      createdBy: principalId(auth.principal),
      endUserId: auth.endUserId,
      sku: auth.principal.kind === 'client_token' ? (auth.principal.limits.sku ?? null) : null,
      test: isTestKey(auth.principal),
      ...fields,
    });
  }

  /** Reserves and queues the drafted jobs, then answers `answered` (the job, or the batch holding them). */
  private async create(auth: RequestAuth, answered: Job, drafted: Drafted[], options: SubmitOptions): Promise<Submitted> {
    const orgId = answered.orgId;
    const batch = answered.type === BATCH_JOB_TYPE ? [answered] : [];
    let webhookSecret = {};
    let creditsBalance: number;
    try {
      if (options.webhookUrl) {
        // Client tokens live in browsers: they may neither aim signed events anywhere nor receive the org's secret.
        if (auth.principal.kind === 'client_token') {
          throw new AppError('insufficient_scope', 'Client tokens cannot set webhookUrl; use an API key, or an endpoint (webhooks:write)', { requiredScope: 'webhooks:write' });
        }
        const webhook = await this.webhooks.prepareJobWebhook(orgId, options.webhookUrl);
        answered.webhookUrl = webhook.url;
        if (webhook.newSecret) webhookSecret = { webhookSecret: webhook.newSecret };
      }
      const parts = drafted.map(({ job, prepared }) => ({ amount: prepared.price, referenceId: job.id, reason: prepared.reason, alongWith: [job] }));
      const alsoWrite = [...batch, ...drafted.flatMap((d) => d.prepared.alsoWrite ?? [])];
      // A test key's jobs are free: written without a reservation, so the ledger never hears of them.
      const reserve = answered.test
        ? async () => (await this.rows.insert([...drafted.map((d) => d.job), ...alsoWrite]), { creditsBalance: await this.credits.balance(orgId) })
        : () => this.credits.reserveEach(orgId, parts, alsoWrite);
      // Each operation's own limit wraps the reservation, so all count or none does.
      const within = drafted.reduceRight((inner, { prepared }) => (prepared.within ? () => prepared.within!(inner) : inner), reserve);
      ({ creditsBalance } = await within());
    } catch (err) {
      await discard(drafted);
      throw err;
    }
    await this.queue.enqueue(drafted.map((d) => d.job));
    if (options.waitSeconds > 0) {
      await this.waiter.waitFor(answered.id, Math.min(options.waitSeconds, MAX_WAIT_SECONDS) * 1000);
      const now = await this.jobs.get(auth, answered.id);
      if (FINAL_STATUSES.includes(now.status as Job['status'])) return { finished: { ...now, ...webhookSecret } };
    }
    const accepted = { id: answered.id, status: answered.status, estimatedTime: this.registry.estimatedSeconds(answered), creditsBalance };
    return { accepted: { ...accepted, ...webhookSecret } };
  }
}

/** Removes what the operations stored for jobs that are not created after all; a file left behind must not hide why. */
async function discard(drafted: Drafted[]): Promise<void> {
  await Promise.allSettled(drafted.map((d) => d.prepared.discard?.()));
}
