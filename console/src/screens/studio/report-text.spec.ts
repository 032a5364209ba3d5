import { describe, expect, it } from 'vitest';
import { expectedText, formatValue, verdictOf } from './report-text';

describe('the report in words', () => {
  it('writes values as the rule packs do', () => {
    expect(formatValue(0.61254)).toBe('0.6125');
    expect(formatValue(10_000_000)).toBe('10,000,000');
    expect(formatValue(true)).toBe('yes');
    expect(formatValue(['jpeg', 'png'])).toBe('jpeg, png');
    expect(formatValue('1:1.44')).toBe('1:1.44');
  });

  it('says what each comparison requires', () => {
    expect(expectedText({ comparison: 'atLeast', expected: 0.98 })).toBe('at least 0.98');
    expect(expectedText({ comparison: 'atMost', expected: 10000 })).toBe('at most 10,000');
    expect(expectedText({ comparison: 'between', expected: [500, 10000] })).toBe('500 to 10,000');
    expect(expectedText({ comparison: 'oneOf', expected: ['jpeg', 'png'] })).toBe('one of jpeg, png');
    expect(expectedText({ comparison: 'equals', expected: false })).toBe('no');
  });

  it('reads a failed warning as a warning, not a failure', () => {
    expect(verdictOf({ pass: true, severity: 'error' })).toBe('Pass');
    expect(verdictOf({ pass: false, severity: 'error' })).toBe('Fail');
    expect(verdictOf({ pass: false, severity: 'warning' })).toBe('Warning');
  });
});
