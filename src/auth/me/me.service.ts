import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { PlansService } from '../../config/plans.service';
import { CreditsService } from '../../credits/credits.service';
import { SubscriptionService } from '../../credits/subscription.service';
import { OrgDirectory } from '../../tenancy/org-directory';
import { OrgsRepository } from '../../tenancy/orgs.repository';
import { ROLE_SCOPES, type Role } from '../../tenancy/roles';
import type { RequestAuth } from '../../tenancy/principal';
import { UserDirectory } from '../users/user-directory';
import type { MeDto, MeOrgDto } from './me.dto';

/**
 * Who am I, where am I, what can I spend. For API keys this is answered from caches alone: it is the
 * call integrations make most, and the benchmark's subject.
 */
@Injectable()
export class MeService {
  constructor(
    private readonly users: UserDirectory,
    private readonly orgs: OrgDirectory,
    private readonly orgsRepo: OrgsRepository,
    private readonly credits: CreditsService,
    private readonly plans: PlansService,
  ) {}

  async get(auth: RequestAuth, orgHeader: string | undefined): Promise<MeDto> {
    const p = auth.principal;
    if (p.kind !== 'user') {
      const org = await this.orgs.getOrg(p.orgId);
      const current: MeOrgDto | null = org ? { id: org.id, name: org.name, role: null } : null;
      const id = p.kind === 'api_key' ? p.keyId : p.signingKeyId;
      return this.withOrg(null, current ? [current] : [], current, org?.plan, { type: p.kind, id, scopes: [...p.scopes] });
    }
    const user = await this.users.get(p.userId);
    if (!user) throw AppError.notFound('User');
    const memberships = await this.orgsRepo.listForUser(p.userId);
    const organizations = memberships.map(({ org, role }) => ({ id: org.id, name: org.name, role }));
    if (orgHeader && !organizations.some((o) => o.id === orgHeader)) throw AppError.notFound('Organization');
    const current = organizations.find((o) => o.id === (orgHeader || p.personalOrgId)) ?? organizations[0] ?? null;
    const scopes = current ? [...ROLE_SCOPES[current.role as Role]] : [];
    const me = { id: user.id, email: user.email, name: user.name, emailVerified: user.emailVerified };
    const planId = memberships.find(({ org }) => org.id === current?.id)?.org.plan;
    return this.withOrg(me, organizations, current, planId, { type: 'session', id: p.sessionId, scopes });
  }

  /** `planId`: the plan of the current organisation, read with it (the default plan where it has none). */
  private async withOrg(user: MeDto['user'], organizations: MeOrgDto[], current: MeOrgDto | null, planId: string | undefined, credential: MeDto['credential']): Promise<MeDto> {
    if (!current) return { user, credential, organizations, currentOrganization: null, plan: null, creditsBalance: null, features: null };
    const creditsBalance = await this.credits.balance(current.id);
    const planDto = SubscriptionService.mapPlan(this.plans.get(planId ?? this.plans.defaultPlanId));
    return { user, credential, organizations, currentOrganization: current, plan: planDto, creditsBalance, features: planDto.features };
  }
}
