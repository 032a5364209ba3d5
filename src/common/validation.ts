import { ValidationPipe, type ArgumentMetadata, type Type, type ValidationError } from '@nestjs/common';
import { AppError } from './errors/app-error';

/** An answer names at most this many fields, so a body with thousands of bad ones cannot make a huge answer. */
export const MAX_FIELD_ERRORS = 20;
/** Field names and messages are cut to this length: unknown property names come from the client. */
const MAX_TEXT_LENGTH = 200;

interface FieldError {
  field: string;
  messages: string[];
}

function flatten(errors: ValidationError[], parent: string, out: FieldError[]): FieldError[] {
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) out.push({ field, messages: Object.values(e.constraints) });
    flatten(e.children ?? [], field, out);
  }
  return out;
}

const clip = (text: string) => (text.length > MAX_TEXT_LENGTH ? `${text.slice(0, MAX_TEXT_LENGTH)}...` : text);

/** The validation_failed error for these errors: the first MAX_FIELD_ERRORS fields, and how many were left out. */
export function validationFailed(errors: ValidationError[]): AppError {
  const all = flatten(errors, '', []);
  const fields = all.slice(0, MAX_FIELD_ERRORS).map((f) => ({ field: clip(f.field), messages: f.messages.map(clip) }));
  const omitted = all.length - fields.length;
  const summary = fields.map((f) => f.messages.join(', ')).join('; ') + (omitted ? `; and ${omitted} more field(s)` : '');
  return new AppError('validation_failed', `Invalid request: ${summary}`, { fields, ...(omitted ? { fieldsOmitted: omitted } : {}) });
}

/**
 * A body bound to a DTO must be a JSON object: an array or a scalar is refused before
 * class-transformer and class-validator walk it (an array of n items would give n errors).
 */
class RequestValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Custom parameters (@Auth() and the like) are never validated: answered at once, without the two
    // async frames below, as they run on every request.
    if (metadata.type === 'custom') return Promise.resolve(value);
    return this.validateRequestValue(value, metadata);
  }

  private async validateRequestValue(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value !== undefined && this.toValidate(metadata) && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new AppError('validation_failed', `The request body must be a JSON object, not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}`, { fields: [] });
    }
    return super.transform(value, metadata);
  }
}

/** Validates every body and query against its DTO; unknown properties are refused, not dropped silently. */
export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: validationFailed,
  });
}

const bodyPipe = createValidationPipe();

/** Checks a body against a DTO chosen by the request itself (POST /api/v1/jobs: its operation's), exactly as the global pipe checks a route's. */
export async function validateBody<T extends object>(dto: Type<T>, body: unknown): Promise<T> {
  return (await bodyPipe.transform(body, { type: 'body', metatype: dto })) as T;
}
