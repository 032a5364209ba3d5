import { EntityManager } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from '../../src/jobs/job.entity';
import { JobsRepository } from '../../src/jobs/jobs.repository';
import { signUp } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

const PARTIAL = {
  jobs_org_id_end_user_id_id_index: 'end_user_id',
  jobs_org_id_idempotency_key_index: 'idempotency_key',
  jobs_parent_id_index: 'parent_id',
  images_org_id_end_user_id_id_index: 'end_user_id',
};

/** The tables every job writes: each index on them is one more write per insert or update. */
const HOT_TABLES = ['jobs', 'job_steps', 'images', 'credit_ledger', 'usage_counters'];

// The indexes on columns most rows leave empty hold only the rows that have a value, and no index is
// the beginning of another; the look-ups must still use the indexes that remain.
describe('the indexes of the tables every job writes', () => {
  let t: TestApp;
  let em: EntityManager;
  let postgres: boolean;
  beforeAll(async () => {
    t = await startTestApp({ PROCESS_ROLE: 'api' });
    em = t.app.get(EntityManager);
    postgres = em.getPlatform().constructor.name.startsWith('PostgreSql');
  });
  afterAll(() => t.close());

  /** The index's definition as the database keeps it. */
  const definition = async (name: string): Promise<string> => {
    const sql = postgres ? 'select indexdef as def from pg_indexes where indexname = ?' : "select sql as def from sqlite_master where type = 'index' and name = ?";
    const [row] = await em.getConnection().execute<{ def: string }[]>(sql, [name]);
    return row.def;
  };

  /** The plan of a query, as one line; on PostgreSQL with sequential scans off, as these tables are tiny. */
  const plan = (sql: string, params: unknown[]): Promise<string> =>
    em.fork().transactional(async (tx) => {
      const connection = tx.getConnection();
      if (postgres) await connection.execute('set local enable_seqscan = off', [], 'run', tx.getTransactionContext());
      const rows = await connection.execute<Record<string, string>[]>(`explain ${postgres ? '' : 'query plan '}${sql}`, params, 'all', tx.getTransactionContext());
      return rows.map((r: Record<string, string>) => r['QUERY PLAN'] ?? r.detail).join(' | ');
    });

  interface IndexShape { name: string; unique: boolean; partial: boolean; columns: string[] }

  /** Each index of a table: its columns in order, and whether it is unique or partial. */
  const indexesOf = async (table: string): Promise<IndexShape[]> => {
    const sql = postgres
      ? `select i.relname as name, x.indisunique as "unique", x.indpred is not null as partial, a.attname as col
           from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
           join unnest(x.indkey) with ordinality k(attnum, n) on true join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
          where t.relname = ? order by i.relname, k.n`
      : 'select l.name, l."unique", l.partial, i.name as col from pragma_index_list(?) l join pragma_index_info(l.name) i order by l.name, i.seqno';
    const rows = await em.getConnection().execute<{ name: string; unique: unknown; partial: unknown; col: string }[]>(sql, [table]);
    const byName = new Map<string, IndexShape>();
    for (const r of rows) {
      const index: IndexShape = byName.get(r.name) ?? { name: r.name, unique: Boolean(r.unique), partial: Boolean(r.partial), columns: [] };
      index.columns.push(r.col);
      byName.set(r.name, index);
    }
    return [...byName.values()];
  };

  it('has no plain index whose columns another index begins with', async () => {
    const redundant: string[] = [];
    for (const table of HOT_TABLES) {
      const indexes = await indexesOf(table);
      expect(indexes.length, table).toBeGreaterThan(0);
      const covered = (a: IndexShape) => indexes.some((b) => b !== a && !b.partial && b.columns.length > a.columns.length && a.columns.every((c, i) => b.columns[i] === c));
      redundant.push(...indexes.filter((a) => !a.unique && !a.partial && covered(a)).map((a) => `${table}.${a.name}`));
    }
    expect(redundant).toEqual([]);
  });

  /** An index's definition without quotes and parentheses, in lower case. */
  const bare = async (name: string) => (await definition(name)).replaceAll('"', '').replaceAll('(', '').replaceAll(')', '').toLowerCase();

  it('keeps out of each partial index the rows without its column, and out of the crash sweep\'s the jobs with nothing to announce', async () => {
    for (const [name, column] of Object.entries(PARTIAL)) expect(await bare(name)).toMatch(new RegExp(`where ${column} is not null$`));
    expect(await bare('jobs_finished_at_pending_index')).toMatch(/where event_pending = true$/);
  });

  it('finds jobs by end user, Idempotency-Key, batch and pending end through those indexes', async () => {
    const { orgId } = await signUp(t);
    const parent = Object.assign(new Job(), { orgId, type: 'batch', input: {}, createdBy: 'test', idempotencyKey: 'key-1' });
    const child = Object.assign(new Job(), { orgId, type: 'images.generate', input: {}, createdBy: 'test', parentId: parent.id, endUserId: 'user-1' });
    const plain = Object.assign(new Job(), { orgId, type: 'images.generate', input: {}, createdBy: 'test' });
    await t.app.get(JobsRepository).insert([parent, child, plain]);

    expect(await plan('select id from jobs where parent_id in (?, ?)', [parent.id, plain.id])).toContain('jobs_parent_id_index');
    expect(await plan('select * from jobs where org_id = ? and idempotency_key = ? and created_at >= ?', [orgId, 'key-1', new Date(0)])).toContain('jobs_org_id_idempotency_key_index');
    expect(await plan('select id from jobs where org_id = ? and end_user_id = ? order by id desc limit 20', [orgId, 'user-1'])).toContain('jobs_org_id_end_user_id_id_index');

    expect(await plan('select * from jobs where event_pending = true and finished_at <= ? order by finished_at limit ?', [new Date(), 100])).toContain('jobs_finished_at_pending_index');

    const rows = t.app.get(JobsRepository);
    expect((await rows.createdUnderKey(orgId, 'key-1', new Date(0)))?.id).toBe(parent.id);
    expect((await rows.childrenOf([parent.id, plain.id])).map((j) => j.id)).toEqual([child.id]);
  });

  it('finds rows by organisation, job and end user through the indexes that remain', async () => {
    const { orgId } = await signUp(t);
    const [jobId, from, to] = ['00000000-0000-4000-8000-000000000000', new Date(0), new Date()];
    const plans: [string, unknown[], RegExp][] = [
      ['select id from jobs where org_id = ? order by id desc limit 20', [orgId], /jobs_org_id_id_index/],
      ['select id from images where org_id = ? order by id desc limit 20', [orgId], /images_org_id_id_index/],
      ['select id from images where org_id = ? and end_user_id = ? order by id desc limit 20', [orgId, 'user-1'], /images_org_id_end_user_id_id_index/],
      ['select balance from credit_balances where org_id = ?', [orgId], /credit_balances_pkey|sqlite_autoindex_credit_balances/],
      ['select id from job_steps where job_id in (?) order by created_at asc', [jobId], /job_steps_job_id_created_at_index/],
      ['select sum(credits) from job_steps where org_id = ? and created_at >= ? and created_at < ?', [orgId, from, to], /job_steps_org_id_created_at_index/],
      ['select units from usage_counters where org_id = ? and day = ?', [orgId, '2026-11-30'], /usage_counters_pkey|sqlite_autoindex_usage_counters/],
    ];
    for (const [sql, params, index] of plans) expect(await plan(sql, params), sql).toMatch(index);
  });
});
