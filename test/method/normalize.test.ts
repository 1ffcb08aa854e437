// Normalization to 0-100 across allies, and the missing-data policies.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Normalization } from '../../src/method/methodology.ts';
import { imputeInto, normalizeBuffers, normalizeInto } from '../../src/method/normalize.ts';

function normalize(values: number[], spec: Normalization, bounds?: { min: number; max: number }): number[] {
  const raw = Float64Array.from(values);
  const out = new Float64Array(values.length);
  normalizeInto(raw, spec, out, normalizeBuffers(values.length), bounds);
  return [...out];
}

const NaN_ = Number.NaN;

describe('normalization', () => {
  it('min-max puts the lowest ally at 0 and the highest at 100, missing stays missing', () => {
    expect(normalize([10, 20, NaN_, 30], { method: 'minmax', scale: 'linear', invert: false })).toEqual([0, 50, NaN_, 100]);
  });

  it('min-max on a log scale', () => {
    expect(normalize([1, 10, 100], { method: 'minmax', scale: 'log', invert: false })).toEqual([0, 50, 100]);
  });

  it('a value a log scale cannot take (0) becomes missing', () => {
    expect(normalize([0, 10, 100], { method: 'minmax', scale: 'log', invert: false })[0]).toBeNaN();
    expect(normalize([0, 9, 99], { method: 'minmax', scale: 'log1p', invert: false })).toEqual([0, 50, 100]);
  });

  it('winsorizing clamps the extremes at the stated quantiles before min-max', () => {
    // 0..18 and an outlier: the 10th and 90th percentiles (type 7) are 1.9 and 17.1.
    const values = [...Array.from({ length: 19 }, (_, i) => i), 1000];
    const s = normalize(values, { method: 'minmax', scale: 'linear', winsorize: [0.1, 0.9], invert: false });
    expect(s[0]).toBe(0);
    expect(s[18]).toBe(100);
    expect(s[19]).toBe(100);
    // Without winsorizing the outlier would put every other ally below 2.
    expect(s[10]).toBeCloseTo(((10 - 1.9) / (17.1 - 1.9)) * 100);
  });

  it('percentile gives mid-ranks to ties', () => {
    expect(normalize([5, 1, 5, 9], { method: 'percentile', invert: false })).toEqual([50, 0, 50, 100]);
  });

  it('fixed bounds clamp to 0-100; invert turns the scale round', () => {
    expect(normalize([-1, 0.375, 2], { method: 'fixed', min: 0, max: 0.75, scale: 'linear', invert: false })).toEqual([0, 50, 100]);
    expect(normalize([1, 2, 3], { method: 'minmax', scale: 'linear', invert: true })).toEqual([100, 50, 0]);
  });

  it('judgment scale normalizes on the judgment\'s own scale, not across allies', () => {
    expect(normalize([1, 3], { method: 'judgment_scale', invert: false }, { min: 0, max: 4 })).toEqual([25, 75]);
  });

  it('no variation across allies puts every ally at 50', () => {
    expect(normalize([7, 7, 7], { method: 'minmax', scale: 'linear', invert: false })).toEqual([50, 50, 50]);
  });

  it('scores stay within 0-100 and keep the order of the raw values (property)', () => {
    const spec = fc.constantFrom<Normalization>(
      { method: 'minmax', scale: 'linear', invert: false },
      { method: 'minmax', scale: 'log1p', invert: false },
      { method: 'minmax', scale: 'linear', winsorize: [0.05, 0.95], invert: false },
      { method: 'percentile', invert: false },
      { method: 'fixed', min: 0, max: 500, scale: 'linear', invert: false },
    );
    fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 40 }), spec, (values, s) => {
      const scores = normalize(values, s);
      for (let i = 0; i < values.length; i++) {
        expect(scores[i]).toBeGreaterThanOrEqual(0);
        expect(scores[i]).toBeLessThanOrEqual(100);
        for (let j = 0; j < values.length; j++) if (values[i] < values[j]) expect(scores[i]).toBeLessThanOrEqual(scores[j]);
      }
    }));
  });
});

describe('missing-data policy', () => {
  const impute = (scores: number[], policy: Parameters<typeof imputeInto>[1]) => {
    const s = Float64Array.from(scores);
    const fill = imputeInto(s, policy, new Float64Array(scores.length));
    return { scores: [...s], fill };
  };

  it('exclude leaves missing scores missing', () => {
    const r = impute([10, NaN_, 30], { policy: 'exclude' });
    expect(r.scores[1]).toBeNaN();
    expect(r.fill).toBeNaN();
  });

  it('impute fills with the median, minimum, mean or maximum of the other allies', () => {
    expect(impute([10, NaN_, 30, 80], { policy: 'impute', with: 'median' }).scores[1]).toBe(30);
    expect(impute([10, NaN_, 30, 80], { policy: 'impute', with: 'min' }).scores[1]).toBe(10);
    expect(impute([10, NaN_, 30, 80], { policy: 'impute', with: 'mean' }).scores[1]).toBe(40);
    expect(impute([10, NaN_, 30, 80], { policy: 'impute', with: 'max' }).scores[1]).toBe(80);
  });
});
