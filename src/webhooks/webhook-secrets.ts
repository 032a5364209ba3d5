import { Injectable } from '@nestjs/common';
import { SecretBox } from '../common/crypto/secret-box';
import { OrgWebhookSecret } from './org-webhook-secret.entity';
import type { WebhookEndpoint } from './webhook-endpoint.entity';
import { newWebhookSecret } from './webhook-signer';
import { WebhooksRepository } from './webhooks.repository';

/** After a rotation the old secret keeps signing beside the new one for a day, so receivers can switch. */
export const ROTATION_GRACE_MS = 24 * 3600 * 1000;

interface SealedSecrets {
  sealedSecret: string;
  previousSealedSecret: string | null;
  previousSecretUntil: Date | null;
}

/** Signing secrets: sealed with ENCRYPTION_KEY at rest, shown to the customer only when made. */
@Injectable()
export class WebhookSecrets {
  constructor(private readonly repo: WebhooksRepository, private readonly box: SecretBox) {}

  seal(secret: string): string {
    return this.box.seal(secret);
  }

  /** The secrets that sign a delivery: the current one, and the previous one while its grace lasts. */
  signingSecrets(sealed: SealedSecrets, now = new Date()): string[] {
    const previous = sealed.previousSealedSecret && sealed.previousSecretUntil && sealed.previousSecretUntil > now ? [this.box.open(sealed.previousSealedSecret)] : [];
    return [this.box.open(sealed.sealedSecret), ...previous];
  }

  /** The fields that rotate a secret: the new one in front, the current one kept for the grace period. */
  rotation(current: SealedSecrets | WebhookEndpoint, secret: string): SealedSecrets {
    return { sealedSecret: this.seal(secret), previousSealedSecret: current.sealedSecret, previousSecretUntil: new Date(Date.now() + ROTATION_GRACE_MS) };
  }

  async defaultSigningSecrets(orgId: string): Promise<string[] | null> {
    const row = await this.repo.getDefaultSecret(orgId);
    return row ? this.signingSecrets(row) : null;
  }

  /** Creates the organisation's default secret if it has none; returns it only when this call made it. */
  async ensureDefault(orgId: string): Promise<string | null> {
    if (await this.repo.getDefaultSecret(orgId)) return null;
    const secret = newWebhookSecret();
    const created = await this.repo.insertDefaultSecret(Object.assign(new OrgWebhookSecret(), { orgId, sealedSecret: this.seal(secret) }));
    return created ? secret : null;
  }

  /** A new default secret (made now if there was none); the previous one signs too for a day. */
  async rotateDefault(orgId: string): Promise<{ secret: string; previousValidUntil: Date | null }> {
    const current = await this.repo.getDefaultSecret(orgId);
    const secret = newWebhookSecret();
    if (!current) {
      if (await this.repo.insertDefaultSecret(Object.assign(new OrgWebhookSecret(), { orgId, sealedSecret: this.seal(secret) }))) return { secret, previousValidUntil: null };
      return this.rotateDefault(orgId);
    }
    const rotation = this.rotation(current, secret);
    await this.repo.updateDefaultSecret(orgId, { ...rotation, rotatedAt: new Date() });
    return { secret, previousValidUntil: rotation.previousSecretUntil };
  }
}
