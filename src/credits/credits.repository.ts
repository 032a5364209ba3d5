import { EntityManager } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { databaseKind } from '../config/database-kind';
import { newId } from '../common/ids';
import { PreparedSql, placeholders, type StatementScope } from '../database/prepared-sql';
import { CreditLedgerEntry } from './credit-ledger-entry.entity';

/** Reservations of one organisation to write together, with the rows (jobs) they pay for. */
export interface ReservationRequest {
  entries: CreditLedgerEntry[];
  alongWith: object[];
}

/** A reservation to settle: `capture` keeps its credits spent, `release` gives them back. */
export interface SettlementRequest {
  orgId: string;
  reservationId: string;
  kind: 'capture' | 'release';
}

/** One UTC day of an organisation's ledger: what it spent (reservations net of releases), what it was granted, the reservations made. */
export interface DailyCreditsRow {
  date: string;
  spent: number;
  granted: number;
  reservations: number;
}

/** PostgreSQL's SQLSTATE for division by zero: how a reservation's balance check fails its transaction. */
const DIVISION_BY_ZERO = '22012';
/** An organisation's balance: the sum of its ledger, which the database keeps in credit_balances (see CreditBalance). */
const BALANCE_OF_ORG = 'select coalesce((select balance from credit_balances where org_id = ?), 0) as total';

/** The credits the requests reserve from the organisation, all together. */
function neededBy(requests: ReservationRequest[], orgId: string): number {
  return -requests.filter((r) => r.entries[0].orgId === orgId).reduce((sum, r) => sum + r.entries.reduce((s, e) => s + e.amount, 0), 0);
}

@Injectable()
export class CreditsRepository {
  /** The UTC day of created_at as YYYY-MM-DD: SQLite keeps datetimes as epoch milliseconds. */
  private readonly dayOf: string;
  private readonly postgres: boolean;

  constructor(private readonly em: EntityManager, private readonly sql: PreparedSql, @Inject(APP_CONFIG) config: AppConfig) {
    this.postgres = databaseKind(config) === 'postgresql';
    this.dayOf = this.postgres ? `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD')` : `strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')`;
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

  /** The organisation's balance, in `scope`'s transaction when given one. */
  async balance(orgId: string, scope?: StatementScope): Promise<number> {
    const rows = await this.sql.all<{ total: number | string | null }>(BALANCE_OF_ORG, [orgId], scope);
    return Number(rows[0]?.total ?? 0);
  }

  /** The balance and the credits held by reservations not yet captured or released, in one read of the row credit_balances keeps (see CreditBalance). */
  async summary(orgId: string): Promise<{ creditsBalance: number; reserved: number }> {
    const [row] = await this.sql.all<{ balance: number | string; reserved: number | string }>('select balance, reserved from credit_balances where org_id = ?', [orgId]);
    return { creditsBalance: Number(row?.balance ?? 0), reserved: Number(row?.reserved ?? 0) };
  }

  async append(entry: CreditLedgerEntry): Promise<void> {
    await this.em.fork().persistAndFlush(entry);
  }

  /**
   * Appends each request's (negative) reservations and `alongWith` (the jobs they pay for) only if the
   * balance covers them, in one transaction for all the requests (group commit): per organisation the
   * row is locked (`for no key update`) for the check (PostgreSQL; SQLite serialises writers anyway) and the balance read
   * once, then the requests are taken in order, each whole or not at all, so concurrent reservations
   * can never take the balance below zero. Each answer is the balance its request found, or null
   * when that did not cover it.
   */
  async reserveIfCovered(requests: ReservationRequest[]): Promise<({ balanceBefore: number } | null)[]> {
    // Organisations locked in id order, so two nodes' batches never wait on each other's locks in a cycle.
    const orgIds = [...new Set(requests.map((r) => r.entries[0].orgId))].sort();
    const allRows = requests.flatMap(({ entries, alongWith }) => [...entries, ...alongWith]);
    const allInserts = this.sql.insertStatements(allRows, this.em);
    if (allInserts && !this.postgres) {
      // SQLite serialises writers: the balance reads and the inserts in a transaction of prepared statements, without the ORM's
      // transaction context; the inserts made once when every request is covered (the usual case).
      return this.sql.transaction(async (tx) => {
        const balances = new Map<string, number>();
        for (const orgId of orgIds) balances.set(orgId, await this.balance(orgId, tx));
        const { answers, rows } = this.takeCovered(requests, balances);
        for (const insert of rows.length === allRows.length ? allInserts : this.sql.insertStatements(rows, this.em)!) await this.sql.run(insert.sql, insert.params, tx);
        return answers;
      });
    }
    if (allInserts) {
      // `for no key update` serialises the organisation's reservations (and claims) without holding up the foreign-key checks
      // (`for key share`) of settlements and jobs written for it meanwhile; each balance read runs on a snapshot taken after its lock is
      // held. Usually the balances cover every request: then the locks, the balance reads and the inserts go in one round trip (one
      // transaction), each balance checked by the statement that reads it; when one does not, that check fails the transaction,
      // and the requests are taken one by one in two round trips (BEGIN, the locks and the balances; the inserts and COMMIT).
      const lockAndBalance = (orgId: string, check: boolean) => [
        { sql: 'select id from organizations where id = ? for no key update', params: [orgId] },
        check
          ? { sql: `select total, 1 / (case when total >= ? then 1 else 0 end) as covered from (${BALANCE_OF_ORG}) balance`, params: [neededBy(requests, orgId), orgId] }
          : { sql: BALANCE_OF_ORG, params: [orgId] },
      ];
      const totals = (results: Record<string, unknown>[][]) => new Map(orgIds.map((orgId, i) => [orgId, Number(results[2 * i + 1][0]?.total ?? 0)]));
      try {
        const results = await this.sql.inOneTrip([...orgIds.flatMap((orgId) => lockAndBalance(orgId, true)), ...allInserts]);
        return this.takeCovered(requests, totals(results)).answers;
      } catch (err) {
        if ((err as { code?: string }).code !== DIVISION_BY_ZERO) throw err;
      }
      return this.sql.inTwoTrips(orgIds.flatMap((orgId) => lockAndBalance(orgId, false)), (results) => {
        const { answers, rows } = this.takeCovered(requests, totals(results));
        return { statements: this.sql.insertStatements(rows, this.em)!, answer: answers };
      });
    }
    return this.em.fork().transactional(async (tx) => {
      const balances = new Map<string, number>();
      for (const orgId of orgIds) {
        if (this.postgres) await this.sql.all('select id from organizations where id = ? for no key update', [orgId], tx);
        balances.set(orgId, await this.balance(orgId, tx));
      }
      const { answers, rows } = this.takeCovered(requests, balances);
      await this.sql.insert(rows, tx);
      return answers;
    });
  }

  /** The requests taken in order, each whole or not at all, against the organisations' `balances`: the answers and the rows to write. */
  private takeCovered(requests: ReservationRequest[], balances: Map<string, number>) {
    const rows: object[] = [];
    const answers = requests.map(({ entries, alongWith }) => {
      const orgId = entries[0].orgId;
      const balanceBefore = balances.get(orgId)!;
      const after = balanceBefore + entries.reduce((sum, e) => sum + e.amount, 0);
      if (after < 0) return null;
      balances.set(orgId, after);
      rows.push(...entries, ...alongWith);
      return { balanceBefore };
    });
    return { answers, rows };
  }

  /**
   * Settles reservations, each once: a capture (0) or release (the amount back) entry per item, all
   * written by one statement that reads the reservations they settle; an item whose reservation is
   * settled already (by this statement or before) writes nothing, by the unique index on `settles`.
   * Answers, per item: true if settled now, false if it was already, null if it is no reservation of
   * that organisation.
   */
  async settle(items: SettlementRequest[]): Promise<(boolean | null)[]> {
    const createdAt = new Date();
    const rows = await this.sql.all<{ settles: string; kind: string }>(
      `insert into credit_ledger (id, org_id, amount, kind, reason, reference_id, settles, created_at) ` +
        `select v.column1, r.org_id, case when v.column4 = 'release' then -r.amount else 0 end, v.column4, v.column4 || ' of ' || r.reason, r.reference_id, r.id, ${this.postgres ? 'cast(? as timestamptz)' : '?'} ` +
        `from credit_ledger r join (values ${items.map(() => '(?, ?, ?, ?)').join(', ')}) v on r.id = v.column2 and r.org_id = v.column3 ` +
        `where r.kind = 'reservation' on conflict (settles) do nothing returning settles, kind`,
      [createdAt, ...items.flatMap((i) => [newId(), i.reservationId, i.orgId, i.kind])],
    );
    // Of several items for one reservation and kind, the first is the one settled now.
    const settledNow = new Set<number>();
    for (const row of rows) settledNow.add(items.findIndex((item, i) => !settledNow.has(i) && item.reservationId === row.settles && item.kind === row.kind));
    const rest = items.filter((_, i) => !settledNow.has(i));
    if (!rest.length) return items.map(() => true);
    const found = await this.sql.all<{ id: string; org_id: string }>(
      `select id, org_id from credit_ledger where kind = 'reservation' and id in (${placeholders(rest)})`,
      rest.map((i) => i.reservationId),
    );
    return items.map((item, i) => settledNow.has(i) || (found.some((r) => r.id === item.reservationId && r.org_id === item.orgId) ? false : null));
  }

  list(orgId: string, opts: { after?: string; limit: number }): Promise<CreditLedgerEntry[]> {
    return this.em.fork().find(CreditLedgerEntry, { orgId, ...(opts.after ? { id: { $lt: opts.after } } : {}) }, { orderBy: { id: 'desc' }, limit: opts.limit });
  }
}
