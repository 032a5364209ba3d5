import { createHash } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { ProviderCallContext, ProviderWebhookDelivery } from '../../../src/plugins';
import { ReplicateClient } from './replicate-client';

/** How far a delivery's timestamp may be from now, either way. */
const TOLERANCE_SECONDS = 5 * 60;
/** A signature that fails fetches the secret again (it may have been rotated), at most this often per token. */
const REFETCH_AFTER_MS = 60_000;
/** Accounts whose secret is kept; the oldest goes first. */
const SECRETS_KEPT = 1000;

interface KeptSecret {
  secret: Promise<string>;
  fetchedAt: number;
}

/**
 * Replicate signs each webhook delivery the Standard Webhooks way: `webhook-id`, `webhook-timestamp`
 * and `webhook-signature` (`v1,<base64>`, space-separated), an HMAC-SHA256 of
 * `${id}.${timestamp}.${body}` keyed with the account's signing secret (`whsec_<base64>`), which the
 * account's token reads from GET /webhooks/default/secret. The SDK's validateWebhook compares in
 * plain `===` and ignores the timestamp, so the Standard Webhooks reference library checks instead.
 */
export class ReplicateWebhookVerifier {
  /** By a hash of the token, never the token itself. */
  private readonly secrets = new Map<string, KeptSecret>();

  constructor(private readonly baseUrl: string) {}

  /** The prediction a genuine delivery is about, or null. A stale or incomplete one is refused before any secret is fetched. */
  async verify(delivery: ProviderWebhookDelivery, ctx: ProviderCallContext): Promise<{ remoteId: string } | null> {
    const token = ctx.credentials?.values.apiToken;
    const { 'webhook-id': id, 'webhook-signature': signature, 'webhook-timestamp': timestamp } = delivery.headers;
    if (!token || !id || !signature || !/^\d+$/.test(timestamp ?? '') || Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return null;
    const account = createHash('sha256').update(token).digest('hex');
    const genuine = signedWith(await this.secret(account, ctx), delivery)
      || (this.mayRefetch(account) && signedWith(await this.secret(account, ctx, true), delivery));
    return genuine ? predictionOf(delivery.body) : null;
  }

  private secret(account: string, ctx: ProviderCallContext, refetch = false): Promise<string> {
    const kept = this.secrets.get(account);
    if (kept && !refetch) return kept.secret;
    const secret = new ReplicateClient(this.baseUrl, ctx).webhookSecret();
    // A failed read is not kept: the next delivery asks again.
    secret.catch(() => this.secrets.get(account)?.secret === secret && this.secrets.delete(account));
    this.secrets.delete(account);
    if (this.secrets.size >= SECRETS_KEPT) this.secrets.delete(this.secrets.keys().next().value!);
    this.secrets.set(account, { secret, fetchedAt: Date.now() });
    return secret;
  }

  private mayRefetch(account: string): boolean {
    return Date.now() - (this.secrets.get(account)?.fetchedAt ?? 0) >= REFETCH_AFTER_MS;
  }
}

function signedWith(secret: string, delivery: ProviderWebhookDelivery): boolean {
  try {
    new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>, { jsonParse: false });
    return true;
  } catch {
    return false;
  }
}

/** A delivery's body is the prediction, as GET /predictions/{id} answers it. */
function predictionOf(body: Buffer): { remoteId: string } | null {
  try {
    const { id } = JSON.parse(body.toString()) as { id?: unknown };
    return typeof id === 'string' && id ? { remoteId: id } : null;
  } catch {
    return null;
  }
}
