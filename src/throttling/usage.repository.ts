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
   * statement per step so two nodes cannot both take the last units. Returns false when over.
   */
  async tryConsume(orgId: string, day: string, units: number, cap: number | null): Promise<boolean> {
    // Prepared statements: every work request runs these two (with values bound, the same text each time).
    await this.sql.run('insert into usage_counters (org_id, day, units) values (?, ?, 0) on conflict (org_id, day) do nothing', [orgId, day]);
    const capSql = cap === null ? '' : ' and units + ? <= ?';
    const params = cap === null ? [units, orgId, day] : [units, orgId, day, units, cap];
    return (await this.sql.run(`update usage_counters set units = units + ? where org_id = ? and day = ?${capSql}`, params)) === 1;
  }
}
