import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/errors/app-error';
import type { Principal, RequestAuth } from './principal';

/** Your own id for one user of your product, as a header can carry it: 1 to 255 visible ASCII characters. */
export const END_USER_ID = /^[\x21-\x7e]{1,255}$/;
export const END_USER_RULE = '1 to 255 visible ASCII characters (no spaces)';

const badHeader = (message: string) => new AppError('validation_failed', message, { fields: [{ field: 'x-user-id', messages: [message] }] });

/**
 * The end user a request acts for: a client token's `sub` (the browser holds the token, so its
 * x-user-id header decides nothing), otherwise the x-user-id header, when sent.
 */
export function endUserOf(req: FastifyRequest, principal: Principal): string | null {
  if (principal.kind === 'client_token') return principal.subject;
  const header = req.headers['x-user-id'];
  if (header === undefined) return null;
  if (typeof header !== 'string' || !END_USER_ID.test(header)) throw badHeader(`x-user-id must be ${END_USER_RULE}, sent once`);
  return header;
}

/**
 * The end user whose jobs and images the caller may read. Credentials that live in browsers see only
 * one end user's: a client token its `sub` (a token without one reads nothing, or it would see the
 * whole organisation), a publishable key the end user named by x-user-id. Every other credential sees
 * the whole organisation.
 */
export function readableEndUser(auth: RequestAuth): string | undefined {
  const p = auth.principal;
  if (p.kind === 'client_token') {
    if (!auth.endUserId) throw new AppError('insufficient_scope', 'A client token reads the jobs and images of its end user only: sign it with a sub claim');
    return auth.endUserId;
  }
  if (p.kind !== 'api_key' || p.keyType !== 'publishable') return undefined;
  if (!auth.endUserId) throw badHeader('A publishable key reads the jobs and images of one end user: send x-user-id');
  return auth.endUserId;
}
