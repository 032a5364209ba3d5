import { EntityManager, LockMode } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { databaseKind } from '../config/database-kind';
import { insertOnce } from '../common/errors/db-errors';
import { Organization } from '../tenancy/organization.entity';
import { CreditLedgerEntry } from './credit-ledger-entry.entity';

/** One UTC day of an organisation's ledger: what it spent (reservations net of releases), what it was granted, the reservations made. */
export interface DailyCreditsRow {
  date: string;
  spent: number;
  granted: number;
  reservations: number;
}

@Injectable()
export class CreditsRepository {
  /** The UTC day of created_at as YYYY-MM-DD: SQLite keeps datetimes as epoch milliseconds. */
  private readonly dayOf: string;

  constructor(private readonly em: EntityManager, @Inject(APP_CONFIG) config: AppConfig) {
    this.dayOf = databaseKind(config) === 'postgresql' ? `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD')` : `strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')`;
  }

  /** The days of [from, to) that have ledger entries, summed by the database. */
  async daily(orgId: string, from: Date, to: Date): Promise<DailyCreditsRow[]> {
    const platform = this.em.getPlatform();
    const rows: { day: string; spent: number | string; granted: number | string; reservations: number | string }[] = await this.em.fork().getConnection().execute(
      `select ${this.dayOf} as day,
         coalesce(-sum(case when kind in ('reservation', 'release') then amount else 0 end), 0) as spent,
         coalesce(sum(case when kind in ('starting_grant', 'operator_grant', 'pack_grant') then amount else 0 end), 0) as granted,
         sum(case when kind = 'reservation' then 1 else 0 end) as reservations
       from credit_ledger where org_id = ? and created_at >= ? and created_at < ? group by day order by day`,
      [orgId, platform.processDateProperty(from), platform.processDateProperty(to)],
    );
    return rows.map((r) => ({ date: r.day, spent: Number(r.spent), granted: Number(r.granted), reservations: Number(r.reservations) }));
  }

  async balance(orgId: string): Promise<number> {
    const rows = await this.em.fork().getConnection().execute<{ total: number | string | null }[]>(
      'select coalesce(sum(amount), 0) as total from credit_ledger where org_id = ?',
      [orgId],
    );
    return Number(rows[0]?.total ?? 0);
  }

  /** Credits held by reservations not yet captured or released. */
  async reserved(orgId: string): Promise<number> {
    const rows = await this.em.fork().getConnection().execute<{ total: number | string | null }[]>(
      `select coalesce(-sum(r.amount), 0) as total from credit_ledger r
       where r.org_id = ? and r.kind = 'reservation' and not exists (select 1 from credit_ledger s where s.settles = r.id)`,
      [orgId],
    );
    return Number(rows[0]?.total ?? 0);
  }

  async append(entry: CreditLedgerEntry): Promise<void> {
    await this.em.fork().persistAndFlush(entry);
  }

  /**
   * Appends the (negative) reservations of one organisation, and `alongWith` (the jobs they pay for),
   * only if the balance covers them all, with the organisation row locked for the check (PostgreSQL;
   * SQLite serialises writers anyway), so concurrent reservations can never take the balance below zero.
   */
  async reserveIfCovered(entries: CreditLedgerEntry[], alongWith: object[] = []): Promise<{ balanceBefore: number } | null> {
    return this.em.fork().transactional(async (em) => {
      await em.findOne(Organization, { id: entries[0].orgId }, { lockMode: LockMode.PESSIMISTIC_WRITE, fields: ['id'] });
      const rows = await em.getConnection().execute<{ total: number | string | null }[]>('select coalesce(sum(amount), 0) as total from credit_ledger where org_id = ?', [entries[0].orgId], 'all', em.getTransactionContext());
      const balanceBefore = Number(rows[0]?.total ?? 0);
      if (balanceBefore + entries.reduce((sum, e) => sum + e.amount, 0) < 0) return null;
      for (const row of [...entries, ...alongWith]) em.persist(row);
      return { balanceBefore };
    });
  }

  getReservation(orgId: string, id: string): Promise<CreditLedgerEntry | null> {
    return this.em.fork().findOne(CreditLedgerEntry, { orgId, id, kind: 'reservation' });
  }

  /** Settles a reservation once; false if it was already captured or released. */
  settle(entry: CreditLedgerEntry): Promise<boolean> {
    return insertOnce(this.em, entry);
  }

  list(orgId: string, opts: { after?: string; limit: number }): Promise<CreditLedgerEntry[]> {
    return this.em.fork().find(CreditLedgerEntry, { orgId, ...(opts.after ? { id: { $lt: opts.after } } : {}) }, { orderBy: { id: 'desc' }, limit: opts.limit });
  }
}
