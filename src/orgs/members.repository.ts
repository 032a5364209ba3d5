import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { AuditEvent } from '../audit/audit-event.entity';
import { ApiKey } from '../auth/api-keys/api-key.entity';
import { User } from '../tenancy/user.entity';
import type { OutboxMail } from '../mail/outbox-mail.entity';
import { Invitation } from './invitation.entity';
import { Membership } from '../tenancy/membership.entity';
import type { Role } from '../tenancy/roles';

@Injectable()
export class MembersRepository {
  constructor(private readonly em: EntityManager) {}

  async listWithUsers(orgId: string): Promise<{ membership: Membership; user: User }[]> {
    const em = this.em.fork();
    const memberships = await em.find(Membership, { orgId }, { orderBy: { createdAt: 'asc' } });
    const users = await em.find(User, { id: { $in: memberships.map((m) => m.userId) } });
    const byId = new Map(users.map((u) => [u.id, u]));
    return memberships.filter((m) => byId.has(m.userId)).map((membership) => ({ membership, user: byId.get(membership.userId)! }));
  }

  get(orgId: string, userId: string): Promise<Membership | null> {
    return this.em.fork().findOne(Membership, { orgId, userId });
  }

  /**
   * Changes a role unless that would leave the organisation without an owner. The owner count and
   * the update happen in one transaction so two admins demoting the last two owners cannot both win.
   */
  async changeRole(m: Membership, role: Role): Promise<boolean> {
    return this.em.fork().transactional(async (em) => {
      if (m.role === 'owner' && role !== 'owner' && (await this.otherOwners(em, m)) === 0) return false;
      await em.nativeUpdate(Membership, { id: m.id }, { role });
      m.role = role;
      return true;
    });
  }

  /**
   * Ends a membership and revokes the API keys the member created in the organisation, with the
   * audit events `audit` makes of them, in one transaction. Null, and nothing done, when it would
   * leave the organisation without an owner; otherwise the keys revoked.
   */
  async remove(m: Membership, audit: (revoked: ApiKey[]) => AuditEvent[]): Promise<ApiKey[] | null> {
    return this.em.fork().transactional(async (em) => {
      if (m.role === 'owner' && (await this.otherOwners(em, m)) === 0) return null;
      await em.nativeDelete(Membership, { id: m.id });
      const keys = await em.find(ApiKey, { orgId: m.orgId, createdByUserId: m.userId, revokedAt: null }, { orderBy: { id: 'asc' } });
      const now = new Date();
      for (const key of keys) key.revokedAt = now;
      em.persist(audit(keys));
      return keys;
    });
  }

  getInvitationByHash(tokenHash: string): Promise<Invitation | null> {
    return this.em.fork().findOne(Invitation, { tokenHash });
  }

  getOpenInvitation(orgId: string, id: string): Promise<Invitation | null> {
    return this.em.fork().findOne(Invitation, { orgId, id, acceptedAt: null, revokedAt: null });
  }

  listOpenInvitations(orgId: string): Promise<Invitation[]> {
    return this.em.fork().find(Invitation, { orgId, acceptedAt: null, revokedAt: null, expiresAt: { $gt: new Date() } }, { orderBy: { createdAt: 'desc' } });
  }

  /** The invitation and its mail are written together, so no invitation exists that was never sent. */
  async createInvitation(invitation: Invitation, mail: OutboxMail): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      em.persist(invitation);
      em.persist(mail);
    });
  }

  async revokeInvitation(id: string): Promise<void> {
    await this.em.fork().nativeUpdate(Invitation, { id }, { revokedAt: new Date() });
  }

  /** Accepting marks the invitation used and adds the member together, once. */
  async accept(invitation: Invitation, userId: string): Promise<boolean> {
    return this.em.fork().transactional(async (em) => {
      const n = await em.nativeUpdate(Invitation, { id: invitation.id, acceptedAt: null, revokedAt: null }, { acceptedAt: new Date() });
      if (n !== 1) return false;
      em.persist(Object.assign(new Membership(), { orgId: invitation.orgId, userId, role: invitation.role }));
      return true;
    });
  }

  private otherOwners(em: EntityManager, m: Membership): Promise<number> {
    return em.count(Membership, { orgId: m.orgId, role: 'owner', id: { $ne: m.id } });
  }
}
