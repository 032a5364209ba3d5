import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { insertOnce } from '../common/errors/db-errors';
import { PreparedSql } from '../database/prepared-sql';
import type { ProviderOperation } from '../plugins/provider-models';
import { RoutingPolicy } from './routing-policy.entity';

@Injectable()
export class RoutingPoliciesRepository {
  constructor(private readonly em: EntityManager, private readonly sql: PreparedSql) {}

  /**
   * The targets of the organisation's policy for the operation, or null when it has none. A prepared
   * statement, not the query builder and an entity: every generation that names no provider asks.
   */
  async targetsOf(orgId: string, operation: ProviderOperation): Promise<string[] | null> {
    const rows = await this.sql.all<{ targets: string[] | string }>(
      'select targets from routing_policies where org_id = ? and operation = ?',
      [orgId, operation],
    );
    if (!rows.length) return null;
    // A JSON column: parsed by the PostgreSQL driver, text in SQLite.
    const { targets } = rows[0];
    return typeof targets === 'string' ? (JSON.parse(targets) as string[]) : targets;
  }

  listInOrg(orgId: string): Promise<RoutingPolicy[]> {
    return this.em.fork().find(RoutingPolicy, { orgId }, { orderBy: { operation: 'asc' } });
  }

  /** Saves the organisation's policy for the operation: a new row, or the one there given the new targets. */
  async save(policy: RoutingPolicy): Promise<RoutingPolicy> {
    if (await insertOnce(this.em, policy)) return policy;
    const em = this.em.fork();
    await em.nativeUpdate(RoutingPolicy, { orgId: policy.orgId, operation: policy.operation }, { targets: policy.targets, updatedBy: policy.updatedBy, updatedAt: new Date() });
    return em.findOneOrFail(RoutingPolicy, { orgId: policy.orgId, operation: policy.operation });
  }

  async delete(orgId: string, operation: ProviderOperation): Promise<boolean> {
    return (await this.em.fork().nativeDelete(RoutingPolicy, { orgId, operation })) === 1;
  }
}
