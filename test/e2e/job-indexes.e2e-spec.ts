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
};

// The indexes on columns most jobs leave empty hold only the rows that have a value (each update of a
// job writes an entry into every index holding its row); the look-ups by those columns must still use them.
describe('partial job indexes', () => {
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

  it('keeps out of each index the jobs without its column', async () => {
    for (const [name, column] of Object.entries(PARTIAL)) {
      expect((await definition(name)).replaceAll('"', '').replaceAll('(', '').replaceAll(')', '').toLowerCase()).toMatch(new RegExp(`where ${column} is not null$`));
    }
  });

  it('finds jobs by end user, Idempotency-Key and batch through those indexes', async () => {
    const { orgId } = await signUp(t);
    const parent = Object.assign(new Job(), { orgId, type: 'batch', input: {}, createdBy: 'test', idempotencyKey: 'key-1' });
    const child = Object.assign(new Job(), { orgId, type: 'images.generate', input: {}, createdBy: 'test', parentId: parent.id, endUserId: 'user-1' });
    const plain = Object.assign(new Job(), { orgId, type: 'images.generate', input: {}, createdBy: 'test' });
    await t.app.get(JobsRepository).insert([parent, child, plain]);

    expect(await plan('select id from jobs where parent_id in (?, ?)', [parent.id, plain.id])).toContain('jobs_parent_id_index');
    expect(await plan('select * from jobs where org_id = ? and idempotency_key = ? and created_at >= ?', [orgId, 'key-1', new Date(0)])).toContain('jobs_org_id_idempotency_key_index');
    expect(await plan('select id from jobs where org_id = ? and end_user_id = ? order by id desc limit 20', [orgId, 'user-1'])).toContain('jobs_org_id_end_user_id_id_index');

    const rows = t.app.get(JobsRepository);
    expect((await rows.createdUnderKey(orgId, 'key-1', new Date(0)))?.id).toBe(parent.id);
    expect((await rows.childrenOf([parent.id, plain.id])).map((j) => j.id)).toEqual([child.id]);
  });
});
