import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../api/openapi';
import { fieldsOf, type TesterField } from './fields';
import { resolveSchema, testerOperations } from './operations';

/** The server's committed document: the one GET /api/v1/openapi serves. */
const doc = JSON.parse(readFileSync(join(__dirname, '../../../../docs/openapi.json'), 'utf8')) as OpenApiDocument;
const operations = testerOperations(doc);
const op = (id: string) => operations.find((o) => o.operationId === id)!;
const byName = (fields: TesterField[]) => Object.fromEntries(fields.map((f) => [f.key, f]));

describe('testerOperations', () => {
  it('finds every offered operation in the document, with its method, path and bodies (multipart first: it takes files)', () => {
    expect(operations.map((o) => [o.label, o.method, o.path])).toEqual([
      ['Generate', 'POST', '/api/v1/images/generations'],
      ['Edit', 'POST', '/api/v1/images/edits'],
      ['Process', 'POST', '/api/v1/process'],
      ['Compliance', 'POST', '/api/v1/compliance'],
      ['Background remove', 'POST', '/api/v1/backgrounds/remove'],
      ['Upscale', 'POST', '/api/v1/upscale'],
      ['Create a job', 'POST', '/api/v1/jobs'],
      ['Get a job', 'GET', '/api/v1/jobs/{jobId}'],
      ['List jobs', 'GET', '/api/v1/jobs'],
    ]);
    expect(op('process').bodies.map((b) => b.contentType)).toEqual(['multipart/form-data', 'application/json']);
    expect(op('createGeneration').bodies.map((b) => b.contentType)).toEqual(['application/json']);
    expect(op('getJob').bodies).toEqual([]);
  });

  it('leaves out what the document lacks', () => {
    expect(testerOperations({ paths: { '/api/v1/process': { post: { operationId: 'process', requestBody: { content: {} } } } } }).map((o) => o.operationId)).toEqual(['process']);
  });
});

describe('resolveSchema', () => {
  it('follows a $ref and unwraps a lone allOf, keeping the wrapper description', () => {
    const resolved = resolveSchema(doc, { description: 'The image to check', allOf: [{ $ref: '#/components/schemas/StudioImageDto' }] });
    expect(resolved.description).toBe('The image to check');
    expect(Object.keys(resolved.properties!)).toEqual(['data', 'mimeType', 'imageId', 'url']);
  });
});

describe('fieldsOf', () => {
  it('makes the process form: a file for the image, numbers, enums as selects, text with the example as placeholder', () => {
    const fields = byName(fieldsOf(doc, op('process'), 'multipart/form-data'));
    expect(fields['body:image']).toMatchObject({ kind: 'file', required: true });
    expect(fields['body:width']).toMatchObject({ kind: 'number', required: false, max: 10000, placeholder: '2000' });
    expect(fields['body:fit']).toMatchObject({ kind: 'enum', options: ['contain', 'cover'], numeric: false });
    expect(fields['body:margin']).toMatchObject({ kind: 'json' });
    expect(fields['body:preset']).toMatchObject({ kind: 'text', placeholder: 'amazon-main' });
    expect(fields['header:Idempotency-Key']).toMatchObject({ kind: 'text', in: 'header' });
  });

  it('makes the generation JSON form: a long prompt as a text area, lists, JSON objects and booleans, the Prefer header; never x-org-id', () => {
    const fields = fieldsOf(doc, op('createGeneration'), 'application/json');
    const named = byName(fields);
    expect(named['body:prompt']).toMatchObject({ kind: 'textarea', required: true });
    expect(named['body:fallback']).toMatchObject({ kind: 'list', numeric: false });
    expect(named['body:providerOptions']).toMatchObject({ kind: 'json' });
    expect(named['body:libraryFirst']).toMatchObject({ kind: 'boolean' });
    expect(named['body:n']).toMatchObject({ kind: 'number', min: 1, max: 4 });
    expect(named['header:Prefer']).toMatchObject({ in: 'header', required: false });
    expect(fields.some((f) => f.name.toLowerCase() === 'x-org-id')).toBe(false);
  });

  it('takes several files where the schema is an array of binaries, and a numeric enum as numbers', () => {
    expect(byName(fieldsOf(doc, op('createEdit'), 'multipart/form-data'))['body:images']).toMatchObject({ kind: 'files', required: true });
    expect(byName(fieldsOf(doc, op('upscale'), 'multipart/form-data'))['body:factor']).toMatchObject({ kind: 'enum', options: ['2', '4'], numeric: true });
  });

  it('gives GET operations their path and query parameters, and no Idempotency-Key', () => {
    expect(fieldsOf(doc, op('getJob'), null).map((f) => [f.key, f.required])).toEqual([['path:jobId', true]]);
    const list = byName(fieldsOf(doc, op('listJobs'), null));
    expect(list['query:status']).toMatchObject({ kind: 'enum', required: false });
    expect(list['query:limit']).toMatchObject({ kind: 'number', placeholder: '20' });
    expect(list['header:Idempotency-Key']).toBeUndefined();
  });
});
