import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
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

  async append(entry: CreditLedgerEntry): Promise<void> {
    await this.em.fork().persistAndFlush(entry);
  }

  list(orgId: string, opts: { after?: string; limit: number }): Promise<CreditLedgerEntry[]> {
    return this.em.fork().find(CreditLedgerEntry, { orgId, ...(opts.after ? { id: { $lt: opts.after } } : {}) }, { orderBy: { id: 'desc' }, limit: opts.limit });
  }
}
