import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError } from '../../config/load-config';
import { loadMarketplacePacks } from './marketplace-packs';

const rule = (over: Record<string, unknown> = {}) => ({
  id: 'background-white',
  description: 'Pure white background',
  metric: 'borderWhitePurity',
  comparison: 'atLeast',
  expected: 0.98,
  severity: 'error',
  fixable: true,
  source: 'https://example.com/rules',
  checkedAt: '2026-11-29',
  ...over,
});

const pack = (over: Record<string, unknown> = {}, rules: unknown[] = [rule()]) => ({
  id: 'toy',
  name: 'Toy market',
  slots: [{ id: 'toy-main', name: 'Main', defaults: { width: 1000, height: 1000, fill: 0.85, background: 'white', format: 'jpeg', maxBytes: 1000000 }, rules }],
  ...over,
});

/** A CONFIG_DIR whose marketplaces/ holds these files (name to YAML text or object). */
function configDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-packs-'));
  mkdirSync(join(dir, 'marketplaces'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, 'marketplaces', name), typeof content === 'string' ? content : stringify(content));
  return dir;
}

const EMPTY_SHIPPED = mkdtempSync(join(tmpdir(), 'darkroom-no-packs-'));

const problems = (dir: string, shipped = EMPTY_SHIPPED): string[] => {
  try {
    loadMarketplacePacks(dir, shipped);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('loadMarketplacePacks', () => {
  it('loads every shipped pack, each rule with a source and the date it was checked', () => {
    const packs = loadMarketplacePacks('config').all();
    expect(packs.map((p) => p.id).sort()).toEqual(['amazon', 'ebay', 'etsy', 'google-merchant-center', 'shopify', 'walmart', 'woocommerce', 'zalando']);
    expect(packs.find((p) => p.id === 'amazon')?.slots.map((s) => s.id)).toEqual(['amazon-main', 'amazon-additional']);
    for (const rule of packs.flatMap((p) => p.slots.flatMap((s) => s.rules))) {
      expect(rule.source).toMatch(/^https:\/\//);
      expect(rule.checkedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('reads a valid pack with its defaults and rules', () => {
    const packs = loadMarketplacePacks(configDir({ 'toy.yaml': pack() }), EMPTY_SHIPPED);
    expect(packs.get('toy')).toMatchObject({ name: 'Toy market', slots: [{ id: 'toy-main', defaults: { width: 1000, fill: 0.85 }, rules: [{ id: 'background-white', expected: 0.98 }] }] });
    expect(packs.get('nope')).toBeUndefined();
  });

  it('takes lists, ratios and booleans where the metric measures them', () => {
    const rules = [
      rule({ id: 'format', metric: 'format', comparison: 'oneOf', expected: ['jpeg', 'png'] }),
      rule({ id: 'square', metric: 'aspectRatio', comparison: 'equals', expected: '1:1.44' }),
      rule({ id: 'no-border', metric: 'addedBorder', comparison: 'equals', expected: false, note: 'third-party figure' }),
      rule({ id: 'fill', metric: 'subjectFill', comparison: 'between', expected: [0.8, 0.9] }),
    ];
    expect(problems(configDir({ 'toy.yaml': pack({}, rules) }))).toEqual([]);
  });

  it("lets an operator's pack replace a shipped one by id and add another", () => {
    const shipped = join(configDir({ 'toy.yaml': pack() }), 'marketplaces');
    const own = configDir({ 'toy.yaml': pack({ name: 'Toy market (ours)' }), 'other.yaml': pack({ id: 'other', slots: [{ ...pack().slots[0], id: 'other-main' }] }) });
    const packs = loadMarketplacePacks(own, shipped);
    expect(packs.all().map((p) => [p.id, p.name])).toEqual([
      ['toy', 'Toy market (ours)'],
      ['other', 'Toy market'],
    ]);
  });

  it('names the file and every bad field at once', () => {
    const dir = configDir({
      'bad.yaml': pack({}, [
        rule({ metric: 'loudness', source: 'not a url' }),
        rule({ id: 'size', metric: 'fileSize', comparison: 'atMost', expected: 'big', checkedAt: 'last week' }),
        rule({ id: 'ratio', metric: 'aspectRatio', comparison: 'atLeast', expected: '1:1', sevrity: 'error' }),
      ]),
      'broken.yaml': 'id: [unclosed',
    });
    const found = problems(dir);
    expect(found).toEqual([
      expect.stringMatching(/bad\.yaml: slots\.0\.rules\.0\.metric: metric must be one of the following values/),
      expect.stringMatching(/bad\.yaml: slots\.0\.rules\.0\.source: source must be a URL address/),
      expect.stringMatching(/bad\.yaml: slots\.0\.rules\.1\.expected: expected must be a whole number of bytes/),
      expect.stringMatching(/bad\.yaml: slots\.0\.rules\.1\.checkedAt: checkedAt must be a date written YYYY-MM-DD/),
      expect.stringMatching(/bad\.yaml: slots\.0\.rules\.2\.sevrity: property sevrity should not exist/),
      expect.stringMatching(/bad\.yaml: slots\.0\.rules\.2\.expected: comparison for metric aspectRatio must be one of equals, oneOf, got "atLeast"/),
      expect.stringMatching(/broken\.yaml is not valid YAML/),
    ]);
    expect(found.every((p) => p.startsWith(join(dir, 'marketplaces')))).toBe(true);
  });

  it('refuses a slot with both fill and margin, a rule id twice, a pack id twice in one folder and a slot id shared by two packs', () => {
    const slot = pack().slots[0];
    const both = pack({ slots: [{ ...slot, defaults: { ...slot.defaults, margin: 0.1 }, rules: [rule(), rule()] }] });
    expect(problems(configDir({ 'a.yaml': both }))).toEqual([
      expect.stringMatching(/a\.yaml: slots\.0\.defaults: give fill or margin \(one of them\)/),
      expect.stringMatching(/a\.yaml: slots\.0\.rules\.1\.id: "background-white" appears twice in slot toy-main/),
    ]);
    expect(problems(configDir({ 'a.yaml': pack(), 'b.yaml': pack() }))).toEqual([expect.stringMatching(/b\.yaml: id: "toy" is also the id of .*a\.yaml/)]);
    expect(problems(configDir({ 'a.yaml': pack(), 'b.yaml': pack({ id: 'other' }) }))).toEqual([expect.stringMatching(/b\.yaml: slot id "toy-main" is also a slot of pack toy/)]);
  });

  it('names a slot without defaults as a problem instead of failing on it', () => {
    const { defaults: _omitted, ...slot } = pack().slots[0];
    expect(problems(configDir({ 'a.yaml': pack({ slots: [slot] }) }))).toEqual([expect.stringMatching(/a\.yaml: slots\.0\.defaults/)]);
  });
});
