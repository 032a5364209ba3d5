import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError } from './errors/app-error';

interface FieldError {
  field: string;
  messages: string[];
}

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Validates every body and query against its DTO; unknown properties are refused, not dropped silently. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const summary = fields.map((f) => f.messages.join(', ')).join('; ');
      return new AppError('validation_failed', `Invalid request: ${summary}`, { fields });
    },
  });
}
