import { ERROR_CODES, type ErrorCode } from './error-codes';

/**
 * A domain error a client is meant to see: a code from the catalogue, a message written for the
 * caller, and details merged into the error body. Its status comes from the catalogue.
 */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = ERROR_CODES[code];
  }

  static notFound(what: string): AppError {
    return new AppError('not_found', `${what} not found`);
  }
}
