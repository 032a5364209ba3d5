import { Inject, Injectable } from '@nestjs/common';
import { AuditService, type AuditEntry } from '../audit/audit.service';
import { ApiKeyAuthenticator } from '../auth/api-keys/api-key-authenticator';
import type { ApiKey } from '../auth/api-keys/api-key.entity';
import { orgIdOf, principalId, type RequestAuth, type UserPrincipal } from '../tenancy/principal';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { randomToken, sha256 } from '../common/crypto/hash';
import { AppError } from '../common/errors/app-error';
import { MailService } from '../mail/mail.service';
import { Invitation } from './invitation.entity';
import type { MemberRemovedDto } from './members.dto';
import { MembersRepository } from './members.repository';
import type { Membership } from '../tenancy/membership.entity';
import { OrgDirectory } from '../tenancy/org-directory';
import type { InvitationCreateDto, InvitationDto, MemberDto, OrgDto } from './orgs.dto';
import { OrgsRepository } from '../tenancy/orgs.repository';
import type { Role } from '../tenancy/roles';
import { TeamsRepository } from './teams.repository';

const lastOwner = () => new AppError('last_owner', 'An organisation needs at least one owner; make someone else owner first');

/** Members, roles and invitations. Only owners hand out or take away ownership. */
@Injectable()
export class MembersService {
  constructor(
    private readonly members: MembersRepository,
    private readonly orgs: OrgsRepository,
    private readonly teams: TeamsRepository,
    private readonly directory: OrgDirectory,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly apiKeys: ApiKeyAuthenticator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(orgId: string): Promise<{ data: MemberDto[] }> {
    const rows = await this.members.listWithUsers(orgId);
    return {
      data: rows.map(({ membership, user }) => ({ userId: user.id, email: user.email, name: user.name, role: membership.role, joinedAt: membership.createdAt.toISOString() })),
    };
  }

  async changeRole(auth: RequestAuth, userId: string, role: Role): Promise<MemberDto> {
    const m = await this.requireMember(orgIdOf(auth), userId);
    if ((m.role === 'owner' || role === 'owner') && auth.role !== 'owner') {
      throw new AppError('insufficient_role', 'Only an owner can grant or take away the owner role', { requiredRole: 'owner' });
    }
    const from = m.role;
    if (from === role) return (await this.list(m.orgId)).data.find((x) => x.userId === userId)!;
    if (!(await this.members.changeRole(m, role))) throw lastOwner();
    this.directory.forgetRole(m.orgId, m.userId);
    await this.audit.record({ orgId: m.orgId, action: 'member.role_changed', actor: AuditService.actorOf(auth), target: { type: 'member', id: userId }, details: { from, to: role } });
    return (await this.list(m.orgId)).data.find((x) => x.userId === userId)!;
  }

  async remove(auth: RequestAuth, userId: string): Promise<MemberRemovedDto> {
    const m = await this.requireMember(orgIdOf(auth), userId);
    if (m.role === 'owner' && auth.role !== 'owner') {
      throw new AppError('insufficient_role', 'Only an owner can remove an owner', { requiredRole: 'owner' });
    }
    const revoked = await this.removeMembership(auth, m, 'member.removed');
    return { userId, revokedApiKeys: revoked.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix })) };
  }

  async leave(auth: RequestAuth): Promise<void> {
    const principal = auth.principal as UserPrincipal;
    const m = await this.requireMember(orgIdOf(auth), principal.userId);
    await this.removeMembership(auth, m, 'member.left');
  }

  async invite(auth: RequestAuth, dto: InvitationCreateDto): Promise<InvitationDto> {
    const orgId = orgIdOf(auth);
    if (dto.role === 'owner' && auth.role !== 'owner') throw new AppError('insufficient_role', 'Only an owner can invite an owner', { requiredRole: 'owner' });
    const existing = await this.members.listWithUsers(orgId);
    if (existing.some(({ user }) => user.email === dto.email)) throw new AppError('already_member', `${dto.email} is already a member`);
    const org = await this.orgs.getById(orgId);
    const secret = randomToken('inv_');
    const invitation = Object.assign(new Invitation(), {
      orgId,
      email: dto.email,
      role: dto.role,
      tokenHash: sha256(secret),
      invitedByUserId: principalId(auth.principal),
      expiresAt: new Date(Date.now() + this.config.auth.invitationTtlHours * 3600_000),
    });
    const mail = this.mail.compose(
      dto.email,
      `You are invited to ${org!.name} on Darkroom`,
      `You have been invited to join ${org!.name} as ${dto.role}.\n\nSign in (or register with this address), then accept with:\nPOST ${this.mail.link(`/api/v1/invitations/${secret}/accept`)}\n\nThe invitation expires in ${this.config.auth.invitationTtlHours} hours.\n`,
    );
    await this.members.createInvitation(invitation, mail);
    this.mail.kick();
    await this.audit.record({ orgId, action: 'member.invited', actor: AuditService.actorOf(auth), target: { type: 'invitation', id: invitation.id }, details: { email: dto.email, role: dto.role } });
    return this.mapInvitation(invitation);
  }

  async listInvitations(orgId: string): Promise<{ data: InvitationDto[] }> {
    return { data: (await this.members.listOpenInvitations(orgId)).map((i) => this.mapInvitation(i)) };
  }

  async revokeInvitation(auth: RequestAuth, id: string): Promise<void> {
    const inv = await this.members.getOpenInvitation(orgIdOf(auth), id);
    if (!inv) throw AppError.notFound('Invitation');
    await this.members.revokeInvitation(inv.id);
    await this.audit.record({ orgId: inv.orgId, action: 'member.invitation_revoked', actor: AuditService.actorOf(auth), target: { type: 'invitation', id } });
  }

  async accept(principal: UserPrincipal, token: string): Promise<OrgDto> {
    const inv = await this.members.getInvitationByHash(sha256(token));
    if (!inv || inv.revokedAt || inv.acceptedAt) throw AppError.notFound('Invitation');
    if (inv.expiresAt <= new Date()) throw new AppError('expired', 'This invitation has expired; ask for a new one');
    if (inv.email !== principal.email) {
      throw new AppError('invitation_email_mismatch', 'This invitation was sent to another email address; sign in with that one');
    }
    if (await this.members.get(inv.orgId, principal.userId)) throw new AppError('already_member', 'You are already a member of this organisation');
    if (!(await this.members.accept(inv, principal.userId))) throw AppError.notFound('Invitation');
    this.directory.forgetRole(inv.orgId, principal.userId);
    await this.audit.record({ orgId: inv.orgId, action: 'member.joined', actor: { type: 'user', id: principal.userId }, target: { type: 'member', id: principal.userId }, details: { role: inv.role } });
    const org = (await this.orgs.getById(inv.orgId))!;
    return { id: org.id, name: org.name, plan: org.plan, personal: org.personal, role: inv.role, createdAt: org.createdAt.toISOString() };
  }

  /**
   * A member who goes takes the API keys they created with them: no key outlives its creator's
   * membership. Both are written with their audit events in one transaction.
   */
  private async removeMembership(auth: RequestAuth, m: Membership, action: 'member.removed' | 'member.left'): Promise<ApiKey[]> {
    const actor = AuditService.actorOf(auth);
    const events = (revoked: ApiKey[]) => [
      { orgId: m.orgId, action, actor, target: { type: 'member', id: m.userId } },
      ...revoked.map((k): AuditEntry => ({ orgId: m.orgId, action: 'api_key.revoked', actor, target: { type: 'api_key', id: k.id }, details: { reason: action, userId: m.userId } })),
    ].map((entry) => AuditService.event(entry));
    const revoked = await this.members.remove(m, events);
    if (!revoked) throw lastOwner();
    for (const key of revoked) this.apiKeys.forget(key.id);
    await this.teams.removeUserFromOrgTeams(m.orgId, m.userId);
    this.directory.forgetRole(m.orgId, m.userId);
    return revoked;
  }

  private async requireMember(orgId: string, userId: string): Promise<Membership> {
    const m = await this.members.get(orgId, userId);
    if (!m) throw AppError.notFound('Member');
    return m;
  }

  private mapInvitation(i: Invitation): InvitationDto {
    return { id: i.id, email: i.email, role: i.role, invitedByUserId: i.invitedByUserId, expiresAt: i.expiresAt.toISOString(), createdAt: i.createdAt.toISOString() };
  }
}
