import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

/**
 * Checks a plain object (an instance's options or credentials from configuration) against a
 * class-validator DTO class; every problem as a sentence naming its field, none when it passes.
 * Unknown fields are problems too: a misspelt option must not be ignored silently.
 * `static validateOptions = (o) => optionProblems(MyOptionsDto, o)` is a plugin's usual check.
 */
export function optionProblems(dto: new () => object, value: Record<string, unknown>): string[] {
  const errors = validateSync(plainToInstance(dto, value), { whitelist: true, forbidNonWhitelisted: true });
  return flatten(errors, '');
}

function flatten(errors: ValidationError[], parent: string): string[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const messages = Object.entries(e.constraints ?? {}).map(([rule, message]) => {
      if (rule === 'whitelistValidation') return `${field} is not a field this plugin takes`;
      return message.startsWith(e.property) ? `${field}${message.slice(e.property.length)}` : `${field}: ${message}`;
    });
    return [...messages, ...flatten(e.children ?? [], field)];
  });
}
