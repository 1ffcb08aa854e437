// The theaters side by side, held against the ledgers they come from: each region's median is
// the median of its ranked allies' nets, a line's mean points are over the allies with a score
// (the others listed as missing, never counted as zero), the series has one row per ledger year
// with that year's allies, and the robustness share is a deterministic fraction of the draws.
import { beforeAll, describe, expect, it } from 'vitest';
import { compareTheaters, quartiles, regionRobustness } from '../../src/analyses/regions.ts';
import type { RegionsReport } from '../../src/analyses/regions.ts';
import { loadEvidence } from '../../src/evidence/load.ts';
import { LedgerService } from '../../src/interfaces/api/ledger-service.ts';
import { median } from '../../src/method/explain.ts';
import { drawSettingsOf, scoreMatrix } from '../../src/method/robustness.ts';
import { testEvidenceDir } from '../api/support.ts';

let service: LedgerService;
let report: RegionsReport;

beforeAll(async () => {
  const evidence = await loadEvidence(await testEvidenceDir());
  service = await LedgerService.load(evidence);
  const series = [];
  for (let y = service.years.first; y <= service.years.latest; y++) series.push(service.ledger(y));
  report = compareTheaters(service.ledger(2024), series);
}, 120_000);

describe('the theaters side by side', () => {
  it('gives each region the median and quartiles of its ranked allies\' nets', () => {
    const ledger = service.ledger(2024);
    expect(report.regions).toEqual(['asia', 'europe']);
    for (const d of report.distribution) {
      const nets = ledger.allies.filter((a) => a.region === d.region && a.ranked && !a.partner).map((a) => a.net!);
      expect(d.net.n).toBe(nets.length);
      expect(d.net.median).toBeCloseTo(median(nets)!, 10);
      expect(d.net.q1!).toBeLessThanOrEqual(d.net.median!);
      expect(d.net.q3!).toBeGreaterThanOrEqual(d.net.median!);
      expect(d.allies.map((a) => a.ally).sort()).toEqual(ledger.allies.filter((a) => a.region === d.region && !a.partner).map((a) => a.ally).sort());
    }
    // Japan is in Asia, Germany in Europe, with their ledger nets and global ranks.
    const jpn = report.distribution[0].allies.find((a) => a.ally === 'JPN')!;
    expect(jpn.net).toBe(ledger.allies.find((a) => a.ally === 'JPN')!.net);
    expect(jpn.rank).toBe(ledger.allies.find((a) => a.ally === 'JPN')!.rank);
    expect(report.distribution[1].allies.some((a) => a.ally === 'DEU')).toBe(true);
    expect(report.medianGap).toBeCloseTo(report.distribution[0].net.median! - report.distribution[1].net.median!, 10);
  });

  it('averages a line\'s points over the allies with a score, listing the others as missing', () => {
    const ledger = service.ledger(2024);
    for (const item of report.items) {
      for (const r of item.byRegion) {
        const group = ledger.allies.filter((a) => a.region === r.region && a.ranked && !a.partner);
        const scored = group.map((a) => a.lines.find((l) => l.item === item.item)!).filter((l) => l.score !== null && l.contribution !== null);
        expect(r.n + r.missing.length).toBe(group.length);
        expect(r.n).toBe(scored.length);
        if (scored.length) {
          const sign = item.side === 'asset' ? 1 : -1;
          expect(r.mean!).toBeCloseTo(scored.reduce((t, l) => t + sign * l.contribution!, 0) / scored.length, 10);
        } else expect(r.mean).toBeNull();
      }
    }
    // Sorted by the size of the difference; some line lacks a score for some ally and says so.
    const diffs = report.items.map((i) => (i.difference === null ? -1 : Math.abs(i.difference)));
    expect([...diffs].sort((a, b) => b - a)).toEqual(diffs);
    expect(report.items.some((i) => i.byRegion.some((r) => r.missing.length > 0))).toBe(true);
    for (const i of report.items.filter((x) => x.byRegion.some((r) => r.n > 0))) expect(i.sources.length, i.item).toBeGreaterThan(0);
  });

  it('has one row per ledger year, each from that year\'s ledger', () => {
    expect(report.series.map((y) => y.year)).toEqual(Array.from({ length: service.years.latest - service.years.first + 1 }, (_, i) => service.years.first + i));
    const y2000 = report.series[0];
    const ledger = service.ledger(y2000.year);
    const europe = ledger.allies.filter((a) => a.region === 'europe' && a.ranked && !a.partner).map((a) => a.net!);
    expect(y2000.byRegion[1].n).toBe(europe.length);
    expect(y2000.byRegion[1].median).toBeCloseTo(median(europe)!, 10);
    // Europe grew from 2000 (NATO's enlargements): more ranked allies in 2024 than in 2000.
    expect(report.series.at(-1)!.byRegion[1].n).toBeGreaterThan(y2000.byRegion[1].n);
  });

  it('counts the draws in which the first region\'s median exceeds the second\'s, the same for the same seed', () => {
    const ledger = service.ledger(2024);
    const settings = drawSettingsOf(service.methodology.robustness, { draws: 300, seed: 7 });
    const run = () => regionRobustness(scoreMatrix(ledger, service.methodology), ledger, ['asia', 'europe'], settings);
    const a = run();
    expect(a.draws).toBe(300);
    expect(a.share).toBeGreaterThanOrEqual(0);
    expect(a.share).toBeLessThanOrEqual(1);
    expect(Number.isInteger(a.share * 300)).toBe(true);
    expect(a.counted).toEqual([report.distribution[0].net.n, report.distribution[1].net.n]);
    expect(a.gap.baseline).toBeCloseTo(report.medianGap!, 10);
    expect(a.gap.low).toBeLessThanOrEqual(a.gap.high);
    expect(run()).toEqual(a);
  });

  it('states quartiles of small groups without inventing values', () => {
    expect(quartiles([])).toMatchObject({ n: 0, median: null, q1: null });
    expect(quartiles([3])).toMatchObject({ n: 1, min: 3, q1: 3, median: 3, q3: 3, max: 3 });
    expect(quartiles([1, 2, 3, 4])).toMatchObject({ q1: 1.5, median: 2.5, q3: 3.5 });
    expect(quartiles([1, 2, 3, 4, 5])).toMatchObject({ q1: 1.5, median: 3, q3: 4.5 });
  });
});
