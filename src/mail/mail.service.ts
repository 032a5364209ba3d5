import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { Pump } from '../common/pump';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { OutboxMail } from './outbox-mail.entity';
import { OutboxRepository } from './outbox.repository';

const POLL_MS = 2000;
const MAX_ATTEMPTS = 8;
const BATCH = 20;

/**
 * Composes mail into the outbox (persisted by the caller in its own transaction) and delivers it:
 * by SMTP when SMTP_URL is set, otherwise to the log at info level so a local user can follow the link.
 */
@Injectable()
export class MailService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Mail');
  private readonly transport: Transporter | null;
  /** A kick while a delivery runs makes one more, so mail queued meanwhile does not wait for the next poll. */
  private readonly pump = new Pump(() => this.deliverDue(), (err) => this.logger.error({ err }, 'outbox delivery failed'));

  constructor(private readonly outbox: OutboxRepository, @Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.transport = config.mail.smtpUrl ? createTransport(config.mail.smtpUrl) : null;
  }

  compose(to: string, subject: string, text: string): OutboxMail {
    return Object.assign(new OutboxMail(), { to, subject, text });
  }

  link(path: string): string {
    return new URL(path, this.config.publicUrl).toString();
  }

  onApplicationBootstrap(): void {
    this.pump.start(POLL_MS);
  }

  onModuleDestroy(): Promise<void> {
    return this.pump.stop();
  }

  /** Sends what is due now, after a transaction that queued mail has committed. */
  kick(): void {
    this.pump.kick();
  }

  private async deliverDue(): Promise<void> {
    for (const mail of await this.outbox.due(BATCH)) {
      if (this.pump.stopping) return;
      if (!(await this.outbox.claim(mail, new Date(Date.now() + 60_000)))) continue;
      await this.deliver(mail);
    }
  }

  private async deliver(mail: OutboxMail): Promise<void> {
    try {
      if (this.transport) {
        await this.transport.sendMail({ from: this.config.mail.from, to: mail.to, subject: mail.subject, text: mail.text });
      } else {
        this.logger.log({ mailTo: mail.to, subject: mail.subject, text: mail.text }, `mail to ${mail.to}: ${mail.subject} (SMTP_URL is not set, so it is logged here instead of sent)`);
      }
      await this.outbox.markSent(mail.id);
    } catch (err) {
      const attempts = mail.attempts + 1;
      const retryAt = attempts >= MAX_ATTEMPTS ? null : new Date(Date.now() + 30_000 * 2 ** attempts);
      await this.outbox.markFailed(mail.id, (err as Error).message.slice(0, 500), retryAt);
      this.logger.warn({ err, mailId: mail.id, attempts }, 'mail delivery failed');
    }
  }
}
