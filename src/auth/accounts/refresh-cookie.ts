import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../../config/app-config';

/** The console's refresh token: out of the page's reach (httpOnly) and of other sites' (SameSite=Strict), sent only to the auth routes. */
export const REFRESH_COOKIE = 'darkroom_refresh';
const COOKIE_PATH = '/api/v1/auth';

/** The refresh token of a browser session, if the request carries one. */
export const refreshCookieOf = (req: FastifyRequest): string | undefined => req.cookies?.[REFRESH_COOKIE] || undefined;

/** Keeps the session's refresh token in the cookie, as long as the token lives; Secure when the server's public address is https. */
export function setRefreshCookie(reply: FastifyReply, config: AppConfig, token: string): void {
  void reply.setCookie(REFRESH_COOKIE, token, {
    httpOnly: true, sameSite: 'strict', path: COOKIE_PATH, secure: config.publicUrl.startsWith('https:'), maxAge: config.auth.refreshTokenTtlSeconds,
  });
}

export function clearRefreshCookie(reply: FastifyReply, config: AppConfig): void {
  void reply.clearCookie(REFRESH_COOKIE, { httpOnly: true, sameSite: 'strict', path: COOKIE_PATH, secure: config.publicUrl.startsWith('https:') });
}
