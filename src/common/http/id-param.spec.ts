import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error';
import { ParseIdPipe } from './id-param';

describe('ParseIdPipe', () => {
  const pipe = new ParseIdPipe('Team');

  it('passes a row id through', () => {
    expect(pipe.transform('0196f1a2-7b3c-7d4e-8f90-123456789abc')).toBe('0196f1a2-7b3c-7d4e-8f90-123456789abc');
  });

  it.each(['nope', '', '0196f1a2-7b3c-7d4e-8f90-123456789abcd', "0196f1a2-7b3c-7d4e-8f90-123456789ab'", '0196F1A2-7B3C-7D4E-8F90-123456789ABC'])(
    'answers 404 naming the row for %j',
    (id) => {
      const err = (() => {
        try {
          pipe.transform(id);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'not_found', status: 404, message: 'Team not found' });
    },
  );
});
