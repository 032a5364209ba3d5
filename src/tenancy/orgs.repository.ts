import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Membership } from './membership.entity';
import { Organization } from './organization.entity';
import { Team } from './team.entity';
import type { Role } from './roles';

export interface OrgWithRole {
  org: Organization;
  role: Role;
}

@Injectable()
export class OrgsRepository {
  constructor(private readonly em: EntityManager) {}

  getById(orgId: string): Promise<Organization | null> {
    return this.em.fork().findOne(Organization, { id: orgId });
  }

  getMembership(orgId: string, userId: string): Promise<Membership | null> {
    return this.em.fork().findOne(Membership, { orgId, userId });
  }

  /** A team of the organisation (API keys may belong to one). */
  getTeam(orgId: string, teamId: string): Promise<Team | null> {
    return this.em.fork().findOne(Team, { orgId, id: teamId });
  }

  async listForUser(userId: string): Promise<OrgWithRole[]> {
    const em = this.em.fork();
    const memberships = await em.find(Membership, { userId }, { orderBy: { createdAt: 'asc' } });
    const orgs = await em.find(Organization, { id: { $in: memberships.map((m) => m.orgId) } });
    const byId = new Map(orgs.map((o) => [o.id, o]));
    return memberships.filter((m) => byId.has(m.orgId)).map((m) => ({ org: byId.get(m.orgId)!, role: m.role }));
  }

  async createWithOwner(org: Organization, ownerId: string): Promise<Organization> {
    await this.em.fork().transactional(async (em) => {
      em.persist(org);
      em.persist(Object.assign(new Membership(), { orgId: org.id, userId: ownerId, role: 'owner' as Role }));
    });
    return org;
  }

  async rename(org: Organization, name: string): Promise<void> {
    await this.em.fork().nativeUpdate(Organization, { id: org.id }, { name });
    org.name = name;
  }

  async setPlan(org: Organization, plan: string): Promise<void> {
    await this.em.fork().nativeUpdate(Organization, { id: org.id }, { plan });
    org.plan = plan;
  }

  listAll(opts: { after?: string; limit: number }): Promise<Organization[]> {
    return this.em.fork().find(Organization, opts.after ? { id: { $lt: opts.after } } : {}, { orderBy: { id: 'desc' }, limit: opts.limit });
  }

  countMembers(orgId: string): Promise<number> {
    return this.em.fork().count(Membership, { orgId });
  }
}
