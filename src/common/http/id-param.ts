import { Param, type PipeTransform } from '@nestjs/common';
import { AppError } from '../errors/app-error';

/** Row ids are UUIDs; a path segment that cannot be one names no row. */
const ID = /^[0-9a-f-]{36}$/;

/**
 * Answers 404 for a path id that cannot be a row id, with the same message as an id of another
 * organisation, before the service or a query runs.
 */
export class ParseIdPipe implements PipeTransform<string, string> {
  /** `what` names the row in the 404 message: "Team" gives "Team not found". */
  constructor(private readonly what: string) {}

  transform(value: string): string {
    if (!ID.test(value)) throw AppError.notFound(this.what);
    return value;
  }
}

/** `@IdParam('teamId', 'Team')`: the path parameter, checked by ParseIdPipe. */
export const IdParam = (name: string, what: string): ParameterDecorator => Param(name, new ParseIdPipe(what));
