import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const INDEX = '<!doctype html><html><head><script type="module" src="/console/assets/index-Ab12Cd34.js"></script></head><body><div id="app"></div></body></html>';
const SCRIPT = 'document.title = "console";';

/** A console build as Vite writes it: index.html, hashed files under assets/, others beside. */
function fixtureBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-Ab12Cd34.js'), SCRIPT);
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, '.env'), 'SECRET=1');
  return dir;
}

describe('/console: the web console served from CONSOLE_DIR', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = fixtureBuild();
    t = await startTestApp({ CONSOLE_DIR: dir });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the page at /console and /console/ with a strict CSP, revalidated on every load', async () => {
    for (const path of ['/console', '/console/']) {
      const res = await t.http().get(path).expect(200);
      expect(res.text, path).toBe(INDEX);
      expect(res.headers).toMatchObject({
        'content-type': expect.stringMatching(/^text\/html/),
        'content-security-policy': CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-cache',
        etag: expect.any(String),
      });
    }
    const first = await t.http().get('/console').expect(200);
    await t.http().get('/console').set('if-none-match', first.headers.etag).expect(304);
  });

  it('answers the page for a deep link to any screen, whose route the app then draws', async () => {
    for (const path of ['/console/keys', '/console/jobs/0193b6c2-7a8e-7000-8000-000000000000', '/console/verify?token=abc']) {
      const res = await t.http().get(path).expect(200);
      expect(res.text, path).toBe(INDEX);
      expect(res.headers['content-security-policy'], path).toBe(CSP);
    }
  });

  it('serves hashed assets with a year of immutable cache, other files revalidated', async () => {
    const script = await t.http().get('/console/assets/index-Ab12Cd34.js').expect(200);
    expect(script.text).toBe(SCRIPT);
    expect(script.headers).toMatchObject({
      'content-type': expect.stringMatching(/^(text|application)\/javascript/),
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
    const icon = await t.http().get('/console/favicon.svg').expect(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(icon.headers['cache-control']).toBe('no-cache');
    await t.http().head('/console/assets/index-Ab12Cd34.js').expect(200);
  });

  it('answers 404, not the page, for a missing file, a hidden one or a path out of the folder', async () => {
    for (const path of ['/console/assets/index-Missing1.js', '/console/assets/gone', '/console/logo.png', '/console/.env', '/console/%2e%2e/package.json', '/console/assets/%2e%2e/%2e%2e/package.json']) {
      const res = await t.http().get(path).expect(404);
      expect(res.body.error, path).toMatchObject({ code: 'not_found', requestId: expect.any(String) });
    }
  });

  it('sends / to the console', async () => {
    const res = await t.http().get('/').expect(302);
    expect(res.headers.location).toBe('/console');
  });

  it('answers 503 console_not_built, saying how to build it, while there is no build', async () => {
    const away = `${dir}-away`;
    renameSync(dir, away);
    try {
      for (const path of ['/console', '/console/keys', '/console/assets/index-Ab12Cd34.js']) {
        const res = await t.http().get(path).expect(503);
        expect(res.body.error, path).toMatchObject({ code: 'console_not_built', message: 'The console is not built: run npm run build' });
      }
    } finally {
      renameSync(away, dir);
    }
    await t.http().get('/console').expect(200);
  });

  it('is no part of the API document', async () => {
    const doc = (await t.http().get('/api/v1/openapi').expect(200)).body;
    expect(Object.keys(doc.paths).filter((p) => p === '/' || p.startsWith('/console'))).toEqual([]);
  });
});
