// The method explained: what a point of a line is worth in the net (the methodology's own
// arithmetic, and an ally's ledger with a line missing), the methodology's lines in words,
// and "why this rank", whose differences from the median ally add up to the gap in net.
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../src/evidence/schema.ts';
import { formulaText, methodologyLines, normalizationText, NOT_STATED, pointWorth, whyThisRank } from '../../src/method/explain.ts';
import { computeLedger } from '../../src/method/ledger.ts';
import type { LineItem, Methodology } from '../../src/method/methodology.ts';
import { drawSettingsOf, runRobustness, scoreMatrix } from '../../src/method/robustness.ts';
import { baseObservations, fixtureEvidence, fixtureJudgments, fixtureMethodology } from './fixtures.ts';

function fixture(observations: Observation[] = baseObservations()) {
  const evidence = fixtureEvidence(observations);
  const methodology = fixtureMethodology(evidence);
  const ledger = computeLedger({ evidence, methodology, judgments: fixtureJudgments(evidence, methodology) }, 2024);
  return { evidence, methodology, ledger };
}

/** The fixture's observations without one indicator of one ally. */
function baselineObservationsWithout(ally: string, indicator: string): Observation[] {
  return baseObservations().filter((o) => !(o.country === ally && o.indicator === indicator));
}

/** A methodology of `assets` asset headings of two lines each and `liabilities` liability headings of one line, every heading weight 1. */
function headings(m: Methodology, assets: number, liabilities: number): Methodology {
  const template = m.items[0];
  const items: LineItem[] = [];
  for (let h = 0; h < assets; h++) for (const k of [0, 1]) items.push({ ...template, id: `a${h}_${k}`, side: 'asset', group: `Asset heading ${h}`, weight: 0.5 });
  for (let h = 0; h < liabilities; h++) items.push({ ...template, id: `l${h}`, side: 'liability', group: `Liability heading ${h}`, weight: 1 });
  return { ...m, items };
}

describe('what a point is worth', () => {
  const { methodology } = fixture();

  it('with 11 asset and 8 liability headings of equal weight: a liability heading moves the net by 12.5 points, an asset heading by 9.1', () => {
    const worth = pointWorth(headings(methodology, 11, 8));
    expect(worth.sides.asset).toEqual({ weight: 11, items: 22, headings: 11 });
    expect(worth.sides.liability).toEqual({ weight: 8, items: 8, headings: 8 });
    for (const h of worth.headings.filter((x) => x.side === 'asset')) {
      expect(h.fullRange).toBeCloseTo(100 / 11, 10);
      expect(h.fullRange.toFixed(1)).toBe('9.1');
      expect(h.perPoint).toBeCloseTo(1 / 11, 10);
      expect(h.items).toHaveLength(2);
    }
    for (const h of worth.headings.filter((x) => x.side === 'liability')) {
      expect(h.fullRange).toBe(-12.5);
      expect(h.perPoint).toBe(-0.125);
    }
    // A line is its share of its heading: half an asset heading.
    expect(worth.items.find((i) => i.item === 'a0_0')!.fullRange).toBeCloseTo(100 / 22, 10);
  });

  it('scales with the balance factor of the side', () => {
    const worth = pointWorth({ ...headings(methodology, 11, 8), balance: { assets: 2, liabilities: 0.5 } });
    expect(worth.headings.find((h) => h.side === 'asset')!.fullRange).toBeCloseTo(200 / 11, 10);
    expect(worth.headings.find((h) => h.side === 'liability')!.fullRange).toBe(-6.25);
  });

  it('on the fixture methodology: three asset lines of a third each, two liability lines of a half', () => {
    const worth = pointWorth(methodology);
    expect(worth.items.map((i) => [i.item, Number(i.perPoint.toFixed(4))])).toEqual([
      ['capability', 0.3333], ['effort', 0.3333], ['resolve', 0.3333], ['disputes', -0.5], ['gap', -0.5],
    ]);
    expect(worth.items.every((i) => !i.excluded)).toBe(true);
  });

  it('on an ally\'s ledger uses the ledger\'s own shares: a line the ally lacks is worth nothing, the others of its side more', () => {
    const { methodology: m, ledger } = fixture(baselineObservationsWithout('AAA', 'spending'));
    const aaa = ledger.allies.find((a) => a.ally === 'AAA')!;
    expect(aaa.lines.find((l) => l.item === 'capability')!.score).toBeNull();
    const worth = pointWorth(m, aaa);
    expect(worth.ally).toBe('AAA');
    expect(worth.items.find((i) => i.item === 'capability')).toMatchObject({ excluded: true, perPoint: 0, share: 0 });
    expect(worth.items.find((i) => i.item === 'effort')!.perPoint).toBeCloseTo(0.5, 12);
    expect(worth.sides.asset.weight).toBe(2);
    expect(worth.headings.find((h) => h.group === 'Capability')!.excluded).toEqual(['capability']);
  });

  it('points per score point times the scores give back every ally\'s net', () => {
    const { methodology: m, ledger } = fixture(baselineObservationsWithout('AAA', 'spending'));
    for (const a of ledger.allies) {
      const worth = pointWorth(m, a);
      const net = a.lines.reduce((t, l) => t + (l.score ?? 0) * worth.items.find((i) => i.item === l.item)!.perPoint, 0);
      expect(net).toBeCloseTo(a.net!, 10);
    }
  });
});

describe('the methodology in words', () => {
  const { methodology, evidence } = fixture();

  it('renders measures as formulas with the staleness window', () => {
    expect(formulaText({ op: 'latest', indicator: 'milex_share_gdp' }, 2)).toBe('latest(milex_share_gdp) within 2 years');
    expect(formulaText({ op: 'mean', years: 5, of: { op: 'latest', indicator: 'share_gdp' } }, 2)).toBe('mean over 5 years of share_gdp');
    expect(formulaText({ op: 'gap_to_target', target: 2, direction: 'below', of: { op: 'latest', indicator: 'milex_share_gdp' } }, 3))
      .toBe('max(0, 2 − latest(milex_share_gdp)) (latest values within 3 years)');
    expect(formulaText({ op: 'ratio', numerator: { op: 'latest', indicator: 'spending', country: 'nearest' }, denominator: { op: 'latest', indicator: 'spending', staleness_years: 5 } }, 2))
      .toBe('latest(spending of nearest) / latest(spending) within 5 years (latest values within 2 years)');
    expect(formulaText({ op: 'judgment', judgment: 'resolve' }, 2, methodology)).toBe('judgment(resolve): "Resolve", rated 0-4');
    expect(formulaText({ op: 'latest', indicator: 'flashpoint_severity' }, 0)).toBe('latest(flashpoint_severity) of the ledger year itself');
    expect(formulaText({ op: 'ratio', numerator: { op: 'latest', indicator: 'spending', country: 'nearest' }, denominator: { op: 'allied_total', indicator: 'spending', sharing: 'nearest' } }, 2))
      .toBe('latest(spending of nearest) / sum of latest(spending) over the year\'s allies sharing the ally\'s nearest (latest values within 2 years)');
    expect(normalizationText({ method: 'minmax', scale: 'log', invert: true })).toBe('min-max to 0-100 among the year\'s allies on a log scale, inverted (a higher value scores lower)');
  });

  it('gives every line its construct ("not stated" when missing), formula, weight, point worth, rationale and citation text', () => {
    const stated: Methodology = { ...methodology, items: methodology.items.map((i, k) => (k === 0 ? { ...i, construct: 'Capacity to fight alongside the United States' } : i)) };
    const lines = methodologyLines(stated, new Map(evidence.sources.map((s) => [s.id, s])));
    expect(lines).toHaveLength(methodology.items.length);
    expect(lines[0]).toMatchObject({ item: 'capability', construct: 'Capacity to fight alongside the United States', constructStated: true, formula: 'latest(spending) within 2 years', weight: 1 });
    expect(lines[0].perPoint).toBeCloseTo(1 / 3, 12);
    expect(lines[0].citations).toEqual([{ source: 'test-publication', locator: 'p. 1', title: 'test-publication', citation: 'test-publication' }]);
    expect(lines[1]).toMatchObject({ construct: NOT_STATED, constructStated: false });
    expect(lines.find((l) => l.item === 'disputes')!.headingFullRange).toBe(-50);
  });
});

describe('why this rank', () => {
  const { methodology, ledger } = fixture(baselineObservationsWithout('AAA', 'spending'));
  const ranked = ledger.allies.filter((a) => a.ranked);

  it('the differences from the median ally add up to the ally\'s net minus the reference net, for every ally', () => {
    for (const a of ledger.allies) {
      const why = whyThisRank(ledger, a.ally);
      const sum = why.lines.reduce((t, l) => t + l.difference, 0);
      expect(sum).toBeCloseTo(a.net! - why.reference.net, 10);
      expect(why.reconciliation.residual).toBeCloseTo(0, 10);
      expect(why.gap).toBeCloseTo(a.net! - why.reference.net, 10);
      expect(why.headings.reduce((t, h) => t + h.difference, 0)).toBeCloseTo(sum, 10);
      expect(why.reference.net).toBeCloseTo(why.reference.assets - why.reference.liabilities, 10);
    }
  });

  it('the reference is the median ally: the middle of the other ranked allies by net, its lines signed for the net', () => {
    const why = whyThisRank(ledger, 'BBB');
    const others = ranked.filter((a) => a.ally !== 'BBB').sort((a, b) => a.net! - b.net! || (a.ally < b.ally ? -1 : 1));
    const middle = others.length % 2 ? [others[(others.length - 1) / 2]] : [others[others.length / 2 - 1], others[others.length / 2]];
    expect(why.reference.versus).toEqual(middle.map((a) => a.ally));
    const disputes = why.lines.find((l) => l.item === 'disputes')!;
    const theirs = middle.map((a) => a.lines.find((l) => l.item === 'disputes')!.contribution ?? 0);
    expect(disputes.medianPoints).toBeCloseTo(-theirs.reduce((t, x) => t + x, 0) / middle.length, 12);
    expect(disputes.allyPoints).toBeCloseTo(-ledger.allies.find((a) => a.ally === 'BBB')!.lines.find((l) => l.item === 'disputes')!.contribution!, 12);
    expect(why.reference.net).toBeCloseTo(middle.reduce((t, a) => t + a.net!, 0) / middle.length, 12);
    // AAA has no spending: the capability line is scored for the four others.
    expect(why.lines.find((l) => l.item === 'capability')!.scoredAmong).toBe(ranked.length - 1);
  });

  it('lists the lines largest difference first, and says how a missing line is counted', () => {
    const why = whyThisRank(ledger, 'AAA');
    const sizes = why.lines.map((l) => Math.abs(l.difference));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    const capability = why.lines.find((l) => l.item === 'capability')!;
    expect(capability).toMatchObject({ allyMissing: true, allyPoints: 0, allyScore: null });
    expect(capability.difference).toBeCloseTo(-capability.medianPoints, 12);
    expect(why.notes.join(' ')).toMatch(/without a score for Country AAA count 0 points/);
  });

  it('gives the rank, the neighbours, the band of a robustness run and the ally\'s point worths', () => {
    const robustness = runRobustness(scoreMatrix(ledger, methodology), drawSettingsOf(methodology.robustness, { draws: 500 }), 0.9);
    const third = ranked.find((a) => a.rank === 3)!;
    const why = whyThisRank(ledger, third.ally, { robustness, methodology, neighbours: 1 });
    expect(why.rank).toBe(3);
    expect(why.neighbours.map((n) => n.rank)).toEqual([2, 4]);
    for (const n of why.neighbours) expect(n.gap).toBeCloseTo(n.net - third.net!, 12);
    const band = robustness.allies.find((a) => a.ally === third.ally)!;
    expect(why.band).toMatchObject({ low: band.rankInterval[0], high: band.rankInterval[1], draws: 500, interval: 0.9 });
    expect(why.worth?.ally).toBe(third.ally);
    expect(whyThisRank(ledger, ranked.find((a) => a.rank === 1)!.ally, { neighbours: 2 }).neighbours.map((n) => n.rank)).toEqual([2, 3]);
    expect(why.placedAt).toBeNull();
  });

  it('names an ally without a ledger in the year', () => {
    expect(() => whyThisRank(ledger, 'ZZZ')).toThrow(/ZZZ has no ledger in 2024/);
  });
});
