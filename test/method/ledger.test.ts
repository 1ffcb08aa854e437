// Ledgers on hand-made evidence: totals, renormalization, coverage, ranks, and the
// properties every methodology must keep (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../src/evidence/schema.ts';
import { computeBurdenSharing } from '../../src/method/burden.ts';
import { computeLedger, computeLedgerSeries, latestYear } from '../../src/method/ledger.ts';
import type { YearLedger } from '../../src/method/ledger.ts';
import { ALLIES, baseObservations, fixtureEvidence, fixtureJudgments, fixtureMethodology, obs } from './fixtures.ts';

function ledgerOf(observations: Observation[], year = 2024): YearLedger {
  const evidence = fixtureEvidence(observations);
  const methodology = fixtureMethodology(evidence);
  return computeLedger({ evidence, methodology, judgments: fixtureJudgments(evidence, methodology) }, year);
}

const byAlly = (l: YearLedger, ally: string) => l.allies.find((a) => a.ally === ally)!;

describe('a ledger', () => {
  const ledger = ledgerOf(baseObservations());

  it('has every line item for every ally, with raw value, score, weight, contribution, rank and sources', () => {
    for (const a of ledger.allies) {
      expect(a.lines.map((l) => l.item)).toEqual(['capability', 'effort', 'resolve', 'disputes', 'gap']);
      for (const line of a.lines) {
        expect(line.raw).not.toBeNull();
        expect(line.score).toBeGreaterThanOrEqual(0);
        expect(line.score).toBeLessThanOrEqual(100);
        expect(line.rank).toBeGreaterThanOrEqual(1);
        expect(line.sources.length).toBeGreaterThan(0);
      }
    }
    expect(byAlly(ledger, 'DDD').lines[0]).toMatchObject({ raw: 1180, score: 100, rank: 1, weight: 1, sources: ['test-data'] });
  });

  it('totals each side as the weighted mean of its scores, and the net as assets minus liabilities', () => {
    for (const a of ledger.allies) {
      const sum = (side: string) => a.lines.filter((l) => l.side === side).reduce((s, l) => s + l.contribution!, 0);
      expect(a.assets).toBeCloseTo(sum('asset'));
      expect(a.liabilities).toBeCloseTo(sum('liability'));
      expect(a.net).toBeCloseTo(a.assets! - a.liabilities!);
      const assetScores = a.lines.filter((l) => l.side === 'asset').map((l) => l.score!);
      expect(a.assets).toBeCloseTo(assetScores.reduce((s, x) => s + x, 0) / 3);
    }
  });

  it('excludes a missing item for that ally, renormalizes the other weights, and says so', () => {
    const observations = baseObservations().filter((o) => !(o.country === 'BBB' && o.indicator === 'disputes'));
    const l = byAlly(ledgerOf(observations), 'BBB');
    const disputes = l.lines.find((x) => x.item === 'disputes')!;
    expect(disputes).toMatchObject({ missing: true, imputed: false, score: null, contribution: null, share: 0 });
    expect(disputes.reason).toBe('no disputes for BBB in 2022-2024');
    expect(l.lines.find((x) => x.item === 'gap')!.share).toBe(1);
    expect(l.liabilities).toBeCloseTo(l.lines.find((x) => x.item === 'gap')!.score!);
    expect(l.coverage).toMatchObject({ assets: 1, liabilities: 0.5, overall: 0.8, itemsObserved: 4, itemsMissing: 1, itemsImputed: 0, itemsTotal: 5 });
  });

  it('imputes with a flag when the item says so', () => {
    const observations = baseObservations().filter((o) => !(o.country === 'BBB' && o.indicator === 'disputes'));
    const evidence = fixtureEvidence(observations);
    const m = fixtureMethodology(evidence);
    const methodology = { ...m, items: m.items.map((i) => (i.id === 'disputes' ? { ...i, missing: { policy: 'impute' as const, with: 'median' as const } } : i)) };
    const l = byAlly(computeLedger({ evidence, methodology, judgments: fixtureJudgments(evidence, methodology) }, 2024), 'BBB');
    const line = l.lines.find((x) => x.item === 'disputes')!;
    expect(line).toMatchObject({ missing: true, imputed: true, raw: null });
    // Median of the others' scores: AAA 0, CCC 33.3, DDD 100, EEE 0 -> 16.7.
    expect(line.score).toBeCloseTo(50 / 3);
    expect(l.coverage.itemsImputed).toBe(1);
  });

  it('does not rank an ally whose coverage is below the minimum', () => {
    const observations = baseObservations().filter((o) => !(o.country === 'CCC' && ['disputes', 'spending', 'share_gdp'].includes(o.indicator)));
    const l = ledgerOf(observations);
    expect(byAlly(l, 'CCC')).toMatchObject({ ranked: false, rank: null });
    expect(l.rankedCount).toBe(4);
  });

  it('ranks by net, 1 = highest', () => {
    const ranked = [...ledger.allies].sort((a, b) => a.rank! - b.rank!);
    for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1].net!).toBeGreaterThanOrEqual(ranked[i].net!);
    expect(ranked[0].ally).toBe('DDD');
  });
});

describe('years', () => {
  it('the latest year is the last in which the listed indicators cover the stated share of allies', () => {
    const evidence = fixtureEvidence([...baseObservations(), obs('AAA', 'spending', 2025, 120), obs('BBB', 'spending', 2025, 400), obs('CCC', 'spending', 2025, 60)]);
    expect(latestYear({ evidence, methodology: fixtureMethodology(evidence) })).toBe(2025);
    const sparse = fixtureEvidence([...baseObservations(), obs('AAA', 'spending', 2025, 120)]);
    expect(latestYear({ evidence: sparse, methodology: fixtureMethodology(sparse) })).toBe(2024);
  });

  it('computes a ledger for every year from the first to the latest', () => {
    const evidence = fixtureEvidence();
    const methodology = fixtureMethodology(evidence);
    const series = computeLedgerSeries({ evidence, methodology, judgments: fixtureJudgments(evidence, methodology) });
    expect(series.map((l) => l.year)).toEqual([2020, 2021, 2022, 2023, 2024]);
    // Disputes are coded only for 2024: earlier years are missing within the window, never zero.
    expect(byAlly(series[0], 'BBB').lines.find((l) => l.item === 'disputes')!.missing).toBe(true);
    expect(byAlly(series[3], 'BBB').lines.find((l) => l.item === 'disputes')!.missing).toBe(true);
  });
});

describe('burden-sharing ratios (DoD method)', () => {
  it('share of the total contribution over share of the total GDP, over the countries with both', () => {
    const evidence = fixtureEvidence();
    const report = computeBurdenSharing(evidence, fixtureMethodology(evidence), 2024);
    const spending = [100, 400, 50, 1000, 20].map((x) => x * 1.18);
    const gdp = [1, 2, 3, 4, 5].map((x) => x * 1e11);
    // RVA (an extra country) has spending but no GDP: not counted.
    const total = spending.reduce((s, x) => s + x, 0);
    const gdpTotal = gdp.reduce((s, x) => s + x, 0);
    ALLIES.forEach((a, i) => {
      const cell = report.rows.find((r) => r.country === a)!.cells.spending;
      expect(cell.ratio).toBeCloseTo((spending[i] / total) / (gdp[i] / gdpTotal));
    });
    expect(report.contributions[0]).toMatchObject({ counted: 5, missing: [] });
    expect(report.rows.find((r) => r.country === 'RVA')!.cells.spending.reason).toMatch(/no gdp/);
    // A fair share is 1 on average, weighted by GDP.
    const weighted = ALLIES.reduce((s, a, i) => s + report.rows.find((r) => r.country === a)!.cells.troops.ratio! * gdp[i] / gdpTotal, 0);
    expect(weighted).toBeCloseTo(1);
  });
});

// ───────────── properties ─────────────

const allyValues = (min: number, max: number) => fc.array(fc.double({ min, max, noNaN: true }), { minLength: 5, maxLength: 5 });

interface Scenario {
  spending: number[];
  share: number[];
  disputes: number[];
  distance: number[];
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  spending: allyValues(1, 1e5),
  share: allyValues(0, 8),
  disputes: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 5, maxLength: 5 }),
  distance: allyValues(100, 15000),
});

function scenarioObservations(s: Scenario): Observation[] {
  const out: Observation[] = [];
  ALLIES.forEach((a, i) => {
    for (let y = 2020; y <= 2024; y++) {
      out.push(obs(a, 'spending', y, s.spending[i]));
      out.push(obs(a, 'share_gdp', y, s.share[i]));
      out.push(obs(a, 'gdp', y, 1e11));
    }
    out.push(obs(a, 'disputes', 2024, s.disputes[i]));
    out.push(obs(a, 'distance', 2024, s.distance[i], { counterpart: 'RVA' }));
    out.push(obs(a, 'distance', 2024, s.distance[i] + 1, { counterpart: 'RVB' }));
  });
  for (let y = 2020; y <= 2024; y++) out.push(obs('RVA', 'spending', y, 3e4), obs('RVB', 'spending', y, 900));
  return out;
}

const bump = (values: number[], ally: number, by: number) => values.map((v, i) => (i === ally ? v + by : v));

describe('properties', () => {
  it('raising an asset indicator never lowers the net', () => {
    fc.assert(fc.property(scenario, fc.integer({ min: 0, max: 4 }), fc.double({ min: 0.01, max: 5, noNaN: true }), (s, ally, by) => {
      const before = byAlly(ledgerOf(scenarioObservations(s)), ALLIES[ally]).net!;
      const share = byAlly(ledgerOf(scenarioObservations({ ...s, share: bump(s.share, ally, by) })), ALLIES[ally]).net!;
      const spending = byAlly(ledgerOf(scenarioObservations({ ...s, spending: bump(s.spending, ally, by * 1000) })), ALLIES[ally]).net!;
      expect(share).toBeGreaterThanOrEqual(before - 1e-9);
      expect(spending).toBeGreaterThanOrEqual(before - 1e-9);
    }), { numRuns: 40 });
  });

  it('raising a liability indicator never raises the net', () => {
    fc.assert(fc.property(scenario, fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 3 }), (s, ally, by) => {
      const before = byAlly(ledgerOf(scenarioObservations(s)), ALLIES[ally]).net!;
      const after = byAlly(ledgerOf(scenarioObservations({ ...s, disputes: bump(s.disputes, ally, by) })), ALLIES[ally]).net!;
      expect(after).toBeLessThanOrEqual(before + 1e-9);
    }), { numRuns: 40 });
  });

  it('scores stay in 0-100, contributions follow the weights, ranks are a permutation', () => {
    fc.assert(fc.property(scenario, fc.array(fc.double({ min: 0.05, max: 10, noNaN: true }), { minLength: 5, maxLength: 5 }), (s, weights) => {
      const evidence = fixtureEvidence(scenarioObservations(s));
      const base = fixtureMethodology(evidence);
      const methodology = { ...base, items: base.items.map((item, k) => ({ ...item, weight: weights[k] })) };
      const ledger = computeLedger({ evidence, methodology, judgments: fixtureJudgments(evidence, methodology) }, 2024);
      for (const a of ledger.allies) {
        for (const side of ['asset', 'liability'] as const) {
          const lines = a.lines.filter((l) => l.side === side && l.score !== null);
          const total = lines.reduce((t, l) => t + l.weight, 0);
          for (const l of lines) {
            expect(l.score).toBeGreaterThanOrEqual(0);
            expect(l.score).toBeLessThanOrEqual(100);
            // Weights honoured: each line's share of its side is its weight over the side's weights.
            expect(l.share).toBeCloseTo(l.weight / total, 12);
            expect(l.contribution).toBeCloseTo(l.share * l.score!, 9);
          }
        }
        expect(a.net).toBeGreaterThanOrEqual(-100 - 1e-9);
        expect(a.net).toBeLessThanOrEqual(100 + 1e-9);
      }
      const ranks = ledger.allies.map((a) => a.rank).sort((x, y) => x! - y!);
      expect(ranks).toEqual([1, 2, 3, 4, 5]);
    }), { numRuns: 40 });
  });
});
