import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { Plan } from '../config/plans';
import { PlansService } from '../config/plans.service';
import { TtlCache } from '../common/ttl-cache';
import { OrgsRepository } from './orgs.repository';
import type { Role } from './roles';

export interface OrgSummary {
  id: string;
  name: string;
  plan: string;
}

/**
 * Cached answers to the two questions every request asks: which plan is this organisation on, and
 * what role does this user hold in it. Entries live CREDENTIAL_CACHE_SECONDS; changes made on this
 * node evict them at once.
 */
@Injectable()
export class OrgDirectory {
  private readonly orgs: TtlCache<string, OrgSummary | null>;
  private readonly roles: TtlCache<string, Role | null>;

  constructor(private readonly repo: OrgsRepository, private readonly plans: PlansService, @Inject(APP_CONFIG) config: AppConfig) {
    const ttl = config.auth.credentialCacheSeconds * 1000;
    this.orgs = new TtlCache(ttl);
    this.roles = new TtlCache(ttl);
  }

  getOrg(orgId: string): Promise<OrgSummary | null> {
    return this.orgs.getOrLoad(orgId, async () => {
      const org = await this.repo.getById(orgId);
      return org ? { id: org.id, name: org.name, plan: org.plan } : null;
    });
  }

  /** The organisation's plan (the default plan for an organisation not found). */
  async planOf(orgId: string): Promise<Plan> {
    return this.plans.get((await this.getOrg(orgId))?.plan ?? this.plans.defaultPlanId);
  }

  roleOf(orgId: string, userId: string): Promise<Role | null> {
    return this.roles.getOrLoad(`${orgId}:${userId}`, async () => (await this.repo.getMembership(orgId, userId))?.role ?? null);
  }

  forgetOrg(orgId: string): void {
    this.orgs.delete(orgId);
  }

  forgetRole(orgId: string, userId: string): void {
    this.roles.delete(`${orgId}:${userId}`);
  }
}
