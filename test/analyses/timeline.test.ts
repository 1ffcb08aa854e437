// An ally over time, held against the ledgers of every year: the values are those of each
// year's ledger (null, not zero, in years it is no ally), the ties come from the membership
// record with their sources, a move above the threshold names the lines that moved most (their
// changes add up to at most the move), and the two alliance ages state their definitions.
import { beforeAll, describe, expect, it } from 'vitest';
import { readAllianceEvidence } from '../../src/analyses/alliances.ts';
import { usAllianceAges } from '../../src/analyses/history.ts';
import { allianceAges, allyTimeline } from '../../src/analyses/timeline.ts';
import { loadEvidence } from '../../src/evidence/load.ts';
import type { Evidence } from '../../src/evidence/load.ts';
import { LedgerService } from '../../src/interfaces/api/ledger-service.ts';
import type { YearLedger } from '../../src/method/ledger.ts';
import { testEvidenceDir } from '../api/support.ts';

let evidence: Evidence;
let service: LedgerService;
let ledgers: YearLedger[];

beforeAll(async () => {
  evidence = await loadEvidence(await testEvidenceDir());
  service = await LedgerService.load(evidence);
  ledgers = [];
  for (let y = service.years.first; y <= service.years.latest; y++) ledgers.push(service.ledger(y));
}, 120_000);

describe('an ally over time', () => {
  it('takes every year\'s values from that year\'s ledger', () => {
    const t = allyTimeline(evidence, ledgers, 'JPN');
    expect(t.years).toHaveLength(ledgers.length);
    for (const [i, y] of t.years.entries()) {
      const sheet = ledgers[i].allies.find((a) => a.ally === 'JPN')!;
      expect(y).toMatchObject({ year: ledgers[i].year, allied: true, net: sheet.net, assets: sheet.assets, liabilities: sheet.liabilities, rank: sheet.rank, rankedCount: ledgers[i].rankedCount });
    }
  });

  it('leaves the years before an ally joined empty, and marks its accession with a source', () => {
    const t = allyTimeline(evidence, ledgers, 'FIN');
    const before = t.years.filter((y) => y.year < 2023);
    expect(before.every((y) => !y.allied && y.net === null && y.rank === null)).toBe(true);
    expect(t.years.find((y) => y.year === 2023)!.allied).toBe(true);
    const joins = t.events.find((e) => e.kind === 'tie' && e.title === 'Joins NATO')!;
    expect(joins.date).toBe('2023-04-04');
    expect(joins.sources.length).toBeGreaterThan(0);
    expect(t.events.some((e) => e.kind === 'standing' && e.year === 2023)).toBe(true);
  });

  it('names the lines behind every move above the threshold, each with its sources', () => {
    const t = allyTimeline(evidence, ledgers, 'JPN', { thresholds: { net: 5, rank: 5 } });
    const moves = t.events.filter((e) => e.kind === 'move');
    expect(moves.length).toBeGreaterThan(0);
    for (const m of moves) {
      const i = t.years.findIndex((y) => y.year === m.year);
      const dNet = t.years[i].net! - t.years[i - 1].net!;
      const dRank = t.years[i].rank! - t.years[i - 1].rank!;
      expect(Math.abs(dNet) >= 5 || Math.abs(dRank) >= 5).toBe(true);
      expect(m.lines!.length).toBe(3);
      for (const l of m.lines!) expect(l.change).toBeCloseTo((l.after ?? 0) - (l.before ?? 0), 10);
      expect(m.sources.length).toBeGreaterThan(0);
    }
    // A stricter threshold gives fewer moves.
    expect(allyTimeline(evidence, ledgers, 'JPN', { thresholds: { net: 10, rank: 10 } }).events.filter((e) => e.kind === 'move').length).toBeLessThan(moves.length);
  });

  it('states both alliance ages with their definitions: the ledger\'s run and History\'s alliance', () => {
    const { alliances, members, commitments } = readAllianceEvidence(evidence);
    const latest = ledgers[ledgers.length - 1];
    const history = usAllianceAges(alliances, members, latest.year, commitments);
    const sheet = latest.allies.find((a) => a.ally === 'JPN')!;
    const { ages, explained } = allianceAges(sheet, history, 'JPN');
    expect(ages[0].value).toBe(sheet.lines.find((l) => l.item === 'alliance_age')!.raw);
    expect(ages[0].definition).toContain('1951');
    const treaty = ages.find((a) => a.where.includes('ATOP 3375'))!;
    expect(treaty.value).toBeCloseTo(history.find((h) => h.atopid === 3375)!.age, 10);
    expect(treaty.definition).toContain('1960-01-19');
    expect(explained).toMatch(/measure different things/);
  });
});
