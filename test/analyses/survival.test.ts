// The Kaplan-Meier estimator, checked against textbook examples with known answers.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  kaplanMeier, medianOf, restrictedMeanSurvival, survivalAt, SurvivalInputError, survivalPercentile, survivalQuantile,
} from '../../src/analyses/survival.ts';
import type { SurvivalSubject } from '../../src/analyses/survival.ts';

// Freireich et al. (1963) remission times in weeks, 6-MP arm (Gehan 1965); "+" marks censoring.
// The expected table is R's `survfit(Surv(time, status) ~ 1)` on these data, the example of
// most survival textbooks (e.g. Kleinbaum & Klein, Survival Analysis, ch. 2).
const sixMp: SurvivalSubject[] = [
  '6', '6', '6', '6+', '7', '9+', '10', '10+', '11+', '13', '16', '17+', '19+', '20+', '22', '23', '25+', '32+', '32+', '34+', '35+',
].map((t) => ({ time: Number(t.replace('+', '')), event: !t.endsWith('+') }));

describe('kaplanMeier', () => {
  it('reproduces the 6-MP remission table: survival, Greenwood errors, log intervals', () => {
    const curve = kaplanMeier(sixMp);
    const withEvents = curve.steps.filter((s) => s.events > 0).map((s) => [s.time, s.atRisk, s.events, s.survival, s.stdErr, s.lower, s.upper]);
    const expected = [
      [6, 21, 3, 0.857, 0.0764, 0.720, 1.000],
      [7, 17, 1, 0.807, 0.0869, 0.653, 0.996],
      [10, 15, 1, 0.753, 0.0963, 0.586, 0.968],
      [13, 12, 1, 0.690, 0.1068, 0.510, 0.935],
      [16, 11, 1, 0.627, 0.1141, 0.439, 0.896],
      [22, 7, 1, 0.538, 0.1282, 0.337, 0.858],
      [23, 6, 1, 0.448, 0.1346, 0.249, 0.807],
    ];
    expect(withEvents).toHaveLength(expected.length);
    withEvents.forEach((row, i) => {
      expect(row.slice(0, 3)).toEqual(expected[i].slice(0, 3));
      expect(row[3]).toBeCloseTo(expected[i][3], 3);
      expect(row[4]).toBeCloseTo(expected[i][4], 4);
      expect(row[5]).toBeCloseTo(expected[i][5], 3);
      expect(row[6]).toBeCloseTo(expected[i][6], 3);
    });
    expect(curve.n).toBe(21);
    expect(curve.events).toBe(9);
    expect(curve.censored).toBe(12);
  });

  it('gives the 6-MP median of 23 weeks with a 95% interval from 16 weeks, open above', () => {
    const curve = kaplanMeier(sixMp);
    expect(curve.median).toBe(23);
    expect(curve.medianLower).toBe(16);
    expect(curve.medianUpper).toBeNull();
    // The curve falls from 0.538 to 0.448 at 23 weeks: a median reached, stated as a value.
    expect(curve.medianEstimate).toMatchObject({ value: 23, lowerBound: 23, upperBound: 23, reached: true, flat: null, short: '23.0 years' });
  });

  it('restricted mean: 23.287 weeks up to the last time, 35 (R print.survfit rmean)', () => {
    expect(kaplanMeier(sixMp).restrictedMean).toBeCloseTo(23.287, 3);
  });

  it('counts censored subjects as at risk until they leave, never as endings', () => {
    // 4 alliances: ended at 2 and 6 years, two still in force at 3 and 10 years.
    const curve = kaplanMeier([{ time: 2, event: true }, { time: 3, event: false }, { time: 6, event: true }, { time: 10, event: false }]);
    expect(survivalAt(curve, 1)).toBe(1);
    expect(survivalAt(curve, 2)).toBeCloseTo(0.75);
    // At 6 years two remain at risk (the one censored at 3 has left): 0.75 x 1/2.
    expect(survivalAt(curve, 6)).toBeCloseTo(0.375);
    expect(curve.median).toBe(6);
    // Ignoring censoring would say the median is 4.5 years and half have ended by 3.
  });

  it('without censoring equals the empirical survival function; median at the midpoint of a flat half', () => {
    const curve = kaplanMeier([1, 2, 3, 4].map((time) => ({ time, event: true })));
    expect(curve.steps.map((s) => s.survival)).toEqual([0.75, 0.5, 0.25, 0]);
    expect(curve.median).toBe(2.5);
    // S = 1/2 exactly from 2 to 3: "between 2 and 3", the midpoint as the value (R's quantile.survfit).
    expect(curve.medianEstimate).toMatchObject({ value: 2.5, lowerBound: 2, upperBound: 3, reached: true, flat: { from: 2, to: 3 } });
    expect(curve.medianEstimate.short).toBe('between 2.0 and 3.0 years');
    expect(curve.restrictedMean).toBeCloseTo(2.5); // the plain mean when nothing is censored
    expect(curve.steps[3].stdErr).toBeNull();
  });

  it('has no median when fewer than half end: "at least" the last observed time', () => {
    const curve = kaplanMeier([{ time: 1, event: true }, { time: 5, event: false }, { time: 9, event: false }]);
    expect(curve.median).toBeNull();
    expect(curve.medianEstimate).toMatchObject({ value: null, lowerBound: 9, upperBound: null, reached: false, flat: null });
    expect(curve.medianEstimate.short).toBe('at least 9.0 years (not reached)');
    expect(survivalQuantile(curve, 0.25)).toBe(1);
    expect(survivalQuantile(curve, 0.5)).toBeNull();
  });

  it('does not call a curve that sits at one half until the last observation a median: "at least" where it got there', () => {
    // Ended at 1 and 2 years, two still in force at 5 and 9: S = 1/2 from 2 years on, never below.
    const curve = kaplanMeier([{ time: 1, event: true }, { time: 2, event: true }, { time: 5, event: false }, { time: 9, event: false }]);
    expect(survivalAt(curve, 8)).toBe(0.5);
    expect(curve.median).toBeNull();
    expect(curve.medianEstimate).toMatchObject({ value: null, lowerBound: 2, upperBound: null, reached: false, flat: { from: 2, to: 9 } });
    expect(curve.medianEstimate.text).toMatch(/^at least 2\.0 years \(median not reached: the curve sits at exactly one half from 2\.0 years to the last observation at 9\.0 years/);
  });

  it('reads one half within R\'s tolerance: 20 subjects, 10 endings, the rest censored later (the quantile.survfit example)', () => {
    const sample = [...Array.from({ length: 10 }, (_, i) => ({ time: i + 1, event: true })), ...Array.from({ length: 10 }, (_, i) => ({ time: 20 + i, event: false }))];
    const curve = kaplanMeier(sample);
    // (19/20)(18/19)...(10/11) is 1/2 only up to rounding.
    expect(survivalAt(curve, 10)).toBeCloseTo(0.5, 12);
    expect(curve.medianEstimate).toMatchObject({ reached: false, lowerBound: 10, flat: { from: 10, to: 29 } });
    // One more ending after the flat stretch closes it: the median is reached, between 10 and 25.
    const closed = kaplanMeier([...sample.slice(0, 15), { time: 25, event: true }, ...sample.slice(16)]);
    expect(closed.medianEstimate).toMatchObject({ reached: true, value: 17.5, lowerBound: 10, upperBound: 25 });
    expect(medianOf([], 0)).toMatchObject({ value: null, lowerBound: null, reached: false, short: 'no data' });
  });

  it('handles ties of events and censoring at one time (events first) and an empty sample', () => {
    const curve = kaplanMeier([{ time: 5, event: true }, { time: 5, event: false }, { time: 8, event: true }]);
    expect(curve.steps[0]).toMatchObject({ time: 5, atRisk: 3, events: 1, censored: 1 });
    expect(curve.steps[0].survival).toBeCloseTo(2 / 3);
    expect(curve.steps[1]).toMatchObject({ time: 8, atRisk: 1, events: 1, survival: 0 });
    const empty = kaplanMeier([]);
    expect(empty).toMatchObject({ n: 0, median: null, restrictedMean: 0 });
  });

  it('places an age on the curve as a survival percentile', () => {
    const curve = kaplanMeier(sixMp);
    expect(survivalPercentile(curve, 5)).toBe(0);
    expect(survivalPercentile(curve, 23)).toBeCloseTo(1 - 0.448, 3);
    expect(restrictedMeanSurvival(curve, 6)).toBe(6);
  });

  it('stops on a time that is not a duration, naming the subject', () => {
    expect(() => kaplanMeier([{ time: 1, event: true }, { time: Number.NaN, event: false }])).toThrow(SurvivalInputError);
    expect(() => kaplanMeier([{ time: -2, event: true }])).toThrow(/subject 0: time -2 is negative/);
  });

  it('is a non-increasing step function between 0 and 1 for any sample', () => {
    fc.assert(fc.property(fc.array(fc.record({ time: fc.integer({ min: 0, max: 60 }), event: fc.boolean() }), { maxLength: 80 }), (sample) => {
      const curve = kaplanMeier(sample);
      let prior = 1;
      for (const s of curve.steps) {
        expect(s.survival).toBeLessThanOrEqual(prior + 1e-12);
        expect(s.survival).toBeGreaterThanOrEqual(0);
        prior = s.survival;
      }
      expect(curve.events + curve.censored).toBe(sample.length);
      expect(curve.restrictedMean).toBeLessThanOrEqual(curve.maxTime + 1e-9);
    }));
  });
});
