import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../api/openapi';
import { fieldsOf } from './fields';
import { testerOperations } from './operations';
import { buildRequest, EXTRA_FIELDS, fetchBody, toCurl, type FormState } from './request';

const doc = JSON.parse(readFileSync(join(__dirname, '../../../../docs/openapi.json'), 'utf8')) as OpenApiDocument;
const op = (id: string) => testerOperations(doc).find((o) => o.operationId === id)!;
const form = (values: Record<string, string>, more: Partial<FormState> = {}): FormState => ({ values, files: {}, extra: '', ...more });

function build(operationId: string, contentType: string | null, state: FormState) {
  const operation = op(operationId);
  return buildRequest(operation, contentType, fieldsOf(doc, operation, contentType), state);
}

const shoe = new File([new Uint8Array([0xff, 0xd8, 0xff])], 'shoe.jpg', { type: 'image/jpeg' });

describe('buildRequest', () => {
  it('types JSON values by their schema and leaves empty inputs out', () => {
    const { request, problems } = build('createGeneration', 'application/json', form({
      'body:prompt': 'a calm sea',
      'body:n': '2',
      'body:seed': 'seven',
      'body:negativePrompt': '',
      'body:fallback': 'stability/core, aura,',
      'body:providerOptions': '{"openai":{"background":"transparent"}}',
      'body:metadata': '{not json',
      'body:libraryFirst': 'false',
      'header:Prefer': 'wait=30',
    }));
    expect(problems).toEqual({});
    expect(request).toEqual({
      method: 'POST',
      url: '/api/v1/images/generations',
      headers: { Prefer: 'wait=30' },
      body: {
        type: 'json',
        // What cannot be read as its type goes as typed, for the API to say what is wrong.
        value: { prompt: 'a calm sea', n: 2, seed: 'seven', fallback: ['stability/core', 'aura'], providerOptions: { openai: { background: 'transparent' } }, metadata: '{not json', libraryFirst: false },
      },
    });
  });

  it('sends a form with the files and the text fields as typed, and more fields beside them', () => {
    const { request } = build('process', 'multipart/form-data', form({ 'body:width': '600', 'body:margin': '0.08' }, { files: { 'body:image': [shoe] }, extra: '{"presetLabel":"hero","margin":{"top":0.1}}' }));
    expect(request.body).toEqual({
      type: 'form',
      parts: [
        { name: 'width', value: '600' },
        { name: 'margin', value: '0.08' },
        { name: 'image', file: shoe },
        { name: 'presetLabel', value: 'hero' },
        { name: 'margin', value: '{"top":0.1}' },
      ],
    });
    const body = fetchBody(request) as FormData;
    expect(body.getAll('margin')).toEqual(['0.08', '{"top":0.1}']);
    expect((body.get('image') as File).name).toBe('shoe.jpg');
  });

  it('merges more fields into a JSON body, and names more fields that are not a JSON object', () => {
    expect(build('upscale', 'application/json', form({ 'body:factor': '4' }, { extra: '{"image":{"imageId":"img-1"}}' })).request.body).toEqual({ type: 'json', value: { factor: 4, image: { imageId: 'img-1' } } });
    expect(build('upscale', 'application/json', form({}, { extra: '[1, 2]' })).problems).toEqual({ [EXTRA_FIELDS]: expect.stringContaining('JSON object') });
  });

  it('puts path parameters in the path and query parameters in the query, with no body on a GET', () => {
    expect(build('getJob', null, form({ 'path:jobId': 'job/1' })).request).toEqual({ method: 'GET', url: '/api/v1/jobs/job%2F1', headers: {}, body: undefined });
    expect(build('listJobs', null, form({ 'query:status': 'failed', 'query:limit': '5', 'query:cursor': '' })).request.url).toBe('/api/v1/jobs?limit=5&status=failed');
  });
});

describe('toCurl', () => {
  it('writes a form request with $KEY for the credential, the session organisation, headers and the files by name', () => {
    const { request } = build('process', 'multipart/form-data', form({ 'body:width': '600', 'body:presetLabel': "Ada's @home;type=x", 'header:Idempotency-Key': 'k-1' }, { files: { 'body:image': [shoe] } }));
    expect(toCurl(request, 'http://127.0.0.1:3000', 'org-1')).toBe(
      [
        "curl -i -X POST 'http://127.0.0.1:3000/api/v1/process'",
        '-H "authorization: Bearer $KEY"',
        "-H 'x-org-id: org-1'",
        "-H 'Idempotency-Key: k-1'",
        "-F 'width=600'",
        // curl would read ;type= in -F as an option: the value goes literally.
        "--form-string 'presetLabel=Ada'\\''s @home;type=x'",
        "-F 'image=@shoe.jpg'",
      ].join(' \\\n  '),
    );
  });

  it('writes a JSON request as --data-raw, and no organisation for a key (it has its own)', () => {
    const { request } = build('createGeneration', 'application/json', form({ 'body:prompt': "it's @dusk", 'body:n': '2' }));
    expect(toCurl(request, 'https://darkroom.example', null)).toBe(
      [
        "curl -i -X POST 'https://darkroom.example/api/v1/images/generations'",
        '-H "authorization: Bearer $KEY"',
        "-H 'content-type: application/json'",
        `--data-raw '{"prompt":"it'\\''s @dusk","n":2}'`,
      ].join(' \\\n  '),
    );
  });

  it('writes a GET without -X, and quotes a file name curl would read as syntax', () => {
    expect(toCurl(build('listJobs', null, form({ 'query:status': 'completed' })).request, 'http://h', null)).toBe(`curl -i 'http://h/api/v1/jobs?status=completed' \\\n  -H "authorization: Bearer $KEY"`);
    const odd = new File(['x'], 'a,b;c.png');
    const { request } = build('upscale', 'multipart/form-data', form({}, { files: { 'body:image': [odd] } }));
    expect(toCurl(request, 'http://h', null)).toContain(`-F 'image=@"a,b;c.png"'`);
  });
});
