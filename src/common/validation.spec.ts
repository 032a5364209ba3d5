import 'reflect-metadata';
import { IsString, MaxLength } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { createValidationPipe, MAX_FIELD_ERRORS } from './validation';

class RefreshDto {
  @IsString()
  @MaxLength(200)
  refreshToken!: string;
}

const pipe = createValidationPipe();
const asBody = (value: unknown) => pipe.transform(value, { type: 'body', metatype: RefreshDto });

describe('the validation pipe', () => {
  it.each([
    [[1, 2, 3], 'an array'],
    ['a string', 'a string'],
    [42, 'a number'],
    [null, 'null'],
  ])('refuses %j as a body before walking it', async (value, what) => {
    await expect(asBody(value)).rejects.toMatchObject({ code: 'validation_failed', status: 400, message: `The request body must be a JSON object, not ${what}`, details: { fields: [] } });
  });

  it(`names at most ${MAX_FIELD_ERRORS} fields, cuts long names and says how many it left out`, async () => {
    const body = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`unknown${i}${'x'.repeat(i === 0 ? 5000 : 0)}`, 1]));
    const err = await asBody(body).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'validation_failed', details: { fieldsOmitted: 31 } });
    const { fields } = (err as { details: { fields: { field: string; messages: string[] }[] } }).details;
    expect(fields).toHaveLength(MAX_FIELD_ERRORS);
    expect(fields[0].field.length).toBeLessThanOrEqual(203);
    expect(fields[0].messages[0].length).toBeLessThanOrEqual(203);
    expect((err as Error).message).toMatch(/; and 31 more field\(s\)$/);
    expect((err as Error).message.length).toBeLessThan(5000);
  });

  it('still validates objects, and takes a missing body as empty', async () => {
    await expect(asBody({ refreshToken: 'abc' })).resolves.toBeInstanceOf(RefreshDto);
    await expect(asBody(undefined)).rejects.toMatchObject({ details: { fields: [{ field: 'refreshToken' }] } });
  });
});
