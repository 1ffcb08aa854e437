// Tiers, similarity and interests: the clustering and distances on small profiles with known
// answers, the interest map held against the default methodology, then the real ledger.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evidence } from '../../src/evidence/load.ts';
import { loadSourceRegistry } from '../../src/evidence/sources.ts';
import { DEFAULT_JUDGMENTS_FILE, DEFAULT_METHODOLOGY_FILE, evidenceCatalog, loadJudgments } from '../../src/method/files.ts';
import { computeLedger, latestYear } from '../../src/method/ledger.ts';
import type { AllyLedger, LedgerLine, YearLedger } from '../../src/method/ledger.ts';
import { checkMethodology, indicatorsOf, parseMethodology } from '../../src/method/methodology.ts';
import type { Methodology } from '../../src/method/methodology.ts';
import { DEFAULT_CURATED_DIR } from '../../src/pipeline/build.ts';
import { DEFAULT_INTERESTS_FILE } from '../../src/analyses/files.ts';
import { checkInterestMap, interestProfile, parseInterestMap } from '../../src/analyses/interests.ts';
import { profileDistance, profileMatrix } from '../../src/analyses/profiles.ts';
import type { ProfileMatrix } from '../../src/analyses/profiles.ts';
import { compareRegions, similarAllies } from '../../src/analyses/similarity.ts';
import { allyTiers, commitmentLevels, cutTree, wardClustering } from '../../src/analyses/tiers.ts';
import type { CommitmentLevel } from '../../src/analyses/tiers.ts';
import { ALLIANCE_NEEDS, testEvidence } from './support.ts';

const robustness: Methodology['robustness'] = {
  draws: 100, seed: 1, interval: 0.9, weights: { scheme: 'multiplier', low: 0.5, high: 2 }, sweep: [], data: false, judgments: false,
};

/** Six allies on two items: a strong group (A, B, C) and a weak one (D, E, F). */
function fixtureMatrix(): ProfileMatrix {
  const scores: Record<string, [number | null, number | null]> = {
    A: [90, 85], B: [88, 90], C: [92, 80], D: [10, 15], E: [15, 10], F: [12, null],
  };
  return {
    year: 2024,
    methodology: { id: 'fixture', version: '1.0.0' },
    items: [
      { id: 'capability', label: 'Capability', side: 'asset', weight: 1 },
      { id: 'effort', label: 'Effort', side: 'asset', weight: 1 },
    ],
    allies: Object.entries(scores).map(([ally, s], i) => ({
      ally, name: ally, region: i < 3 ? 'asia' : 'europe', scores: s, assets: (s[0]! + (s[1] ?? s[0]!)) / 2, liabilities: 0,
      net: (s[0]! + (s[1] ?? s[0]!)) / 2, coverage: 1, ranked: true, sources: [['fixture'], ['fixture']],
    })),
  };
}

describe('Ward clustering', () => {
  it('merges the closest pairs first and cuts the tree into the expected groups', () => {
    const merges = wardClustering([[0], [1], [10], [11], [30]]);
    expect(merges.slice(0, 2).map((m) => [m.a, m.b])).toEqual([[0, 1], [2, 3]]);
    expect(merges.map((m) => m.height)).toEqual([...merges.map((m) => m.height)].sort((a, b) => a - b));
    expect(cutTree(5, merges, 3)).toEqual([0, 0, 1, 1, 2]);
    expect(cutTree(5, merges, 5)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('tiers, similarity and regions on a fixture', () => {
  const levels = new Map<string, CommitmentLevel>(['A', 'B', 'C', 'D', 'E', 'F'].map((a) => [a, { kind: 'treaty ally', level: 100, basis: 'fixture' }]));

  it('numbers tiers by mean net, explains them by their items, and keeps clear groups stable under weight draws', () => {
    const report = allyTiers(fixtureMatrix(), levels, robustness, { tiers: 2, draws: 50 });
    expect(report.tiers.map((t) => t.members.map((m) => m.ally).sort())).toEqual([['A', 'B', 'C'], ['D', 'E', 'F']]);
    expect(report.tiers[0].meanNet!).toBeGreaterThan(report.tiers[1].meanNet!);
    expect(report.tiers[0].above.map((d) => d.item)).toEqual(expect.arrayContaining(['capability', 'effort']));
    for (const t of report.tiers) for (const m of t.members) expect(m.stability).toBe(1);
    expect(report.tiers[1].members.find((m) => m.ally === 'F')!.imputed).toEqual(['effort']);
    expect(() => allyTiers(fixtureMatrix(), levels, robustness, { tiers: 9 })).toThrow(/number of tiers must be a whole number from 2 to 6/);
  });

  it('finds the most similar and most different allies, and the items that separate them', () => {
    const m = fixtureMatrix();
    const r = similarAllies(m, 'A', { count: 2 });
    expect(r.mostSimilar.map((n) => n.ally)).toEqual(['B', 'C']);
    // Distances: F 78 (capability only), D 75.2, E 75.0.
    expect(r.mostDifferent.map((n) => n.ally)).toEqual(['F', 'D']);
    expect(r.mostDifferent[1].apart[0]).toMatchObject({ item: 'capability', a: 90, b: 10, difference: -80 });
    // F shares only one of two equally weighted items with A: exactly half, still compared.
    expect(profileDistance(m.items, m.allies[0].scores, m.allies[5].scores)).toEqual({ distance: 78, sharedWeight: 0.5 });
    expect(() => similarAllies(m, 'ZZZ')).toThrow(/ZZZ is not in the ledger/);
  });

  it('compares two regions item by item', () => {
    const c = compareRegions(fixtureMatrix(), 'asia', 'europe');
    expect(c.allies).toEqual([['A', 'B', 'C'], ['D', 'E', 'F']]);
    expect(c.items.find((i) => i.item === 'capability')).toMatchObject({ a: { mean: 90, n: 3 }, b: { mean: expect.closeTo(12.33, 2), n: 3 } });
    expect(c.items.find((i) => i.item === 'effort')!.b.n).toBe(2);
  });
});

describe('the interest map (methods/interests.yaml)', () => {
  it('maps every line item of the default methodology once, citing registered sources', async () => {
    const sources = new Set((await loadSourceRegistry(DEFAULT_CURATED_DIR)).map((s) => s.id));
    const map = parseInterestMap(DEFAULT_INTERESTS_FILE, await readFile(DEFAULT_INTERESTS_FILE, 'utf8'), sources);
    const methodology = parseMethodology(DEFAULT_METHODOLOGY_FILE, await readFile(DEFAULT_METHODOLOGY_FILE, 'utf8')).data;
    expect(() => checkInterestMap(map, methodology)).not.toThrow();
    const lacking = { ...methodology, items: [...methodology.items, { ...methodology.items[0], id: 'new_item' }] };
    expect(() => checkInterestMap(map, lacking)).toThrow(/line item "new_item" \(asset\) is not mapped/);
  });

  it('stops on an interest the file does not define, naming the line and field', async () => {
    const text = (await readFile(DEFAULT_INTERESTS_FILE, 'utf8')).replace('serves: [network]', 'serves: [netwrok]');
    expect(() => parseInterestMap('interests.yaml', text)).toThrow(/interests\.yaml:\d+: field "assets\.\d+\.serves\.0": "netwrok" is not an interest/);
  });

  it('weighs each interest by the points of the ally\'s lines behind it; missing lines stay missing', async () => {
    const map = parseInterestMap(DEFAULT_INTERESTS_FILE, await readFile(DEFAULT_INTERESTS_FILE, 'utf8'));
    const line = (item: string, side: 'asset' | 'liability', contribution: number | null): LedgerLine => ({
      item, side, group: '', label: item, unit: '', raw: contribution, low: null, high: null, score: contribution, weight: 1, share: 0.5,
      contribution, rank: null, rankedAmong: 0, missing: contribution === null, imputed: false, reason: null, flags: [], observations: [], judgments: [], tables: [], sources: ['fixture'], stoodIn: [],
    });
    const ledger = {
      ally: 'POL', name: 'Poland', region: 'europe', year: 2024,
      lines: [line('military_expenditure', 'asset', 10), line('us_forces_hosted', 'asset', 4), line('allied_ties', 'asset', null), line('obligation_asymmetry', 'liability', 2)],
    } as unknown as AllyLedger;
    const p = interestProfile(map, ledger);
    expect(p.deterrence.interests).toEqual(['deter-russia']);
    expect(p.interests.find((i) => i.interest === 'deter-russia')!.points).toBe(14);
    expect(p.interests.find((i) => i.interest === 'forward-presence')!.points).toBe(4);
    expect(p.interests.find((i) => i.interest === 'network')!.points).toBeNull();
    expect(p.compromises).toEqual([expect.objectContaining({ compromise: 'unreciprocated-guarantee', points: 2 })]);
    expect(p.missing).toEqual(['allied_ties']);
  });
});

describe('the default ledger (real evidence)', () => {
  let evidence: Evidence;
  let cleanup: () => Promise<void>;
  let ledger: YearLedger;
  let methodology: Methodology;
  beforeAll(async () => {
    const parsed = parseMethodology(DEFAULT_METHODOLOGY_FILE, await readFile(DEFAULT_METHODOLOGY_FILE, 'utf8'));
    ({ evidence, cleanup } = await testEvidence({ tables: [...ALLIANCE_NEEDS.tables, 'exercises'], indicators: indicatorsOf(parsed.data), transforms: 'all' }));
    methodology = checkMethodology(parsed, evidenceCatalog(evidence));
    const judgments = await loadJudgments(evidence, methodology, undefined, DEFAULT_JUDGMENTS_FILE);
    ledger = computeLedger({ evidence, methodology, judgments }, latestYear({ evidence, methodology }));
  });
  afterAll(() => cleanup());

  it('places every ranked ally in exactly one tier, tiers ordered by mean net, stability between 0 and 1', () => {
    const levels = commitmentLevels(evidence, evidence.allies().map((a) => a.iso3), ledger.year);
    expect(levels.get('JPN')!.kind).toBe('treaty ally');
    expect(levels.get('ISR')!.kind).toBe('major non-NATO ally');
    const report = allyTiers(profileMatrix(ledger), levels, methodology.robustness, { draws: 20 });
    const placed = report.tiers.flatMap((t) => t.members.map((m) => m.ally));
    expect(new Set(placed).size).toBe(placed.length);
    expect(placed.length + report.unplaced.length).toBe(ledger.allies.length);
    const means = report.tiers.map((t) => t.meanNet!);
    expect(means).toEqual([...means].sort((a, b) => b - a));
    for (const m of report.tiers.flatMap((t) => t.members)) expect(m.stability!).toBeGreaterThanOrEqual(0);
  });

  it('ranks Japan\'s neighbours by distance and names the items that separate them', () => {
    const r = similarAllies(profileMatrix(ledger), 'JPN');
    const d = r.mostSimilar.map((n) => n.distance);
    expect(d).toEqual([...d].sort((a, b) => a - b));
    expect(r.mostDifferent[0].distance).toBeGreaterThanOrEqual(r.mostSimilar[0].distance);
    expect(r.mostSimilar[0].apart.length).toBeGreaterThan(0);
  });
});
