import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { PreparedSql } from '../database/prepared-sql';
import { UsageCounter } from './usage-counter.entity';

@Injectable()
export class UsageRepository {
  constructor(private readonly em: EntityManager, private readonly sql: PreparedSql) {}

  async unitsOn(orgId: string, day: string): Promise<number> {
    const row = await this.em.fork().findOne(UsageCounter, { orgId, day });
    return row?.units ?? 0;
  }

  /**
   * Adds `units` to the day's counter only if the total stays within `cap` (null: no cap), in one
   * statement, so two nodes cannot both take the last units. Returns false when over.
   */
  async tryConsume(orgId: string, day: string, units: number, cap: number | null): Promise<boolean> {
    if (cap !== null && units > cap) return false; // the day's first insert is not checked against the cap
    // A prepared statement: every work request runs it (with values bound, the same text each time).
    const capSql = cap === null ? '' : ' where usage_counters.units + excluded.units <= ?';
    const params = cap === null ? [orgId, day, units] : [orgId, day, units, cap];
    const sql = `insert into usage_counters (org_id, day, units) values (?, ?, ?) on conflict (org_id, day) do update set units = usage_counters.units + excluded.units${capSql}`;
    return (await this.sql.run(sql, params)) === 1;
  }
}
