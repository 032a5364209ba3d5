import { createHash, createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { ProviderError, type ProviderCallContext, type ProviderWebhookDelivery } from '../../../src/plugins';

/** How far a delivery's timestamp may be from now, either way. */
const TOLERANCE_SECONDS = 300;
/** A signature no kept key verifies fetches the keys again (fal may have rotated them), at most this often. */
const REFETCH_AFTER_MS = 60_000;

/**
 * fal signs each webhook delivery with Ed25519: `x-fal-webhook-signature` is the hex signature of
 * `${request id}\n${user id}\n${timestamp}\n${hex SHA-256 of the body}`, from the headers
 * `x-fal-webhook-request-id`, `-user-id` and `-timestamp`, under one of the public keys fal
 * publishes as a JWKS (the same for every account, so no key of the call's is needed).
 */
export class FalWebhookVerifier {
  private keys?: { keys: Promise<KeyObject[]>; fetchedAt: number };

  constructor(private readonly jwksUrl: string) {}

  /** The fal request a genuine delivery is about, or null. A stale or incomplete one is refused before any key is fetched. */
  async verify(delivery: ProviderWebhookDelivery, ctx: ProviderCallContext): Promise<{ remoteId: string } | null> {
    const header = (name: string) => delivery.headers[`x-fal-webhook-${name}`];
    const [requestId, userId, timestamp, signature] = ['request-id', 'user-id', 'timestamp', 'signature'].map(header);
    if (!requestId || !userId || !signature || !/^([0-9a-f]{2})+$/i.test(signature)) return null;
    if (!/^\d+$/.test(timestamp ?? '') || Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return null;
    const signed = Buffer.from(`${requestId}\n${userId}\n${timestamp}\n${createHash('sha256').update(delivery.body).digest('hex')}`);
    const signedBy = (keys: KeyObject[]) => keys.some((key) => verify(null, signed, key, Buffer.from(signature, 'hex')));
    const genuine = signedBy(await this.publicKeys(ctx)) || (this.mayRefetch() && signedBy(await this.publicKeys(ctx, true)));
    // The job knows the work as `<endpoint>/requests/<id>` (what submit answered); fal names only the id.
    return genuine ? { remoteId: delivery.remoteIds.find((id) => id.endsWith(`/requests/${requestId}`)) ?? requestId } : null;
  }

  private publicKeys(ctx: ProviderCallContext, refetch = false): Promise<KeyObject[]> {
    if (this.keys && !refetch) return this.keys.keys;
    const keys = fetchKeys(this.jwksUrl, ctx);
    // A failed read is not kept: the next delivery asks again.
    keys.catch(() => this.keys?.keys === keys && (this.keys = undefined));
    this.keys = { keys, fetchedAt: Date.now() };
    return keys;
  }

  private mayRefetch(): boolean {
    return Date.now() - (this.keys?.fetchedAt ?? 0) >= REFETCH_AFTER_MS;
  }
}

/** The JWKS's Ed25519 keys; others (fal publishes none) are skipped. */
async function fetchKeys(url: string, ctx: ProviderCallContext): Promise<KeyObject[]> {
  const res = await ctx.http.fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new ProviderError('transient', `fal: the webhook keys at ${url} answered ${res.status}`);
  const { keys } = (await res.json()) as { keys?: JsonWebKey[] };
  return (keys ?? []).flatMap((jwk) => {
    try {
      const key = createPublicKey({ key: jwk, format: 'jwk' });
      return key.asymmetricKeyType === 'ed25519' ? [key] : [];
    } catch {
      return [];
    }
  });
}
