import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config';
import { ormOptions } from '../../src/database/orm-options';
import { freshPostgres } from '../support/test-app';

const onPostgres = process.env.DARKROOM_TEST_DATABASE === 'postgres';

type BalanceRow = { org_id: string; balance: number | string; reserved: number | string };

// The migration that moves balances into credit_balances runs on databases with ledgers already in them.
describe('the migration to kept credit balances', () => {
  let orm: MikroORM;
  let dataDir: string;
  let dropPostgres: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'darkroom-test-'));
    const pg = onPostgres ? await freshPostgres() : null;
    dropPostgres = pg?.drop;
    const config = loadConfig({ ...process.env, CONFIG_DIR: 'config', DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: pg?.url ?? '' });
    orm = await MikroORM.init(ormOptions(config));
  });
  afterAll(async () => {
    await orm.close();
    await dropPostgres?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sums each existing ledger, and the reservations still open', async () => {
    await orm.getMigrator().up({ to: 'Migration20261130140000' });
    const connection = orm.em.getConnection();
    const now = orm.em.getPlatform().processDateProperty(new Date());
    const entry = (id: string, orgId: string, amount: number, kind: string, settles: string | null = null) =>
      connection.execute('insert into credit_ledger (id, org_id, amount, kind, reason, reference_id, settles, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)', [id, orgId, amount, kind, 'test', null, settles, now]);
    for (const org of ['org-a', 'org-b', 'org-c']) {
      await connection.execute('insert into organizations (id, name, plan, personal, created_at) values (?, ?, ?, ?, ?)', [org, org, 'free', false, now]);
    }
    await entry('a-grant', 'org-a', 100, 'starting_grant');
    await entry('a-r1', 'org-a', -10, 'reservation');
    await entry('a-c1', 'org-a', 0, 'capture', 'a-r1');
    await entry('a-r2', 'org-a', -20, 'reservation');
    await entry('a-l2', 'org-a', 20, 'release', 'a-r2');
    await entry('a-r3', 'org-a', -5, 'reservation');
    await entry('b-grant', 'org-b', 50, 'starting_grant');
    await entry('b-r1', 'org-b', -7, 'reservation');

    await orm.getMigrator().up();
    const balances = async () => {
      const rows: BalanceRow[] = await connection.execute('select org_id, balance, reserved from credit_balances order by org_id');
      return rows.map((r) => [r.org_id, Number(r.balance), Number(r.reserved)]);
    };
    expect(await balances()).toEqual([
      ['org-a', 85, 5],
      ['org-b', 43, 7],
    ]);

    // From then on the trigger keeps them: org-c's first entry makes its row, a capture lets a reservation go.
    await entry('c-grant', 'org-c', 30, 'operator_grant');
    await entry('a-c3', 'org-a', 0, 'capture', 'a-r3');
    expect(await balances()).toEqual([
      ['org-a', 85, 0],
      ['org-b', 43, 7],
      ['org-c', 30, 0],
    ]);
  });
});
