import { EntityManager } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import { newId } from '../common/ids';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { databaseKind } from '../config/database-kind';
import { entityOfRow, PreparedSql, placeholders, type StatementScope } from '../database/prepared-sql';
import { BATCH_JOB_TYPE, Job, type JobError, type JobStatus } from './job.entity';

/** A job to complete: the rows its handler returned, its cost, and whether its end must be announced again after a crash (JobEvents). */
export interface Completion {
  job: Job;
  persist: object[];
  cost: number;
  eventPending: boolean;
}

/** What a batch shows of its children and sums up when it ends. */
export type BatchChild = Pick<Job, 'id' | 'parentId' | 'status' | 'cost'>;

export interface JobFilter {
  type?: string;
  status?: JobStatus;
  endUserId?: string;
}

/**
 * The 0-credit `capture` entries of the reservations (`r`, from `from`) that a `values` list of n (reservation id, new entry
 * id) pairs names, at `createdAt`; none for a reservation settled already (unique index on settles).
 */
function captureEntries(from: string, createdAt: string, n: number): string {
  return (
    `insert into credit_ledger (id, org_id, amount, kind, reason, reference_id, settles, created_at) ` +
    `select v.column2, r.org_id, 0, 'capture', 'capture of ' || r.reason, r.reference_id, r.id, ${createdAt} ` +
    `from ${from} join (values ${Array.from({ length: n }, () => '(?, ?)').join(', ')}) v on v.column1 = r.id ` +
    `where r.kind = 'reservation' on conflict (settles) do nothing`
  );
}

@Injectable()
export class JobsRepository {
  private readonly postgres: boolean;

  constructor(private readonly em: EntityManager, private readonly sql: PreparedSql, @Inject(APP_CONFIG) config: AppConfig) {
    this.postgres = databaseKind(config) === 'postgresql';
  }

  getById(id: string): Promise<Job | null> {
    return this.em.fork().findOne(Job, { id });
  }

  /** The job a request with this Idempotency-Key created, if it got that far (a key is reused once it expires: only jobs since `since` count). */
  createdUnderKey(orgId: string, idempotencyKey: string, since: Date): Promise<Job | null> {
    return this.em.fork().findOne(Job, { orgId, idempotencyKey, createdAt: { $gte: since } }, { orderBy: { createdAt: 'desc' } });
  }

  listInOrg(orgId: string, filter: JobFilter, opts: { after?: string; limit: number }): Promise<Job[]> {
    return this.em.fork().find(
      Job,
      { orgId, ...filter, ...(opts.after ? { id: { $lt: opts.after } } : {}) },
      { orderBy: { id: 'desc' }, limit: opts.limit },
    );
  }

  /** Writes new jobs and the rows that go with them, all or none. */
  async insert(rows: object[]): Promise<void> {
    await this.em.fork().transactional(async (em) => void rows.forEach((row) => em.persist(row)));
  }

  /**
   * Completes jobs, captures their credit reservations (as CreditsService.capture would) and writes
   * their handlers' rows (`persist`, e.g. images), in one transaction (completions that finish together
   * share a commit). Each is completed only if it was not finished meanwhile (cancelled) and is still
   * its run's (not taken over after its lease ran out); the answer says which were, and only their
   * capture and rows are written. Capturing here saves the settlement's own statement and commit on
   * every completion, and no completed job is ever left with its reservation open.
   */
  async complete(items: Completion[]): Promise<boolean[]> {
    // Plain statements, one per (attempts, cost, eventPending) among the jobs (usually one for all of them), not the query builder: the hot path.
    const groups = new Map<string, { attempts: number; cost: number; eventPending: boolean; ids: string[]; reservationIds: string[] }>();
    for (const { job, cost, eventPending } of items) {
      const key = `${job.attempts}:${cost}:${eventPending}`;
      const group = groups.get(key) ?? { attempts: job.attempts, cost, eventPending, ids: [], reservationIds: [] };
      group.ids.push(job.id);
      if (job.reservationId) group.reservationIds.push(job.reservationId);
      groups.set(key, group);
    }
    const finishedAt = new Date();
    const completeGroups = async (scope?: StatementScope) => {
      const completed = new Set<string>();
      for (const { attempts, cost, eventPending, ids, reservationIds } of groups.values()) {
        const update =
          `update jobs set status = 'completed', cost = ?, finished_at = ?, event_pending = ? ` +
          `where status = 'processing' and attempts = ? and cancel_requested = false and id in (${placeholders(ids)}) returning id`;
        const params = [cost, finishedAt, eventPending, attempts, ...ids];
        const capture = this.postgres && reservationIds.length > 0;
        const rows = await this.sql.all<{ id: string }>(capture ? this.completingWithCapture(update, reservationIds.length) : update, capture ? [...params, finishedAt, ...reservationIds.flatMap((id) => [id, newId()])] : params, scope);
        for (const row of rows) completed.add(row.id);
      }
      // SQLite: the captures follow the updates, in their transaction.
      const reservations = this.postgres ? [] : items.flatMap(({ job }) => (completed.has(job.id) && job.reservationId ? [job.reservationId] : []));
      if (reservations.length) await this.sql.run(this.capturing(reservations.length), [finishedAt, ...reservations.flatMap((id) => [id, newId()])], scope);
      return completed;
    };
    // Nothing to write beside the jobs on PostgreSQL: each update commits on its own (a job is completed by one statement either
    // way), saving the transaction's BEGIN and COMMIT round trips.
    const rows = items.flatMap(({ persist }) => persist);
    if (!rows.length && (this.postgres || !items.some(({ job }) => job.reservationId))) {
      const completed = await completeGroups();
      return items.map(({ job }) => completed.has(job.id));
    }
    // Rows of types written plainly (images: the usual case) are inserted by prepared statements in a transaction of prepared
    // statements, without the ORM's unit of work and transaction context; the rows of a job not completed are left out.
    const inserts = this.sql.insertStatements(rows, this.em);
    if (inserts) {
      return this.sql.transaction(async (tx) => {
        const completed = await completeGroups(tx);
        const kept = items.filter(({ job }) => completed.has(job.id)).flatMap(({ persist }) => persist);
        for (const insert of kept.length === rows.length ? inserts : this.sql.insertStatements(kept, this.em)!) await this.sql.run(insert.sql, insert.params, tx);
        return items.map(({ job }) => completed.has(job.id));
      });
    }
    return this.em.fork().transactional(async (em) => {
      const completed = await completeGroups(em);
      for (const { job, persist } of items) if (completed.has(job.id)) for (const row of persist) em.persist(row);
      return items.map(({ job }) => completed.has(job.id));
    });
  }

  /**
   * The completing `update` (returning id) with the capture of the reservations of the jobs it completes, written as
   * CreditsRepository.settle writes one: a 0-credit `capture` entry per reservation, none for a reservation settled
   * already (unique index on settles). Takes, after the update's values, the time and a (reservation id, new entry id) pair
   * per reservation.
   */
  private completingWithCapture(update: string, reservations: number): string {
    const captured = captureEntries('done join credit_ledger r on r.id = done.reservation_id', 'cast(? as timestamptz)', reservations);
    return `with done as (${update.replace(/returning id$/, 'returning id, reservation_id')}), captured as (${captured}) select id from done`;
  }

  /** SQLite's capture of completed jobs' reservations, the same entries as `completingWithCapture` writes; the same values after the update's. */
  private capturing(reservations: number): string {
    return captureEntries('credit_ledger r', '?', reservations);
  }

  /** Saves a running job's checkpoint, if the job is still this run's (`job.attempts`). */
  async saveCheckpoint(job: Job, checkpoint: string): Promise<boolean> {
    return (await this.em.fork().nativeUpdate(Job, { id: job.id, status: 'processing', attempts: job.attempts }, { checkpoint })) === 1;
  }

  /** Saves a running job's progress, if the job is still this run's. */
  async saveProgress(job: Job, progress: { done: number; total: number | null }): Promise<void> {
    await this.em.fork().nativeUpdate(Job, { id: job.id, status: 'processing', attempts: job.attempts }, { progress });
  }

  /** `attempts`, when given, finishes the job only if it is still that run's. */
  async finish(jobId: string, from: JobStatus[], status: 'failed' | 'canceled', error: JobError | null, attempts?: number): Promise<boolean> {
    const n = await this.em.fork().nativeUpdate(Job, { id: jobId, status: { $in: from }, ...(attempts === undefined ? {} : { attempts }) }, { status, error, finishedAt: new Date(), eventPending: true });
    return n === 1;
  }

  /** Puts a job back in the queue to try again after `runAfter`, if it is still this run's. */
  async retryLater(job: Job, runAfter: Date, error: JobError): Promise<boolean> {
    const n = await this.em.fork().nativeUpdate(Job, { id: job.id, status: 'processing', attempts: job.attempts }, { status: 'queued', runAfter, error });
    return n === 1;
  }

  /**
   * Finished jobs whose end was not fully handled (the process stopped in between). `event_pending = true` is written out,
   * not bound: SQLite only uses the partial index (jobs_finished_at_pending_index) for a query whose terms name its condition.
   */
  async pendingEvents(finishedBefore: Date, limit: number): Promise<Job[]> {
    const rows = await this.sql.all<Record<string, unknown>>('select * from jobs where event_pending = true and finished_at <= ? order by finished_at limit ?', [finishedBefore, limit]);
    return rows.map((row) => entityOfRow(this.em, Job, row));
  }

  async clearEventPending(jobIds: string[]): Promise<void> {
    await this.sql.run(`update jobs set event_pending = false where event_pending = true and id in (${placeholders(jobIds)})`, jobIds);
  }

  /** The children of these batches, in the order of their items (ids are time-ordered). */
  childrenOf(batchIds: string[]): Promise<BatchChild[]> {
    return this.em.fork().find(Job, { parentId: { $in: batchIds } }, { fields: ['id', 'parentId', 'status', 'cost'], orderBy: { id: 'asc' } });
  }

  /** Ends a running batch as `status` (its cancelRequested still as read), with what its children cost; false if it ended already or a cancel came meanwhile. */
  async endBatch(batch: Job, status: 'completed' | 'canceled', cost: number): Promise<boolean> {
    const n = await this.em.fork().nativeUpdate(Job, { id: batch.id, status: 'processing', cancelRequested: batch.cancelRequested }, { status, cost, finishedAt: new Date(), eventPending: true });
    return n === 1;
  }

  /** Running batches none of whose children is still queued or running: batches a crash kept from ending. */
  async settledBatches(limit: number): Promise<string[]> {
    const rows = await this.em.fork().getConnection().execute<{ id: string }[]>(
      `select b.id from jobs b where b.type = ? and b.status = 'processing' and not exists ` +
        `(select 1 from jobs c where c.parent_id = b.id and c.status in ('queued', 'processing')) order by b.id limit ?`,
      [BATCH_JOB_TYPE, limit],
    );
    return rows.map((r: { id: string }) => r.id);
  }

  /** Marks a running job for cancelling; false if it is no longer running. */
  async requestCancel(jobId: string): Promise<boolean> {
    return (await this.em.fork().nativeUpdate(Job, { id: jobId, status: 'processing' }, { cancelRequested: true })) === 1;
  }
}
