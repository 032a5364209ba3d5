import { EntityManager, LockMode } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { insertOnce } from '../common/errors/db-errors';
import { Organization } from '../tenancy/organization.entity';
import { CreditLedgerEntry } from './credit-ledger-entry.entity';

@Injectable()
export class CreditsRepository {
  constructor(private readonly em: EntityManager) {}

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
