import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { RequestAuth, UserPrincipal } from '../tenancy/principal';
import { PlansService } from '../config/plans.service';
import { AppError } from '../common/errors/app-error';
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from '../common/pagination';
import { OrgDirectory } from '../tenancy/org-directory';
import { Organization } from '../tenancy/organization.entity';
import type { AdminOrgPageDto, OrgCreateDto, OrgDto, OrgListDto } from './orgs.dto';
import { OrgsRepository } from '../tenancy/orgs.repository';
import { PlanChanges } from './plan-changes';
import type { Role } from '../tenancy/roles';

@Injectable()
export class OrgsService {
  constructor(
    private readonly repo: OrgsRepository,
    private readonly directory: OrgDirectory,
    private readonly plans: PlansService,
    private readonly audit: AuditService,
    private readonly planChanges: PlanChanges,
  ) {}

  /** A person sees every organisation they belong to; a key or client token sees its own. */
  async listMine(auth: RequestAuth): Promise<OrgListDto> {
    const p = auth.principal;
    if (p.kind === 'user') return { data: (await this.repo.listForUser(p.userId)).map(({ org, role }) => this.map(org, role)) };
    const org = await this.repo.getById(p.orgId);
    return { data: org ? [this.map(org, null)] : [] };
  }

  /** New organisations start on the default plan without starting credits; those come once, with the account. */
  async create(principal: UserPrincipal, dto: OrgCreateDto): Promise<OrgDto> {
    const org = Object.assign(new Organization(), { name: dto.name.trim(), plan: this.plans.defaultPlanId, personal: false });
    await this.repo.createWithOwner(org, principal.userId);
    return this.map(org, 'owner');
  }

  /** `role` is the caller's in the organisation, null for keys and client tokens. */
  async get(orgId: string, role: Role | null): Promise<OrgDto> {
    return this.map(await this.require(orgId), role);
  }

  async rename(orgId: string, role: Role | null, dto: OrgCreateDto): Promise<OrgDto> {
    const org = await this.require(orgId);
    await this.repo.rename(org, dto.name.trim());
    this.directory.forgetOrg(org.id);
    return this.map(org, role);
  }

  async listAll(query: { limit?: number; cursor?: string }): Promise<AdminOrgPageDto> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.repo.listAll({ after: decodeCursor(query.cursor), limit: limit + 1 });
    const page = toPage(rows, limit, (o) => o);
    const data = await Promise.all(page.data.map(async (o) => ({ ...this.mapBase(o), members: await this.repo.countMembers(o.id) })));
    return { data, nextCursor: page.nextCursor };
  }

  async changePlan(operator: UserPrincipal, orgId: string, planId: string): Promise<OrgDto> {
    const plan = this.plans.require(planId);
    const org = await this.require(orgId);
    const previous = org.plan;
    await this.repo.setPlan(org, plan.id);
    this.directory.forgetOrg(org.id);
    await this.audit.record({ orgId: org.id, action: 'org.plan_changed', actor: { type: 'operator', id: operator.userId }, details: { from: previous, to: plan.id } });
    await this.planChanges.changed(org.id, plan);
    return this.map(org, null);
  }

  private async require(orgId: string): Promise<Organization> {
    const org = await this.repo.getById(orgId);
    if (!org) throw AppError.notFound('Organization');
    return org;
  }

  private mapBase(org: Organization) {
    return { id: org.id, name: org.name, plan: org.plan, personal: org.personal, createdAt: org.createdAt.toISOString() };
  }

  private map(org: Organization, role: Role | null): OrgDto {
    return { ...this.mapBase(org), role };
  }
}
