import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app';

const ABSOLUTE_URL = /\bhttps?:\/\/[^\s"'`<>)]+/g;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const foreign = (urls: string[]) => urls.filter((url) => !LOCAL_HOSTS.has(new URL(url).hostname));

/** The configuration object the page hands to Scalar.createApiReference. */
function pageConfiguration(html: string): Record<string, unknown> {
  const literal = /createApiReference\('#app',\s*(\{[\s\S]*?\})\s*\)\s*<\/script>/.exec(html)?.[1];
  expect(literal, 'no createApiReference call in /docs').toBeDefined();
  return JSON.parse(literal!);
}

describe('/docs: the API reference works offline and is Darkroom’s', () => {
  let t: TestApp;
  let html: string;
  beforeAll(async () => {
    t = await startTestApp();
    const page = await t.http().get('/docs').redirects(1).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    html = page.text;
  });
  afterAll(() => t.close());

  it('is titled Darkroom', () => {
    expect(/<title>([^<]*)<\/title>/.exec(html)?.[1]).toBe('Darkroom API');
  });

  it('names no other host: every asset it loads and the document it reads come from this server', async () => {
    expect(foreign(html.match(ABSOLUTE_URL) ?? [])).toEqual([]);
    const assets = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      expect(asset, asset).not.toMatch(/^(https?:)?\/\//);
      await t.http().get(new URL(asset, 'http://local/docs/').pathname).expect(200);
    }
    const config = pageConfiguration(html);
    expect(config.url).toBe('/api/v1/openapi');
    await t.http().get(config.url as string).expect(200);
  });

  it("turns off Scalar's fonts CDN, telemetry and cloud features, with options the served script knows", async () => {
    const config = pageConfiguration(html);
    expect(config).toMatchObject({
      withDefaultFonts: false,
      telemetry: false,
      hideClientButton: true,
      showDeveloperTools: 'never',
      agent: { disabled: true },
      mcp: { disabled: true },
    });
    expect(JSON.stringify(config)).not.toMatch(/scalar\.com/);
    // An option renamed by a Scalar upgrade would be ignored silently: the script must still read each one.
    const scriptPath = /<script[^>]+src="([^"]+)"/.exec(html)![1];
    const script = (await t.http().get(`/docs/${scriptPath}`).expect(200)).text;
    for (const option of ['withDefaultFonts', 'telemetry', 'hideClientButton', 'showDeveloperTools', 'agent', 'mcp']) {
      expect(script, option).toContain(`${option}:`);
    }
  });
});
