import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { insertOnce } from '../common/errors/db-errors';
import type { ProviderOperation } from '../plugins/provider-models';
import { RoutingPolicy } from './routing-policy.entity';

@Injectable()
export class RoutingPoliciesRepository {
  constructor(private readonly em: EntityManager) {}

  get(orgId: string, operation: ProviderOperation): Promise<RoutingPolicy | null> {
    return this.em.fork().findOne(RoutingPolicy, { orgId, operation });
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
