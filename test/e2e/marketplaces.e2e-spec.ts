import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app';

/** A CONFIG_DIR holding only marketplaces/ with these files. */
function configDirWithPacks(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-marketplaces-'));
  mkdirSync(join(dir, 'marketplaces'));
  for (const [name, yaml] of Object.entries(files)) writeFileSync(join(dir, 'marketplaces', name), yaml);
  return dir;
}

describe('marketplace rule packs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('lists every shipped pack with its slots, without credentials', async () => {
    const res = await t.http().get('/api/v1/marketplaces').expect(200);
    expect(res.body.data.map((p: { id: string }) => p.id)).toEqual(['amazon', 'ebay', 'etsy', 'google-merchant-center', 'shopify', 'walmart', 'woocommerce', 'zalando']);
    expect(res.body.data[0]).toEqual({
      id: 'amazon',
      name: 'Amazon',
      slots: [
        { id: 'amazon-main', name: 'Main image' },
        { id: 'amazon-additional', name: 'Additional images' },
      ],
    });
  });

  it('serves a whole pack: slot defaults and rules with their sources', async () => {
    const res = await t.http().get('/api/v1/marketplaces/amazon').expect(200);
    const main = res.body.slots[0];
    expect(main.defaults).toEqual({ width: 2000, height: 2000, fill: 0.85, background: 'white', format: 'jpeg', maxBytes: 10000000 });
    expect(main.rules).toContainEqual({
      id: 'subject-fill',
      description: 'The product fills at least 85% of the frame',
      metric: 'subjectFill',
      comparison: 'atLeast',
      expected: 0.85,
      severity: 'error',
      fixable: true,
      source: 'https://help.e-tailize.com/',
      checkedAt: '2026-11-29',
      note: expect.stringMatching(/Third-party page/),
    });
  });

  it('answers 404 not_found for an unknown id', async () => {
    const res = await t.http().get('/api/v1/marketplaces/amazon-main').expect(404);
    expect(res.body.error).toMatchObject({ code: 'not_found', message: 'Marketplace not found' });
  });

  it("serves an operator's pack over the shipped one with the same id", async () => {
    const amazon = readFileSync('config/marketplaces/amazon.yaml', 'utf8').replace('name: Amazon\n', 'name: Amazon (EU)\n');
    const dir = configDirWithPacks({ 'amazon.yaml': amazon });
    const own = await startTestApp({ CONFIG_DIR: dir });
    try {
      const res = await own.http().get('/api/v1/marketplaces/amazon').expect(200);
      expect(res.body.name).toBe('Amazon (EU)');
    } finally {
      await own.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start with a pack that does not validate, naming the file and the field', async () => {
    const broken = readFileSync('config/marketplaces/zalando.yaml', 'utf8').replace("expected: '1:1.44'", 'expected: 1.44');
    const dir = configDirWithPacks({ 'zalando.yaml': broken });
    try {
      await expect(startTestApp({ CONFIG_DIR: dir })).rejects.toThrow(/marketplaces\/zalando\.yaml: slots\.0\.rules\.0\.expected: expected must be a ratio written W:H/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
