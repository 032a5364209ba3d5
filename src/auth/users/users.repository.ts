import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { CreditLedgerEntry } from '../../credits/credit-ledger-entry.entity';
import type { OutboxMail } from '../../mail/outbox-mail.entity';
import { Membership } from '../../tenancy/membership.entity';
import type { Organization } from '../../tenancy/organization.entity';
import { EmailToken } from './email-token.entity';
import { User } from '../../tenancy/user.entity';

export interface NewAccount {
  user: User;
  org: Organization;
  startingCredits: CreditLedgerEntry | null;
  verificationToken: EmailToken;
  mail: OutboxMail;
}

@Injectable()
export class UsersRepository {
  constructor(private readonly em: EntityManager) {}

  getByEmail(email: string): Promise<User | null> {
    return this.em.fork().findOne(User, { email });
  }

  getById(id: string): Promise<User | null> {
    return this.em.fork().findOne(User, { id });
  }

  /** The personal organisation is the user's oldest owned one. */
  async personalOrgId(userId: string): Promise<string | null> {
    const m = await this.em.fork().findOne(Membership, { userId, role: 'owner' }, { orderBy: { createdAt: 'asc' } });
    return m?.orgId ?? null;
  }

  /** Registration writes the user, their organisation, credits and verification mail atomically. */
  async createAccount(account: NewAccount): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      em.persist(account.user);
      em.persist(account.org);
      em.persist(Object.assign(new Membership(), { orgId: account.org.id, userId: account.user.id, role: 'owner' }));
      if (account.startingCredits) em.persist(account.startingCredits);
      em.persist(account.verificationToken);
      em.persist(account.mail);
    });
  }

  async addEmailToken(token: EmailToken, mail: OutboxMail): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      em.persist(token);
      em.persist(mail);
    });
  }

  getEmailToken(tokenHash: string): Promise<EmailToken | null> {
    return this.em.fork().findOne(EmailToken, { tokenHash });
  }

  /** Uses the token and marks the email verified together; false if the token was used meanwhile. */
  async consumeVerification(token: EmailToken): Promise<boolean> {
    return this.em.fork().transactional(async (em) => {
      const now = new Date();
      const used = await em.nativeUpdate(EmailToken, { id: token.id, usedAt: null }, { usedAt: now });
      if (used !== 1) return false;
      await em.nativeUpdate(User, { id: token.userId, emailVerifiedAt: null }, { emailVerifiedAt: now });
      return true;
    });
  }
}
