import type { RuleResult } from './compliance';

type Value = RuleResult['measured'] | RuleResult['expected'];

// The console's words are English: so are its numbers ("10,000", as the rule packs write them).
const whole = new Intl.NumberFormat('en');

/** A measured or expected value for reading: shares to four decimals, pixels and bytes grouped, lists joined. */
export function formatValue(value: Value): string {
  if (Array.isArray(value)) return value.map(formatValue).join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return Number.isInteger(value) ? whole.format(value) : String(Number(value.toFixed(4)));
  return value;
}

/** The value a rule requires, in words: "at least 0.98", "500 to 10,000", "one of jpeg, png". */
export function expectedText(rule: Pick<RuleResult, 'comparison' | 'expected'>): string {
  const expected = rule.expected;
  switch (rule.comparison) {
    case 'atLeast':
      return `at least ${formatValue(expected)}`;
    case 'atMost':
      return `at most ${formatValue(expected)}`;
    case 'between':
      return Array.isArray(expected) && expected.length === 2 ? `${formatValue(expected[0]!)} to ${formatValue(expected[1]!)}` : formatValue(expected);
    case 'oneOf':
      return `one of ${formatValue(expected)}`;
    default:
      return formatValue(expected);
  }
}

/** A failed warning is reported, and does not fail the slot: it reads "Warning", not "Fail". */
export function verdictOf(rule: Pick<RuleResult, 'pass' | 'severity'>): 'Pass' | 'Warning' | 'Fail' {
  if (rule.pass) return 'Pass';
  return rule.severity === 'warning' ? 'Warning' : 'Fail';
}
