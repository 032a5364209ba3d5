import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AppError } from '../common/errors/app-error';
import { PROVIDER_OPERATIONS, type ProviderOperation } from '../plugins/provider-models';
import { principalId, type RequestAuth } from '../tenancy/principal';
import { LIBRARY_TARGET, ProviderRouter } from './provider-router';
import type { RoutingPolicyDto, RoutingPolicyListDto } from './routing-policies.dto';
import { RoutingPoliciesRepository } from './routing-policies.repository';
import { RoutingPolicy } from './routing-policy.entity';

/**
 * An organisation's routing policies, one per operation: the targets its requests go to when they
 * name no provider, in order, each the fallback of the one before. Every change is audited.
 */
@Injectable()
export class RoutingPoliciesService {
  constructor(private readonly repo: RoutingPoliciesRepository, private readonly router: ProviderRouter, private readonly audit: AuditService) {}

  async list(orgId: string): Promise<RoutingPolicyListDto> {
    return { data: (await this.repo.listInOrg(orgId)).map(describe) };
  }

  /** The targets of the organisation's policy for the operation, or null when it has none. */
  targetsFor(orgId: string, operation: ProviderOperation): Promise<string[] | null> {
    return this.repo.targetsOf(orgId, operation);
  }

  /**
   * Each target must name a provider and model here that can do the operation (400 invalid_model),
   * once; a generate policy may start with `library` (library first).
   */
  async save(auth: RequestAuth, orgId: string, operation: string, targets: string[]): Promise<RoutingPolicyDto> {
    const op = operationOf(operation);
    const libraryFirst = op === 'generate' && targets[0] === LIBRARY_TARGET;
    const rest = libraryFirst ? targets.slice(1) : targets;
    if (rest.includes(LIBRARY_TARGET)) {
      throw new AppError('validation_failed', '`library` can only be the first target of a generate policy', { fields: [{ field: 'targets', messages: ['library first, for generate only'] }] });
    }
    const ids = [...(libraryFirst ? [LIBRARY_TARGET] : []), ...rest.map((t) => this.router.target(op, t)).map((r) => `${r.provider.id}/${r.model.id}`)];
    if (new Set(ids).size !== ids.length) {
      throw new AppError('validation_failed', `a target is named twice: ${ids.join(', ')}`, { fields: [{ field: 'targets', messages: ['each target at most once'] }] });
    }
    const policy = await this.repo.save(Object.assign(new RoutingPolicy(), { orgId, operation: op, targets: ids, updatedBy: principalId(auth.principal) }));
    await this.audit.record({ orgId, action: 'routing_policy.saved', actor: AuditService.actorOf(auth), target: { type: 'routing_policy', id: policy.id }, details: { operation: op, targets: ids } });
    return describe(policy);
  }

  async remove(auth: RequestAuth, orgId: string, operation: string): Promise<void> {
    const op = operationOf(operation);
    if (!(await this.repo.delete(orgId, op))) throw AppError.notFound(`A routing policy for ${op}`);
    await this.audit.record({ orgId, action: 'routing_policy.deleted', actor: AuditService.actorOf(auth), target: { type: 'routing_policy', id: op }, details: { operation: op } });
  }
}

function operationOf(operation: string): ProviderOperation {
  if (!(PROVIDER_OPERATIONS as readonly string[]).includes(operation)) throw AppError.notFound(`The operation "${operation}" (one of ${PROVIDER_OPERATIONS.join(', ')})`);
  return operation as ProviderOperation;
}

function describe(policy: RoutingPolicy): RoutingPolicyDto {
  return { operation: policy.operation, targets: policy.targets, updatedBy: policy.updatedBy, updatedAt: policy.updatedAt.toISOString() };
}
