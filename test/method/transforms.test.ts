// The named transforms a line item is computed with, on hand-made evidence.
import { describe, expect, it } from 'vitest';
import { JudgmentBook } from '../../src/method/judgments.ts';
import type { Measure } from '../../src/method/methodology.ts';
import { evaluateMeasure } from '../../src/method/transforms.ts';
import type { MeasureContext } from '../../src/method/transforms.ts';
import { ALLIES, baseObservations, fixtureEvidence, fixtureJudgments, fixtureMethodology, obs } from './fixtures.ts';

function context(year: number, observations = baseObservations(), staleness = 2): MeasureContext {
  const evidence = fixtureEvidence(observations);
  const methodology = fixtureMethodology(evidence);
  return { evidence, methodology, judgments: new JudgmentBook(fixtureJudgments(evidence, methodology)), allies: [...ALLIES], year, staleness, cache: new Map() };
}

const latest = (indicator: string, extra: Partial<Extract<Measure, { op: 'latest' }>> = {}): Measure => ({ op: 'latest', indicator, ...extra });

describe('latest value as of a year', () => {
  it('reads the observation of the year, with its source behind it', () => {
    const v = evaluateMeasure(latest('troops'), 'BBB', context(2024));
    expect(v.value).toBe(40);
    expect(v.flags).toEqual([]);
    expect(v.observations.map((o) => [o.source, o.year])).toEqual([['test-data', 2024]]);
  });

  it('uses an older observation within the staleness window and flags it stale', () => {
    const v = evaluateMeasure(latest('troops'), 'BBB', context(2026));
    expect(v.value).toBe(40);
    expect(v.flags).toContain('stale');
    expect(v.observations[0].year).toBe(2024);
  });

  it('is missing beyond the window, and says why', () => {
    const v = evaluateMeasure(latest('troops'), 'BBB', context(2027));
    expect(v.value).toBeNull();
    expect(v.reason).toBe('no troops for BBB in 2025-2027; the latest is 2024');
  });

  it('reports the publisher\'s marker when the year is marked missing', () => {
    const observations = baseObservations().filter((o) => !(o.country === 'AAA' && o.indicator === 'troops' && o.year >= 2023));
    observations.push(obs('AAA', 'troops', 2024, null));
    const v = evaluateMeasure(latest('troops', { staleness_years: 0 }), 'AAA', context(2024, observations));
    expect(v.value).toBeNull();
    expect(v.reason).toContain('publisher marker ".."');
    expect(v.observations[0].flags).toContain('missing');
  });

  it('never treats a missing observation as zero', () => {
    const observations = baseObservations().filter((o) => !(o.country === 'AAA' && o.indicator === 'troops'));
    observations.push(obs('AAA', 'troops', 2024, null));
    expect(evaluateMeasure(latest('troops'), 'AAA', context(2024, observations)).value).toBeNull();
  });

  it('gives estimates without a range a range of the stated relative size', () => {
    const observations = baseObservations().map((o) => (o.country === 'AAA' && o.indicator === 'troops' && o.year === 2024 ? { ...o, flags: ['estimate' as const] } : o));
    const v = evaluateMeasure(latest('troops'), 'AAA', context(2024, observations));
    expect(v.flags).toContain('estimate');
    expect(v.low).toBeCloseTo(9);
    expect(v.high).toBeCloseTo(11);
  });

  it('keeps a range the source gives', () => {
    const observations = baseObservations().map((o) => (o.country === 'AAA' && o.indicator === 'troops' && o.year === 2024 ? { ...o, low: 8, high: 13 } : o));
    const v = evaluateMeasure(latest('troops'), 'AAA', context(2024, observations));
    expect([v.low, v.value, v.high]).toEqual([8, 10, 13]);
  });
});

describe('n-year transforms', () => {
  it('mean over the window', () => {
    const v = evaluateMeasure({ op: 'mean', years: 5, of: latest('share_gdp') }, 'AAA', context(2024));
    expect(v.value).toBeCloseTo(1 + 0.05 * 7);
    expect(v.observations).toHaveLength(5);
  });

  it('trend is the least-squares slope per year', () => {
    const v = evaluateMeasure({ op: 'trend', years: 10, of: latest('share_gdp') }, 'CCC', context(2024));
    expect(v.value).toBeCloseTo(0.05);
  });

  it('cumulative fills missing years with the mean of the others, flagged imputed', () => {
    const observations = baseObservations().filter((o) => !(o.country === 'AAA' && o.indicator === 'troops' && o.year === 2020));
    const v = evaluateMeasure({ op: 'cumulative', years: 10, of: latest('troops') }, 'AAA', context(2024, observations));
    expect(v.value).toBeCloseTo(100);
    expect(v.flags).toContain('imputed');
  });

  it('is missing with fewer years than min_years', () => {
    const v = evaluateMeasure({ op: 'mean', years: 10, min_years: 8, of: latest('share_gdp') }, 'AAA', context(2030));
    expect(v.value).toBeNull();
    expect(v.reason).toMatch(/needs 8 years with data, found 4/);
  });

  it('ending "latest" reads a series that stopped over its last window, flagged stale', () => {
    const v = evaluateMeasure({ op: 'mean', years: 3, ending: 'latest', of: latest('share_gdp') }, 'AAA', context(2028, baseObservations(), 5));
    expect(v.value).toBeCloseTo(1 + 0.05 * 8);
    expect(v.flags).toContain('stale');
  });
});

describe('arithmetic transforms', () => {
  it('ratio, per capita, product, sum, difference, scale and log', () => {
    const ctx = context(2024);
    expect(evaluateMeasure({ op: 'ratio', numerator: latest('troops'), denominator: latest('disputes') }, 'BBB', ctx).value).toBe(20);
    expect(evaluateMeasure({ op: 'per_capita', of: latest('gdp'), population: latest('troops') }, 'BBB', ctx).value).toBe(2e11 / 40);
    expect(evaluateMeasure({ op: 'product', of: [latest('troops'), latest('disputes')] }, 'BBB', ctx).value).toBe(80);
    expect(evaluateMeasure({ op: 'sum', of: [latest('troops'), latest('disputes')] }, 'BBB', ctx).value).toBe(42);
    expect(evaluateMeasure({ op: 'difference', minuend: latest('troops'), subtrahend: latest('disputes') }, 'BBB', ctx).value).toBe(38);
    expect(evaluateMeasure({ op: 'scale', of: latest('troops'), factor: 0.5 }, 'BBB', ctx).value).toBe(20);
    expect(evaluateMeasure({ op: 'log', of: latest('troops') }, 'BBB', ctx).value).toBeCloseTo(Math.log10(40));
  });

  it('a ratio by zero, or the log of zero, is missing, not infinite', () => {
    const ctx = context(2024);
    expect(evaluateMeasure({ op: 'ratio', numerator: latest('troops'), denominator: latest('disputes') }, 'AAA', ctx).reason).toBe('the denominator is zero');
    expect(evaluateMeasure({ op: 'log', of: latest('disputes') }, 'AAA', ctx).reason).toBe('cannot take the log of 0');
  });

  it('gap to a target is the shortfall, zero at or above it', () => {
    const ctx = context(2024);
    const gap = (ally: string) => evaluateMeasure({ op: 'gap_to_target', of: latest('share_gdp'), target: 2, direction: 'below' }, ally, ctx).value;
    expect(gap('AAA')).toBeCloseTo(2 - 1.45);
    expect(gap('EEE')).toBe(0);
  });

  it('ranges propagate through a ratio (low numerator over high denominator)', () => {
    const observations = baseObservations().map((o) => (o.year === 2024 && o.country === 'BBB' && o.indicator === 'troops' ? { ...o, low: 30, high: 50 } : o));
    const v = evaluateMeasure({ op: 'ratio', numerator: latest('troops'), denominator: latest('disputes') }, 'BBB', context(2024, observations));
    expect([v.low, v.value, v.high]).toEqual([15, 20, 25]);
  });

  it('coalesce takes the first present measure; a constant fallback is flagged imputed', () => {
    const ctx = context(2024);
    const v = evaluateMeasure({ op: 'coalesce', of: [latest('hns'), { op: 'constant', value: 0, imputed: true }] }, 'AAA', ctx);
    expect(v.value).toBe(0);
    expect(v.flags).toEqual(['imputed']);
    expect(evaluateMeasure({ op: 'coalesce', of: [latest('troops'), { op: 'constant', value: 0 }] }, 'AAA', ctx).value).toBe(10);
  });
});

describe('counterparts, judgments, networks', () => {
  it('a named counterpart is the candidate with the least indicator value', () => {
    const ctx = context(2024);
    const v = evaluateMeasure({ op: 'latest', indicator: 'spending', country: 'nearest' }, 'AAA', ctx);
    expect(v.value).toBe(2000);
    // The distances that chose the counterpart are part of the provenance.
    expect(v.observations.map((o) => o.indicator).sort()).toEqual(['distance', 'distance', 'spending']);
  });

  it('a dyadic indicator is read toward the named counterpart', () => {
    expect(evaluateMeasure({ op: 'latest', indicator: 'distance', counterpart: 'RVB' }, 'CCC', context(2024)).value).toBe(6000);
  });

  it('a judgment gives its value, range and the judgment behind it', () => {
    const v = evaluateMeasure({ op: 'judgment', judgment: 'resolve' }, 'AAA', context(2024));
    expect([v.low, v.value, v.high]).toEqual([2, 3, 4]);
    expect(v.judgments[0].author).toBe('Tester');
    expect(v.flags).toEqual(['judgment']);
  });

  it('network degree and betweenness among the allies, from membership tables', () => {
    const evidence = fixtureEvidence(baseObservations(), {
      groups: [
        { group: 'g1', iso3: 'AAA', since: '2001-05-01', until: '', source: 'test-data' },
        { group: 'g1', iso3: 'BBB', since: '2001-05-01', until: '', source: 'test-data' },
        { group: 'g2', iso3: 'BBB', since: '2010', until: '', source: 'test-data' },
        { group: 'g2', iso3: 'CCC', since: '2010', until: '', source: 'test-data' },
        { group: 'g2', iso3: 'USA', since: '2010', until: '', source: 'test-data' },
        { group: 'g3', iso3: 'DDD', since: '1990', until: '1999', source: 'test-data' },
        { group: 'g3', iso3: 'EEE', since: '1990', until: '1999', source: 'test-data' },
      ],
    });
    const base = fixtureMethodology(evidence);
    const methodology = { ...base, networks: { ties: { label: 'ties', rationale: 'test network', tables: [{ table: 'groups', group: 'group', member: 'iso3', from: 'since', to: 'until' }] } } };
    const ctx: MeasureContext = { evidence, methodology, judgments: new JudgmentBook([]), allies: [...ALLIES], year: 2024, staleness: 2, cache: new Map() };
    const degree = ALLIES.map((a) => evaluateMeasure({ op: 'network', network: 'ties', metric: 'degree' }, a, ctx).value);
    expect(degree).toEqual([1, 2, 1, 0, 0]);
    const between = ALLIES.map((a) => evaluateMeasure({ op: 'network', network: 'ties', metric: 'betweenness' }, a, ctx).value);
    // BBB lies on the only path between AAA and CCC: 1 of the (5-1)(5-2)/2 = 6 pairs.
    expect(between).toEqual([0, 1 / 6, 0, 0, 0]);
    expect(evaluateMeasure({ op: 'network', network: 'ties', metric: 'degree' }, 'DDD', { ...ctx, year: 1995, cache: new Map() }).value).toBe(1);
  });
});
