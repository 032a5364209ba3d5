import type { MarketplaceRuleDto, MarketplaceSlotDto } from '../marketplaces/marketplace-pack.dto';
import type { Comparison } from '../marketplaces/marketplace-metrics';
import type { ImageMeasurements } from './measure-image';

type Value = number | string | boolean;

/** One rule of a slot held against one image. */
export interface RuleResult {
  id: string;
  description: string;
  comparison: Comparison;
  /** What the image measured, in the rule's unit. */
  measured: Value;
  /** What the rule asks, as the pack writes it. */
  expected: MarketplaceRuleDto['expected'];
  pass: boolean;
  severity: 'error' | 'warning';
  fixable: boolean;
  source: string;
}

/** A slot's compliance report: it passes when no `error` rule fails (a failing warning is reported only). */
export interface SlotReport {
  slot: string;
  pass: boolean;
  rules: RuleResult[];
}

/** Two aspect ratios are the same within 1%: 1801x2600 is the 1:1.44 a pack asks for. */
export const RATIO_TOLERANCE = 0.01;

function ratio(written: string): number {
  const [w, h] = written.split(':').map(Number);
  return w / h;
}

function same(measured: Value, expected: number | string | boolean, aspectRatio: boolean): boolean {
  if (!aspectRatio) return measured === expected;
  const wanted = ratio(String(expected));
  return Math.abs(ratio(String(measured)) - wanted) <= wanted * RATIO_TOLERANCE;
}

/** Whether a measured value satisfies a rule (the packs are validated, so `expected` fits the comparison). */
export function rulePasses(rule: MarketplaceRuleDto, measured: Value): boolean {
  const { expected } = rule;
  const aspectRatio = rule.metric === 'aspectRatio';
  switch (rule.comparison) {
    case 'atLeast':
      return (measured as number) >= (expected as number);
    case 'atMost':
      return (measured as number) <= (expected as number);
    case 'between': {
      const [min, max] = expected as number[];
      return (measured as number) >= min && (measured as number) <= max;
    }
    case 'equals':
      return same(measured, expected as Value, aspectRatio);
    case 'oneOf':
      return (expected as (number | string)[]).some((option) => same(measured, option, aspectRatio));
  }
}

/** Holds every rule of a slot against an image's measurements. */
export function evaluateSlot(slot: MarketplaceSlotDto, measurements: ImageMeasurements): SlotReport {
  const rules = slot.rules.map((rule): RuleResult => {
    const measured = measurements[rule.metric];
    return {
      id: rule.id,
      description: rule.description,
      comparison: rule.comparison,
      measured,
      expected: rule.expected,
      pass: rulePasses(rule, measured),
      severity: rule.severity,
      fixable: rule.fixable,
      source: rule.source,
    };
  });
  return { slot: slot.id, pass: rules.every((rule) => rule.pass || rule.severity === 'warning'), rules };
}
