// Values as the dashboard writes them beside their unit: a coded unit gives the code's meaning,
// a yes/no indicator gives yes or no, a count of one takes the singular.
import { describe, expect, it } from 'vitest';
import { formatValueUnit } from '../../src/interfaces/web/format.ts';

describe('formatValueUnit', () => {
  it('reads a coded unit as the code\'s meaning, not "1 1 = asymmetric"', () => {
    expect(formatValueUnit(1, '1 = asymmetric, 0 = mutual or no pledge')).toBe('asymmetric (1)');
    expect(formatValueUnit(0, '1 = asymmetric, 0 = mutual or no pledge')).toBe('mutual or no pledge (0)');
    expect(formatValueUnit(1, '1 = asymmetric')).toBe('asymmetric (1)');
    expect(formatValueUnit(2, '1 = asymmetric, 0 = mutual or no pledge')).toBe('2 (1 = asymmetric, 0 = mutual or no pledge)');
  });

  it('reads a yes/no indicator as yes or no', () => {
    expect(formatValueUnit(1, 'indicator (1 yes, 0 no)')).toBe('yes');
    expect(formatValueUnit(0, 'indicator (1 yes, 0 no)')).toBe('no');
  });

  it('puts a count of one in the singular, and only a count', () => {
    expect(formatValueUnit(1, 'allies tied')).toBe('1 ally tied');
    expect(formatValueUnit(2, 'allies tied')).toBe('2 allies tied');
    expect(formatValueUnit(1, 'sites')).toBe('1 site');
    expect(formatValueUnit(1, 'severity points')).toBe('1 severity point');
    expect(formatValueUnit(1, '% of TIV, 10 years')).toBe('1 % of TIV, 10 years');
    expect(formatValueUnit(1, 'thousand troops')).toBe('1 thousand troops');
  });

  it('keeps other values and missing ones as formatValue writes them', () => {
    expect(formatValueUnit(58399.2, 'US$ m (constant 2023)')).toBe('58,399 US$ m (constant 2023)');
    expect(formatValueUnit(null, 'sites')).toBe('missing');
  });
});
