import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { AppError } from '../common/errors/app-error';
import type { ErrorCode } from '../common/errors/error-codes';

/**
 * Runs a write and maps a unique-constraint violation (SQLite and PostgreSQL alike) to a 409 the
 * caller can act on, so a race between two requests answers as clearly as the check before it.
 */
export async function mapUniqueViolation<T>(write: () => Promise<T>, code: ErrorCode, message: string): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw new AppError(code, message);
    throw err;
  }
}
