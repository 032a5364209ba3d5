import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString, type OpenAPI3, type OperationObject, type PathItemObject } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, signUp } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

/** What a client of Darkroom writes against the generated types: paths, parameters and answers are checked. */
const CLIENT_SOURCE = `
import createClient from 'openapi-fetch';
import type { paths } from './schema';

export async function callDarkroom(baseUrl: string, apiKey: string, orgId: string): Promise<{ scopes: string[]; keyIds: string[] }> {
  const darkroom = createClient<paths>({ baseUrl, headers: { authorization: \`Bearer \${apiKey}\` } });
  const me = await darkroom.GET('/api/v1/me');
  const keys = await darkroom.GET('/api/v1/orgs/{orgId}/api-keys', { params: { path: { orgId } } });
  if (!me.data || !keys.data) throw new Error(\`GET /me answered \${me.response.status}, GET api-keys \${keys.response.status}\`);
  return { scopes: me.data.credential.scopes, keyIds: keys.data.data.map((key) => key.id) };
}
`;

const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmitOnError: true,
  // The generated schema and the usage are checked; the libraries' own declarations are theirs.
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ES2022,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: [],
};

/** A compiler host that parses the declarations of TypeScript's libs and node_modules once for all builds. */
function cachingHost(): ts.CompilerHost {
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const parsed = new Map<string, ts.SourceFile | undefined>();
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, ...rest) => {
    if (!fileName.endsWith('.d.ts') && !fileName.endsWith('.d.mts')) return getSourceFile(fileName, ...rest);
    if (!parsed.has(fileName)) parsed.set(fileName, getSourceFile(fileName, ...rest));
    return parsed.get(fileName);
  };
  return host;
}

/**
 * Generates the types with openapi-typescript beside the usage, type-checks both as a browser
 * client would be (strict, DOM fetch) and emits the JavaScript. Under node_modules/.cache so that
 * `openapi-fetch` resolves from the project, both for the compiler and at run time.
 */
async function buildClient(host: ts.CompilerHost, dir: string, document: OpenAPI3): Promise<{ errors: string[]; entry: string }> {
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'schema.ts'), astToString(await openapiTS(document)));
  writeFileSync(join(dir, 'client.ts'), CLIENT_SOURCE);
  const program = ts.createProgram([join(dir, 'client.ts')], { ...COMPILER_OPTIONS, outDir: join(dir, 'dist') }, host);
  const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (!errors.length) program.emit();
  return { errors, entry: join(dir, 'dist', 'client.js') };
}

describe('a typed client generated from the OpenAPI document (openapi-typescript + openapi-fetch)', () => {
  let t: TestApp;
  let baseUrl: string;
  let document: OpenAPI3;
  const host = cachingHost();
  const cache = resolve('node_modules/.cache');
  const dirs: string[] = [];
  const tempDir = () => {
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'darkroom-client-'));
    dirs.push(dir);
    return dir;
  };
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    document = (await t.http().get('/api/v1/openapi').expect(200)).body;
  });
  afterAll(async () => {
    await t.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('type-checks, then calls /me and an organisation route of the running server', async () => {
    const { errors, entry } = await buildClient(host, tempDir(), document);
    expect(errors).toEqual([]);
    const user = await signUp(t);
    const key = await createKey(t, user.accessToken, user.orgId);
    const { callDarkroom } = await import(pathToFileURL(entry).href);
    const answer = await callDarkroom(baseUrl, key.secret, user.orgId);
    expect(answer.scopes).toEqual(expect.arrayContaining(['keys:read']));
    expect(answer.keyIds).toContain(key.id);
  }, 60_000);

  it('would not type-check if an organisation route did not declare orgId', async () => {
    const broken = structuredClone(document);
    const listKeys = (broken.paths!['/api/v1/orgs/{orgId}/api-keys'] as PathItemObject).get as OperationObject;
    listKeys.parameters = listKeys.parameters!.filter((p) => !('name' in p) || p.name !== 'orgId');
    const { errors } = await buildClient(host, tempDir(), broken);
    expect(errors.join('\n')).toMatch(/orgId/);
  }, 60_000);
});
