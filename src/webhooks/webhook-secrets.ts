import { Injectable } from '@nestjs/common';
import { SealedSecret } from '../common/crypto/sealed-secret';
import { SecretBox } from '../common/crypto/secret-box';
import { OrgWebhookSecret } from './org-webhook-secret.entity';
import { newWebhookSecret } from './webhook-signer';
import { WebhooksRepository } from './webhooks.repository';

/** After a rotation the old secret keeps signing beside the new one for a day, so receivers can switch. */
export const ROTATION_GRACE_MS = 24 * 3600 * 1000;

/** Signing secrets: sealed with ENCRYPTION_KEY at rest, shown to the customer only when made. */
@Injectable()
export class WebhookSecrets {
  constructor(private readonly repo: WebhooksRepository, private readonly box: SecretBox) {}

  seal(secret: string): SealedSecret {
    return SealedSecret.of(this.box.seal(secret));
  }

  /** The secrets that sign a delivery: the current one, and the previous one while its grace lasts. */
  signingSecrets(sealed: SealedSecret, now = new Date()): string[] {
    return sealed.inForce(now).map((s) => this.box.open(s));
  }

  /** The rotated secret: the new one in front, the current one kept for the grace period. */
  rotation(current: SealedSecret, secret: string): SealedSecret {
    return current.rotated(this.box.seal(secret), new Date(Date.now() + ROTATION_GRACE_MS));
  }

  async defaultSigningSecrets(orgId: string): Promise<string[] | null> {
    const row = await this.repo.getDefaultSecret(orgId);
    return row ? this.signingSecrets(row.secret) : null;
  }

  /** Creates the organisation's default secret if it has none; returns it only when this call made it. */
  async ensureDefault(orgId: string): Promise<string | null> {
    if (await this.repo.getDefaultSecret(orgId)) return null;
    const secret = newWebhookSecret();
    const created = await this.repo.insertDefaultSecret(Object.assign(new OrgWebhookSecret(), { orgId, secret: this.seal(secret) }));
    return created ? secret : null;
  }

  /** A new default secret (made now if there was none); the previous one signs too for a day. */
  async rotateDefault(orgId: string): Promise<{ secret: string; previousValidUntil: Date | null }> {
    const current = await this.repo.getDefaultSecret(orgId);
    const secret = newWebhookSecret();
    if (!current) {
      if (await this.repo.insertDefaultSecret(Object.assign(new OrgWebhookSecret(), { orgId, secret: this.seal(secret) }))) return { secret, previousValidUntil: null };
      return this.rotateDefault(orgId);
    }
    const rotated = this.rotation(current.secret, secret);
    await this.repo.updateDefaultSecret(orgId, { secret: rotated, rotatedAt: new Date() });
    return { secret, previousValidUntil: rotated.previousUntil };
  }
}
