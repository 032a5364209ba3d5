import { EntityManager } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { databaseKind } from '../config/database-kind';
import { entityOfRow, PreparedSql, placeholders } from '../database/prepared-sql';
import { BATCH_JOB_TYPE, FINAL_STATUSES, Job } from './job.entity';

/** What a queue needs to know about a job to hand it to a worker. */
export interface QueuedJob {
  id: string;
  orgId: string;
}

export interface ClaimRequest {
  orgId: string;
  /** Candidates, oldest first; at most as many as the caller can run. */
  ids: string[];
  /** The organisation's plan limit: jobs of it running at once, across every worker. */
  maxRunning: number;
  maxAttempts: number;
  now: Date;
  leaseUntil: Date;
}

export type DueJob = Pick<Job, 'id' | 'orgId' | 'status' | 'attempts' | 'reservationId' | 'parentId'>;

interface DueRow {
  id: string;
  org_id: string;
  status: Job['status'];
  attempts: number | string;
  reservation_id: string | null;
  parent_id: string | null;
}

/**
 * The statements that move jobs between queued and processing: claims with the per-organisation
 * limit, lease renewal, and the look-ups the queue drivers poll with. Separate from JobsRepository,
 * which reads and finishes jobs.
 */
@Injectable()
export class JobQueueRepository {
  private readonly postgres: boolean;

  constructor(private readonly em: EntityManager, private readonly sql: PreparedSql, @Inject(APP_CONFIG) config: AppConfig) {
    this.postgres = databaseKind(config) === 'postgresql';
  }

  /** Due jobs, oldest first: queued ones and running ones whose lease ran out (batches never run: their children do). Skips organisations in `skipOrgs`. */
  async due(now: Date, limit: number, skipOrgs: string[]): Promise<DueJob[]> {
    const skip = skipOrgs.length ? ` and org_id not in (${placeholders(skipOrgs)})` : '';
    const rows = await this.sql.all<DueRow>(
      `select id, org_id, status, attempts, reservation_id, parent_id from jobs where status in ('queued', 'processing') and run_after <= ? and type <> ?${skip} order by run_after limit ?`,
      [now, BATCH_JOB_TYPE, ...skipOrgs, limit],
    );
    return rows.map((r: DueRow) => ({ id: r.id, orgId: r.org_id, status: r.status, attempts: Number(r.attempts), reservationId: r.reservation_id, parentId: r.parent_id }));
  }

  /** Jobs running under a live lease, per organisation (a short list: at most every worker's concurrency). */
  async runningByOrg(now: Date): Promise<Map<string, number>> {
    const rows = await this.sql.all<{ org_id: string; n: number | string }>('select org_id, count(*) as n from jobs where status = ? and run_after > ? group by org_id', ['processing', now]);
    return new Map(rows.map((r: { org_id: string; n: number | string }) => [r.org_id, Number(r.n)]));
  }

  /**
   * Takes some of `ids` (all of one organisation) for this worker until `leaseUntil`, as many as the
   * organisation's limit leaves room for, and returns them as claimed. One conditional UPDATE, so two
   * workers never take one job; on PostgreSQL the organisation row is locked first (as credit
   * reservations do), so workers claiming for one organisation at once cannot both fill its last slot.
   * SQLite runs one writer at a time, so the statement alone is atomic there. `started_at` comes from
   * the database clock, read after every earlier claim and completion has committed.
   */
  async claim(req: ClaimRequest): Promise<Job[]> {
    const claimable = `run_after <= ? and (status = 'queued' or (status = 'processing' and attempts < ?))`;
    const nowSql = this.postgres ? 'clock_timestamp()' : "cast(unixepoch('subsec') * 1000 as integer)";
    const atLeastZero = this.postgres ? 'greatest' : 'max';
    const ids = placeholders(req.ids);
    const { now } = req;
    const sql =
      `update jobs set status = 'processing', run_after = ?, attempts = attempts + 1, started_at = coalesce(started_at, ${nowSql}) ` +
      `where ${claimable} and id in (select id from jobs where id in (${ids}) and org_id = ? and ${claimable} order by run_after ` +
      `limit ${atLeastZero}(0, ? - (select count(*) from jobs where org_id = ? and status = 'processing' and run_after > ?))) returning *`;
    const params = [req.leaseUntil, now, req.maxAttempts, ...req.ids, req.orgId, now, req.maxAttempts, req.maxRunning, req.orgId, now];
    if (!this.postgres) return (await this.sql.all<Record<string, unknown>>(sql, params)).map((row) => entityOfRow(this.em, Job, row));
    // The lock and the claim in one transaction and one round trip (instead of BEGIN, lock, claim, COMMIT); the claim's count
    // runs on a snapshot taken after the lock is held. `for no key update`: claims and reservations of the organisation still
    // queue up behind each other, but the foreign-key checks of rows inserted for it meanwhile (ledger entries, jobs: `for key
    // share`) do not wait for this transaction.
    const rows = await this.sql.allInOneTrip<Record<string, unknown>>([
      { sql: 'select id from organizations where id = ? for no key update', params: [req.orgId] },
      { sql, params },
    ]);
    return rows.map((row) => entityOfRow(this.em, Job, row));
  }

  /** Extends the lease of a job this worker runs, while it is still this run's. */
  async renewLease(job: Job, leaseUntil: Date): Promise<void> {
    await this.em.fork().nativeUpdate(Job, { id: job.id, status: 'processing', attempts: job.attempts }, { runAfter: leaseUntil });
  }

  /**
   * Jobs a queue may have lost: queued ones due before `queuedBefore` (never added, or dropped by
   * Redis) and running ones whose lease ran out (their worker died), in id order after `afterId`.
   */
  stranded(queuedBefore: Date, now: Date, afterId: string, limit: number): Promise<QueuedJob[]> {
    return this.em.fork().find(
      Job,
      {
        id: { $gt: afterId },
        type: { $ne: BATCH_JOB_TYPE },
        $or: [
          { status: 'queued', runAfter: { $lte: queuedBefore } },
          { status: 'processing', runAfter: { $lte: now } },
        ],
      },
      { fields: ['id', 'orgId'], orderBy: { id: 'asc' }, limit },
    );
  }

  /** Which of these jobs have reached a final state: polled every 100 ms while requests wait (Prefer: wait). */
  async finishedAmong(ids: string[]): Promise<string[]> {
    const rows = await this.sql.all<{ id: string }>(`select id from jobs where id in (${placeholders(ids)}) and status in (${placeholders(FINAL_STATUSES)})`, [...ids, ...FINAL_STATUSES]);
    return rows.map((r) => r.id);
  }

  /** Marks that a webhook arrived for the job's remote work, for the node that runs it to notice. */
  async markRemoteWorkReady(id: string): Promise<void> {
    await this.em.fork().nativeUpdate(Job, { id, status: 'processing' }, { remoteWorkReady: true });
  }

  /** Which of these running jobs a webhook marked, the marks taken off. */
  async takeRemoteWorkReady(ids: string[]): Promise<string[]> {
    const em = this.em.fork();
    const marked = (await em.find(Job, { id: { $in: ids }, remoteWorkReady: true }, { fields: ['id'] })).map((r) => r.id);
    if (marked.length) await em.nativeUpdate(Job, { id: { $in: marked } }, { remoteWorkReady: false });
    return marked;
  }

  /** Which of these running jobs someone asked to cancel: polled every second while jobs run. */
  async cancelRequestedAmong(ids: string[]): Promise<string[]> {
    const rows = await this.sql.all<{ id: string }>(`select id from jobs where id in (${placeholders(ids)}) and status = 'processing' and cancel_requested = true`, ids);
    return rows.map((r) => r.id);
  }

}
