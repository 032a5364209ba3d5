import { describe, expect, it } from 'vitest';
import { jsonRefusal, MAX_JSON_DEPTH, MAX_JSON_KEYS, MAX_JSON_VALUES } from './request-bounds';

const nested = (levels: number): unknown => (levels === 0 ? 'leaf' : { a: nested(levels - 1) });

describe('jsonRefusal', () => {
  it('passes ordinary bodies', () => {
    expect(jsonRefusal({ prompt: 'a fox', n: 2, metadata: { sku: 'A-1' }, images: [{ data: 'iVBOR' }], flag: null })).toBeNull();
    expect(jsonRefusal(nested(MAX_JSON_DEPTH))).toBeNull();
  });

  it(`refuses nesting past ${MAX_JSON_DEPTH} levels, in objects and arrays`, () => {
    expect(jsonRefusal(nested(MAX_JSON_DEPTH + 1))).toMatchObject({ code: 'invalid_json', status: 400, message: expect.stringContaining('deeper than') });
    let deep: unknown = 1;
    for (let i = 0; i < 3000; i++) deep = [deep];
    expect(jsonRefusal({ email: deep })).toMatchObject({ code: 'invalid_json' });
  });

  it('refuses a NUL character in a string or a key, naming where', () => {
    expect(jsonRefusal({ name: 'a\u0000b' })).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'name', messages: [expect.stringContaining('NUL')] }] } });
    expect(jsonRefusal({ images: [{}, { data: '\u0000' }] })).toMatchObject({ details: { fields: [{ field: 'images.1.data' }] } });
    expect(jsonRefusal({ metadata: { 'a\u0000': 'x' } })).toMatchObject({ details: { fields: [{ field: 'metadata.a\\u0000' }] } });
    expect(jsonRefusal('\u0000')).toMatchObject({ details: { fields: [{ field: 'body' }] } });
    expect(jsonRefusal({ name: 'x' }, 'form')).toBeNull();
  });

  it("names at most 200 characters of a path, which is made of the client's keys", () => {
    const refusal = jsonRefusal({ ['k'.repeat(100_000)]: { v: '\u0000' } });
    expect(refusal?.message.length).toBeLessThan(300);
    expect((refusal?.details.fields as { field: string }[])[0].field).toHaveLength(203);
  });

  it('refuses keys that reach a prototype, as secure-json-parse does', () => {
    expect(jsonRefusal(JSON.parse('{"metadata":{"__proto__":{"x":"y"}}}'))).toMatchObject({ code: 'invalid_json', details: { field: 'metadata.__proto__' } });
    expect(jsonRefusal(JSON.parse('{"constructor":{"prototype":{"x":1}}}'))).toMatchObject({ code: 'invalid_json', details: { field: 'constructor' } });
    expect(jsonRefusal({ constructor: 'a plain value is harmless' })).toBeNull();
  });

  it('refuses objects with too many keys and bodies with too many values', () => {
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 0]));
    expect(jsonRefusal(keys(MAX_JSON_KEYS))).toBeNull();
    expect(jsonRefusal(keys(MAX_JSON_KEYS + 1))).toMatchObject({ code: 'invalid_json', message: expect.stringContaining(`more than ${MAX_JSON_KEYS} keys`) });
    expect(jsonRefusal({ memberIds: Array.from({ length: MAX_JSON_VALUES }, () => 'x') })).toMatchObject({ code: 'invalid_json', message: expect.stringContaining('values') });
  });
});
