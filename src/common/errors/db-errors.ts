import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { AppError } from './app-error';
import type { ErrorCode } from './error-codes';

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

/**
 * Inserts the row in a unit of work of its own: true if it went in, false if a unique key already
 * holds a row like it. The insert is the race guard, so "do this once" needs no read before it.
 */
export async function insertOnce(em: EntityManager, row: object): Promise<boolean> {
  try {
    await em.fork().persistAndFlush(row);
    return true;
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) return false;
    throw err;
  }
}
