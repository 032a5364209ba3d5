import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** 1 to 255 visible ASCII characters. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The Idempotency-Key header as sent (not yet checked against IDEMPOTENCY_KEY). */
export function idempotencyKeyHeader(req: FastifyRequest): string | undefined {
  const header = req.headers['idempotency-key'];
  return typeof header === 'string' ? header : undefined;
}

/** SHA-256 of method, path and body: the same key with another request is refused. Forms are read into their JSON body before this runs. */
export function requestHashOf(req: FastifyRequest): string {
  return createHash('sha256').update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
}
