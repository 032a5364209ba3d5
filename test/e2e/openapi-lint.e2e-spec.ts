import { readFileSync } from 'node:fs';
import { createConfig, lintFromString, type NormalizedProblem } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app';

/** Redocly's `recommended` ruleset, as `redocly lint` applies it with no configuration file. */
async function lint(document: string): Promise<NormalizedProblem[]> {
  return lintFromString({ source: document, absoluteRef: 'openapi.json', config: await createConfig({ extends: ['recommended'] }) });
}

const describeProblems = (problems: NormalizedProblem[]) => problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);

describe('the OpenAPI document passes the recommended lint rules', () => {
  let t: TestApp;
  // A deployed server's address, with the trailing slash people often type.
  beforeAll(async () => (t = await startTestApp({ PUBLIC_URL: 'https://images.darkroom.test/' })));
  afterAll(() => t.close());

  it('the document a deployed server serves has no error and no warning', async () => {
    const served = await t.http().get('/api/v1/openapi').expect(200);
    expect(served.body.servers).toEqual([{ url: 'https://images.darkroom.test', description: expect.any(String) }]);
    expect(describeProblems(await lint(served.text))).toEqual([]);
  });

  it('the committed docs/openapi.json has no error; its one warning is the local server it names', async () => {
    const problems = await lint(readFileSync('docs/openapi.json', 'utf8'));
    expect(describeProblems(problems)).toEqual(['warn no-server-example.com at #/servers/0/url: Server `url` should not point to example.com or localhost.']);
  });
});
