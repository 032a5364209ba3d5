import { AppError } from '../common/errors/app-error';
import type { Principal } from '../tenancy/principal';

/**
 * Minting credentials (API keys, client-token signing keys) and acting as an operator need a
 * verified email: an address nobody proved to own must not grant lasting access.
 */
export function assertVerifiedEmail(principal: Principal, what: string): void {
  if (principal.kind === 'user' && !principal.emailVerified) {
    throw new AppError('email_not_verified', `Verify your email address before ${what} (see the mail we sent, or POST /api/v1/auth/verify-email/resend)`);
  }
}
