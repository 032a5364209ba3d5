import { Inject, Injectable } from '@nestjs/common';
import { decodeProtectedHeader, errors, importSPKI, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { SecretBox } from '../../common/crypto/secret-box';
import { sha256 } from '../../common/crypto/hash';
import { AppError } from '../../common/errors/app-error';
import { TtlCache } from '../../common/ttl-cache';
import type { ClientTokenLimits, ClientTokenPrincipal } from '../../tenancy/principal';
import { END_USER_ID, END_USER_RULE } from '../../tenancy/end-user';
import { isScope, type Scope } from '../../tenancy/scopes';
import type { ClientTokenKey } from './client-token-key.entity';
import { ClientTokenKeysRepository } from './client-token-keys.repository';

export const CLIENT_TOKEN_MAX_LIFETIME_SECONDS = 24 * 3600;
/** Tolerated clock difference between the organisation's backend and us. */
export const CLOCK_SKEW_SECONDS = 30;
export const MAX_SKU_LENGTH = 100;

interface VerificationKey {
  orgId: string;
  algorithm: string;
  scopes: ReadonlySet<Scope>;
  key: CryptoKey | Uint8Array;
}

const reject = (reason: string, message: string): AppError => new AppError('invalid_client_token', message, { reason });

/** Verifies JWTs an organisation's own backend signed with a key registered at /client-token-keys. */
@Injectable()
export class ClientTokenVerifier {
  private readonly keys: TtlCache<string, VerificationKey | null>;

  constructor(
    private readonly repo: ClientTokenKeysRepository,
    private readonly secrets: SecretBox,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.keys = new TtlCache(config.auth.credentialCacheSeconds * 1000);
  }

  async verify(token: string): Promise<ClientTokenPrincipal> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw reject('malformed', 'The client token is not a JWT');
    }
    const key = kid?.startsWith('ctk_') ? await this.keys.getOrLoad(kid, () => this.load(kid!)) : null;
    if (!key) throw reject('unknown_key', 'The client token names no registered signing key (kid)');
    const payload = await this.verifySignature(token, key);
    const exp = payload.exp!;
    const issuedAt = payload.iat ?? Math.floor(Date.now() / 1000);
    if (exp - issuedAt > CLIENT_TOKEN_MAX_LIFETIME_SECONDS || exp - Date.now() / 1000 > CLIENT_TOKEN_MAX_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) {
      throw reject('lifetime_too_long', 'Client tokens may live at most 24 hours (exp - iat)');
    }
    const scopes = this.scopesOf(payload, key);
    if (payload.sub !== undefined && (typeof payload.sub !== 'string' || !END_USER_ID.test(payload.sub))) {
      throw reject('invalid_subject', `sub, the end user's id, must be ${END_USER_RULE}`);
    }
    return {
      kind: 'client_token',
      tokenHash: sha256(token),
      signingKeyId: kid!,
      orgId: key.orgId,
      subject: payload.sub ?? null,
      scopes,
      limits: this.limitsOf(payload),
      expiresAt: new Date(exp * 1000),
    };
  }

  forget(kid: string): void {
    this.keys.delete(kid);
  }

  private async verifySignature(token: string, key: VerificationKey): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, key.key, { algorithms: [key.algorithm], requiredClaims: ['exp'], clockTolerance: CLOCK_SKEW_SECONDS });
      return payload;
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw reject('expired', 'The client token has expired');
      if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'exp') throw reject('missing_exp', 'The client token must carry an exp claim');
      if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'nbf') throw reject('not_yet_valid', 'The client token is not valid yet (nbf)');
      if (err instanceof errors.JOSEAlgNotAllowed) throw reject('wrong_algorithm', `The signing key expects ${key.algorithm}`);
      if (err instanceof errors.JWSSignatureVerificationFailed) throw reject('bad_signature', 'The client token signature does not match its key');
      throw reject('malformed', 'The client token could not be verified');
    }
  }

  private scopesOf(payload: JWTPayload, key: VerificationKey): ReadonlySet<Scope> {
    const raw = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : Array.isArray(payload.scopes) ? payload.scopes : null;
    if (!raw || !raw.length) throw reject('missing_scope', 'The client token must carry a "scope" claim (space separated)');
    const excess = raw.filter((s) => typeof s !== 'string' || !isScope(s) || !key.scopes.has(s));
    if (excess.length) {
      throw reject('scope_not_allowed', `The client token asks for scopes its signing key may not grant: ${excess.join(', ')}`);
    }
    return new Set(raw as Scope[]);
  }

  private limitsOf(payload: JWTPayload): ClientTokenLimits {
    const limits = (payload.limits ?? {}) as Record<string, unknown>;
    if (typeof limits !== 'object' || Array.isArray(limits)) throw reject('invalid_limits', 'The "limits" claim must be an object');
    const out: ClientTokenLimits = {};
    if (limits.maxImages !== undefined) {
      if (!Number.isInteger(limits.maxImages) || (limits.maxImages as number) < 1) throw reject('invalid_limits', 'limits.maxImages must be a positive integer');
      out.maxImages = limits.maxImages as number;
    }
    if (limits.sku !== undefined) {
      if (typeof limits.sku !== 'string' || !limits.sku || limits.sku.length > MAX_SKU_LENGTH) {
        throw reject('invalid_limits', `limits.sku must be a string of 1 to ${MAX_SKU_LENGTH} characters`);
      }
      out.sku = limits.sku;
    }
    return out;
  }

  private async load(kid: string): Promise<VerificationKey | null> {
    const row = await this.repo.getById(kid);
    if (!row || row.revokedAt) return null;
    return { orgId: row.orgId, algorithm: row.algorithm, scopes: new Set(row.scopes), key: await this.keyMaterial(row) };
  }

  private async keyMaterial(row: ClientTokenKey): Promise<CryptoKey | Uint8Array> {
    if (row.algorithm === 'HS256') return new TextEncoder().encode(this.secrets.open(row.encryptedSecret!));
    return importSPKI(row.publicKey!, row.algorithm);
  }
}
