import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, PASSWORD, signUp, type TestUser } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

const ERROR_SHAPE = { error: { code: expect.any(String), message: expect.any(String), requestId: expect.any(String) } };

/** `{"a":{"a":...}}` nested `levels` deep around `leaf`, as text: JSON.stringify would overflow first. */
const nestedJson = (levels: number, leaf = '1') => '{"a":'.repeat(levels) + leaf + '}'.repeat(levels);

describe('hostile input', () => {
  let t: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    user = await signUp(t);
  });
  afterAll(() => t.close());

  const json = (path: string, body: string, headers: Record<string, string> = {}) =>
    t.http().post(path).set({ 'content-type': 'application/json', ...headers }).send(body);

  describe('content types', () => {
    it('refuses form-encoded and text bodies with 415 instead of reading them, and creates nothing', async () => {
      const form = await t.http().post('/api/v1/orgs').set(bearer(user.accessToken)).type('form').send('name=form-org').expect(415);
      expect(form.body.error).toMatchObject({ code: 'unsupported_media_type', message: 'Send the request body as application/json' });
      const text = await t.http().post('/api/v1/auth/login').set('content-type', 'text/plain').send(JSON.stringify({ email: user.email, password: PASSWORD })).expect(415);
      expect(text.body.error.code).toBe('unsupported_media_type');
      const orgs = await t.http().get('/api/v1/orgs').set(bearer(user.accessToken)).expect(200);
      expect(JSON.stringify(orgs.body)).not.toContain('form-org');
    });

    it('still takes JSON, with a charset too, and names forms where a route takes them', async () => {
      await t.http().post('/api/v1/orgs').set(bearer(user.accessToken)).set('content-type', 'application/json; charset=utf-8').send('{"name":"json-org"}').expect(201);
      const edit = await t.http().post('/api/v1/images/edits').set(bearer(user.accessToken)).set('content-type', 'text/plain').send('x').expect(415);
      expect(edit.body.error.message).toBe('Send the request body as application/json or multipart/form-data');
    });
  });

  describe('error amplification', () => {
    it('answers a large array sent to a public route at once and in a few hundred bytes', async () => {
      const array = JSON.stringify(Array.from({ length: 5000 }, (_, i) => i));
      const started = Date.now();
      const res = await json('/api/v1/auth/refresh', array).expect(400);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(res.text.length).toBeLessThan(500);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', message: 'The request body must be a JSON object, not an array' });
    });

    it('refuses bodies over the 256 KB a small JSON route takes, before reading them', async () => {
      const res = await json('/api/v1/auth/refresh', JSON.stringify({ refreshToken: 'x'.repeat(300 * 1024) })).expect(413);
      expect(res.body.error).toMatchObject({ code: 'payload_too_large', message: 'The request body is over 256 KB, the most this route takes' });
    });

    it('refuses objects with thousands of keys, and names at most 20 bad fields, saying how many more there were', async () => {
      const manyKeys = JSON.stringify(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 0])));
      expect((await json('/api/v1/auth/register', manyKeys).expect(400)).body.error).toMatchObject({ code: 'invalid_json', message: 'The body has more than 1000 keys' });
      const unknown = JSON.stringify(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`field${i}`, 'x'.repeat(500)])));
      const res = await json('/api/v1/auth/login', unknown).expect(400);
      expect(res.body.error.fields).toHaveLength(20);
      expect(res.body.error.fieldsOmitted).toBe(282);
      expect(res.text.length).toBeLessThan(5000);
    });
  });

  describe('deep nesting and NUL characters', () => {
    it.each(['/api/v1/auth/login', '/api/v1/auth/register', '/api/v1/auth/refresh'])('answers JSON nested 3,000 deep on %s with 400', async (path) => {
      for (const body of [nestedJson(3000), `{"email":${'['.repeat(3000)}1${']'.repeat(3000)}}`]) {
        const res = await json(path, body).expect(400);
        expect(res.body).toMatchObject(ERROR_SHAPE);
        expect(res.body.error).toMatchObject({ code: 'invalid_json', message: 'The JSON nests deeper than 32 levels' });
      }
    });

    it('answers deep nesting with 400 behind authentication too', async () => {
      const res = await json('/api/v1/orgs', `{"name":${nestedJson(3000)}}`, bearer(user.accessToken)).expect(400);
      expect(res.body.error.code).toBe('invalid_json');
    });

    it('refuses a NUL character in a string field with 400 naming the field', async () => {
      const res = await t.http().post('/api/v1/orgs').set(bearer(user.accessToken)).send({ name: 'a\u0000b' }).expect(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', fields: [{ field: 'name', messages: ['name must not contain a NUL character (\\u0000)'] }] });
    });

    it.each([`/api/v1/orgs/%ORG%%00`, '/api/v1/orgs/abc%00def', '/api/v1/jobs?cursor=%00', '/api/v1/nowhere%00'])('refuses an encoded NUL character in the URL with 400 (%s)', async (path) => {
      const res = await t.http().get(path.replace('%ORG%', user.orgId)).set(bearer(user.accessToken)).expect(400);
      expect(res.body).toMatchObject(ERROR_SHAPE);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', message: 'The URL must not contain a NUL character (%00)' });
      expect(res.headers['x-request-id']).toBe(res.body.error.requestId);
    });
  });

  describe('URLs the router cannot take', () => {
    it('answers a path that is not valid percent-encoding with 400 in the usual shape', async () => {
      const res = await t.http().get('/api/v1/orgs/%C0%80').set(bearer(user.accessToken)).expect(400);
      expect(res.body).toEqual({ error: { code: 'validation_failed', message: 'The URL is not validly percent-encoded', requestId: res.headers['x-request-id'] } });
    });

    it('answers a path segment over 300 characters with 414 uri_too_long, without echoing it', async () => {
      const res = await t.http().get(`/api/v1/images/${'x'.repeat(301)}`).set(bearer(user.accessToken)).expect(414);
      expect(res.body).toEqual({ error: { code: 'uri_too_long', message: 'A path segment is over 300 characters', requestId: res.headers['x-request-id'] } });
    });
  });
});
