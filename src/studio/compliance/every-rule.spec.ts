import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MarketplaceRuleDto } from '../marketplaces/marketplace-pack.dto';
import { loadMarketplacePacks } from '../marketplaces/marketplace-packs';
import { METRIC_NAMES, METRICS } from '../marketplaces/marketplace-metrics';
import { NoFixture, recipeFor, renderRecipe, type Outcome } from '../testing/rule-fixtures';
import { rulePasses } from './evaluate-slot';
import { measureImage, type ImageMeasurements } from './measure-image';

/**
 * Shipped rules no real image can be made to pass or fail, as `pack/slot/rule` with the reason. The
 * test below checks each still names a shipped rule that truly has no fixture.
 */
const EXCEPTIONS: Record<string, string> = {};

const shipped = loadMarketplacePacks(mkdtempSync(join(tmpdir(), 'darkroom-every-rule-')))
  .all()
  .flatMap((pack) => pack.slots.flatMap((slot) => slot.rules.map((rule) => ({ name: `${pack.id}/${slot.id}/${rule.id}`, rule }))));

const toy = (metric: MarketplaceRuleDto['metric'], comparison: MarketplaceRuleDto['comparison'], expected: MarketplaceRuleDto['expected']): MarketplaceRuleDto => ({
  id: `toy-${metric}-${comparison}`,
  description: 'A rule no shipped pack has yet',
  metric,
  comparison,
  expected,
  severity: 'error',
  fixable: true,
  source: 'https://example.com/rules',
  checkedAt: '2026-11-29',
});

/** One rule for each metric and comparison no shipped rule uses yet, so every maker is held to its word. */
const TOYS: MarketplaceRuleDto[] = [
  toy('subjectFill', 'atMost', 0.7),
  toy('subjectFill', 'between', [0.8, 0.9]),
  toy('aspectRatio', 'oneOf', ['4:3', '3:4']),
  toy('width', 'between', [800, 1200]),
  toy('height', 'between', [800, 1200]),
  toy('longestSide', 'between', [800, 1200]),
  toy('colourSpace', 'oneOf', ['rgb']),
  toy('alpha', 'equals', true),
  toy('alpha', 'equals', false),
  toy('addedBorder', 'equals', true),
  toy('sharpness', 'atLeast', 100),
];

const OUTCOMES: Outcome[] = ['pass', 'fail'];
const cases = (rules: { name: string; rule: MarketplaceRuleDto }[]) =>
  rules.filter(({ name }) => !(name in EXCEPTIONS)).flatMap(({ name, rule }) => OUTCOMES.map((outcome) => ({ name, rule, outcome, verdict: outcome === 'pass' ? 'passes' : 'fails' })));

/** Measurements by recipe: rules that ask for the same image share one render and one measure. */
const measured = new Map<string, Promise<ImageMeasurements>>();
function measure(rule: MarketplaceRuleDto, outcome: Outcome): Promise<ImageMeasurements> {
  const recipe = recipeFor(rule, outcome);
  const key = JSON.stringify(recipe);
  if (!measured.has(key)) measured.set(key, renderRecipe(recipe).then((image) => measureImage(image)));
  return measured.get(key)!;
}

async function check({ rule, outcome }: { rule: MarketplaceRuleDto; outcome: Outcome }) {
  const value = (await measure(rule, outcome))[rule.metric];
  const wanted = `${rule.comparison} ${JSON.stringify(rule.expected)}`;
  expect(rulePasses(rule, value), `the ${outcome} image measured ${rule.metric} = ${JSON.stringify(value)} against ${wanted}`).toBe(outcome === 'pass');
}

describe('every rule of every shipped pack', () => {
  it('has rules to check', () => {
    expect(shipped.length).toBeGreaterThan(50);
  });

  it.each(cases(shipped))('$name $verdict its $outcome image', check, 30_000);

  it.each(Object.entries(EXCEPTIONS))('%s has no fixture: %s', (name) => {
    const found = shipped.find((entry) => entry.name === name);
    expect(found, `${name} is not a shipped rule`).toBeDefined();
    expect(() => OUTCOMES.forEach((outcome) => recipeFor(found!.rule, outcome))).toThrow(NoFixture);
  });
});

describe('rule fixtures for what no shipped rule uses yet', () => {
  it.each(cases(TOYS.map((rule) => ({ name: `${rule.id} ${JSON.stringify(rule.expected)}`, rule }))))('$name $verdict its $outcome image', check, 30_000);

  it('cover every metric with every comparison it takes, shipped or toy', () => {
    const used = new Set([...shipped.map(({ rule }) => rule), ...TOYS].map((rule) => `${rule.metric} ${rule.comparison}`));
    const missing = METRIC_NAMES.flatMap((metric) => METRICS[metric].comparisons.map((comparison) => `${metric} ${comparison}`)).filter((pair) => !used.has(pair));
    expect(missing, 'add a toy rule (and a maker in rule-fixtures.ts for a new metric)').toEqual([]);
  });

  it('name a metric that has no maker', () => {
    expect(() => recipeFor(toy('dpi' as MarketplaceRuleDto['metric'], 'atLeast', 72), 'pass')).toThrow('no fixture maker for metric "dpi"');
  });

  it.each([
    ['a format only sharp cannot write', toy('format', 'oneOf', ['bmp', 'heic']), 'pass', /sharp writes only these formats/],
    ['a share every image reaches', toy('borderWhitePurity', 'atLeast', 0), 'fail', /0 or more/],
    ['a width every image reaches', toy('width', 'atLeast', 1), 'fail', /every image measures width within \[1, Infinity\]/],
  ] as const)('refuse %s', (_, rule, outcome, message) => {
    expect(() => recipeFor(rule, outcome)).toThrow(message);
    expect(() => recipeFor(rule, outcome)).toThrow(NoFixture);
  });
});
