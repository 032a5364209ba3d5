import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { PlansService } from '../../config/plans.service';
import { randomToken, sha256 } from '../../common/crypto/hash';
import { AppError } from '../../common/errors/app-error';
import { CreditsService } from '../../credits/credits.service';
import { mapUniqueViolation } from '../../common/errors/db-errors';
import { MailService } from '../../mail/mail.service';
import { Organization } from '../../tenancy/organization.entity';
import type { UserPrincipal } from '../../tenancy/principal';
import { SessionsService, type SessionTokenPair } from '../sessions/sessions.service';
import { EmailToken } from '../users/email-token.entity';
import { UserDirectory } from '../users/user-directory';
import { User } from '../../tenancy/user.entity';
import { UsersRepository } from '../users/users.repository';
import type { LoginDto, RegisterDto, RegisterResponseDto, UserDto } from './accounts.dto';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { assertStrongPassword } from './password-policy';

export interface ClientInfo {
  ip: string;
  requestId: string;
}

@Injectable()
export class AccountsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly directory: UserDirectory,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly loginThrottle: LoginThrottle,
    private readonly plans: PlansService,
    private readonly credits: CreditsService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates the user with a personal organisation on the default plan and its starting credits. */
  async register(dto: RegisterDto): Promise<RegisterResponseDto> {
    assertStrongPassword(dto.password, [dto.email, dto.email.split('@')[0], dto.name]);
    if (await this.users.getByEmail(dto.email)) throw this.emailTaken();
    const user = Object.assign(new User(), { email: dto.email, name: dto.name.trim(), passwordHash: await this.hasher.hash(dto.password) });
    const plan = this.plans.get(this.plans.defaultPlanId);
    const org = Object.assign(new Organization(), { name: `${user.name}'s workspace`, plan: plan.id, personal: true });
    const { token, mail } = this.verificationMail(user);
    await mapUniqueViolation(
      () =>
        this.users.createAccount({
          user,
          org,
          startingCredits: plan.startingCredits > 0 ? this.credits.entry(org.id, plan.startingCredits, 'starting_grant', `Starting credits of the ${plan.name} plan`) : null,
          verificationToken: token,
          mail,
        }),
      'email_taken',
      'An account with this email already exists',
    );
    this.mail.kick();
    return {
      user: this.mapUser(user),
      organization: { id: org.id, name: org.name, plan: org.plan },
      creditsBalance: await this.credits.balance(org.id),
    };
  }

  async resendVerification(principal: UserPrincipal): Promise<void> {
    if (principal.emailVerified) return;
    const user = await this.users.getById(principal.userId);
    if (!user) throw AppError.notFound('User');
    const { token, mail } = this.verificationMail(user);
    await this.users.addEmailToken(token, mail);
    this.mail.kick();
  }

  async verifyEmail(presented: string): Promise<void> {
    const token = await this.users.getEmailToken(sha256(presented));
    if (!token || token.purpose !== 'verify_email' || token.expiresAt <= new Date()) {
      throw new AppError('invalid_token', 'The verification link is unknown or has expired; ask for a new one');
    }
    if (!token.usedAt) await this.users.consumeVerification(token);
    this.directory.forget(token.userId);
  }

  async login(dto: LoginDto, client: ClientInfo): Promise<SessionTokenPair> {
    await this.loginThrottle.countAttempt(dto.email, client);
    const user = await this.users.getByEmail(dto.email);
    // Hash even for unknown emails so response time does not reveal which accounts exist.
    const ok = user ? await this.hasher.verify(user.passwordHash, dto.password) : await this.hasher.hash(dto.password).then(() => false);
    if (!user || !ok) throw new AppError('invalid_credentials', 'Email or password is wrong');
    await this.loginThrottle.succeeded(dto.email, client.ip);
    const session = await this.sessions.start(user.id);
    const orgId = await this.users.personalOrgId(user.id);
    if (orgId) {
      await this.audit.record({ orgId, action: 'auth.login', actor: { type: 'user', id: user.id }, ip: client.ip, requestId: client.requestId });
    }
    return session;
  }

  refresh(refreshToken: string): Promise<SessionTokenPair> {
    return this.sessions.refresh(refreshToken);
  }

  logout(principal: UserPrincipal): Promise<void> {
    return this.sessions.end(principal.sessionId);
  }

  async getUser(userId: string): Promise<UserDto> {
    const user = await this.users.getById(userId);
    if (!user) throw AppError.notFound('User');
    return this.mapUser(user);
  }

  private verificationMail(user: User) {
    const secret = randomToken();
    const token = Object.assign(new EmailToken(), {
      userId: user.id,
      purpose: 'verify_email' as const,
      tokenHash: sha256(secret),
      expiresAt: new Date(Date.now() + this.config.auth.emailTokenTtlHours * 3600_000),
    });
    const link = this.mail.link(`/api/v1/auth/verify-email?token=${encodeURIComponent(secret)}`);
    const mail = this.mail.compose(
      user.email,
      'Verify your Darkroom email address',
      `Hello ${user.name},\n\nOpen this link to verify your email address:\n${link}\n\nOr POST {"token": "${secret}"} to /api/v1/auth/verify-email.\nThe link expires in ${this.config.auth.emailTokenTtlHours} hours.\n`,
    );
    return { token, mail };
  }

  private emailTaken(): AppError {
    return new AppError('email_taken', 'An account with this email already exists');
  }

  private mapUser(user: User): UserDto {
    return { id: user.id, email: user.email, name: user.name, emailVerified: user.emailVerifiedAt !== null, createdAt: user.createdAt.toISOString() };
  }
}
