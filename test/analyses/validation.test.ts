// Validation against published assessments: the assessment files are checked like every curated
// file (errors name file, line and field); the rank correlation is Spearman's; every
// disagreement is explained by line items whose differences add up to the gap; and on the
// shipped evidence `allies validate` reports every assessment. Nothing here asserts that the
// ledger agrees with an assessment: that would make the assessments a target.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CuratedFileError } from '../../src/evidence/sources.ts';
import { DEFAULT_ASSESSMENTS_DIR } from '../../src/analyses/assessment-files.ts';
import {
  averageRanks, explainGap, lineEffect, medianAllies, parseAssessment, spearman, validateAssessment, validationText, VALIDATION_CAVEAT,
} from '../../src/analyses/validation.ts';
import type { Assessment, Drivers, ValidationReport } from '../../src/analyses/validation.ts';
import { registerValidateCommand, runValidation } from '../../src/interfaces/cli/commands/validate.ts';
import { EVIDENCE_DIR } from '../../src/evidence/load.ts';
import type { AllyLedger, LedgerLine, YearLedger } from '../../src/method/ledger.ts';

// --- fixtures ---

type Line = [item: string, side: 'asset' | 'liability', contribution: number | null];

function sheet(ally: string, lines: Line[], ranked = true): AllyLedger {
  const ledgerLines = lines.map(([item, side, contribution]) => ({ item, side, label: `${item} label`, contribution } as LedgerLine));
  const assets = lines.filter((l) => l[1] === 'asset').reduce((s, l) => s + (l[2] ?? 0), 0);
  const liabilities = lines.filter((l) => l[1] === 'liability').reduce((s, l) => s + (l[2] ?? 0), 0);
  return {
    ally, name: `${ally} name`, region: null, year: 2020, lines: ledgerLines, assets, liabilities, net: assets - liabilities,
    coverage: { assets: 1, liabilities: 1, overall: ranked ? 1 : 0.2, itemsObserved: lines.length, itemsImputed: 0, itemsMissing: 0, itemsTotal: lines.length },
    ranked, rank: null, partner: false,
  } as AllyLedger;
}

/** Five allies on three lines: AAA strong, EEE weak, the rest in between. */
function fixtureLedger(): YearLedger {
  const allies = [
    sheet('AAA', [['power', 'asset', 50], ['effort', 'asset', 30], ['risk', 'liability', 10]]),
    sheet('BBB', [['power', 'asset', 40], ['effort', 'asset', 20], ['risk', 'liability', 20]]),
    sheet('CCC', [['power', 'asset', 30], ['effort', 'asset', 25], ['risk', 'liability', 15]]),
    sheet('DDD', [['power', 'asset', 20], ['effort', 'asset', 10], ['risk', 'liability', 25]]),
    sheet('EEE', [['power', 'asset', 10], ['effort', 'asset', null], ['risk', 'liability', 40]]),
    sheet('UUU', [['power', 'asset', 90], ['effort', 'asset', 90], ['risk', 'liability', 0]], false),
  ];
  return { methodology: { id: 'fixture', version: '1' }, year: 2020, allies, rankedCount: 5 } as YearLedger;
}

function assessment(over: Partial<Assessment> = {}): Assessment {
  return {
    id: 'fixture', title: 'Fixture', publisher: 'Test', year: 2021, source: 'test', construct: 'c', measure: 'net',
    compare_year: 2020, compare_year_note: 'n', interpretation: 'i', verified: 'v', not_encoded: '', groups: {}, categories: [],
    claims: [], ...over,
  };
}

const claim = (ally: string, extra: Partial<Assessment['claims'][number]>): Assessment['claims'][number] =>
  ({ ally, locator: 'p. 1', finding: 'f', confidence: 'high', flags: [], note: '', ...extra });

/** Every driver list explains its gap: the lines and the rest add up to it, and the gap is the ally's value less the reference's. */
function expectAddsUp(d: Drivers): void {
  expect(d.lines.reduce((s, l) => s + l.difference, 0) + d.other.difference).toBeCloseTo(d.gap, 9);
  expect(d.allyValue - d.referenceValue).toBeCloseTo(d.gap, 9);
  for (const l of d.lines) expect(l.ally - l.reference).toBeCloseTo(l.difference, 12);
  const sizes = d.lines.map((l) => Math.abs(l.difference));
  expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
}

// --- the file schema ---

const GOOD = `id: test-assessment
title: "A test"
publisher: Test
year: 2020
source: spf-balance-sheet-2019
construct: something
measure: net
compare_year: 2019
compare_year_note: why
interpretation: how
verified: what
groups:
  pair: { members: [JPN, KOR] }
categories:
  - { id: good, label: good, order: 1, expect: [ { measure: net, test: above_median } ] }
  - { id: bad, label: bad, order: 2 }
claims:
  - { ally: JPN, category: good, locator: "p. 1", finding: "good", confidence: high }
  - ally: KOR
    category: bad
    locator: "p. 2"
    finding: "bad"
    confidence: low
`;

function parseError(text: string, registries = { sources: new Set(['spf-balance-sheet-2019']), countries: new Set(['JPN', 'KOR', 'DEU']) }): CuratedFileError {
  try {
    parseAssessment('curated/assessments/test.yaml', text, registries);
  } catch (e) {
    expect(e).toBeInstanceOf(CuratedFileError);
    return e as CuratedFileError;
  }
  throw new Error('the file was accepted');
}

describe('assessment files', () => {
  it('accept a well-formed file', () => {
    const a = parseAssessment('test.yaml', GOOD, { sources: new Set(['spf-balance-sheet-2019']), countries: new Set(['JPN', 'KOR']) });
    expect(a.claims.map((c) => c.category)).toEqual(['good', 'bad']);
    expect(a.groups.pair.members).toEqual(['JPN', 'KOR']);
  });

  it('name the file, the line and the field of a shape error', () => {
    const e = parseError(GOOD.replace('  - { id: bad, label: bad, order: 2 }', '  - { id: bad, label: bad, order: 2, expect: [ { measure: net, test: top } ] }'));
    expect(e.file).toBe('curated/assessments/test.yaml');
    expect(e.field).toBe('categories.1.expect.0.fraction');
    expect(e.line).toBe(16);
    expect(e.message).toMatch(/^curated\/assessments\/test\.yaml:16: field "categories\.1\.expect\.0\.fraction": the test "top" needs a fraction/);
    const wrongType = parseError(GOOD.replace('    confidence: low', '    confidence: sure'));
    expect([wrongType.line, wrongType.field]).toEqual([23, 'claims.1.confidence']);
    const missing = parseError(GOOD.replace('compare_year: 2019\n', ''));
    expect(missing.field).toBe('compare_year');
  });

  it('name the file, the line and the field of a reference error', () => {
    const category = parseError(GOOD.replace('    category: bad', '    category: ugly'));
    expect([category.line, category.field]).toEqual([20, 'claims.1.category']);
    expect(category.problem).toMatch(/unknown category "ugly"; categories of this file: good, bad/);
    const source = parseError(GOOD.replace('source: spf-balance-sheet-2019', 'source: nowhere-2020'));
    expect([source.line, source.field, source.problem]).toEqual([5, 'source', 'unknown source "nowhere-2020"']);
    const ally = parseError(GOOD.replace('  - ally: KOR', '  - ally: XXX'));
    expect([ally.line, ally.field]).toEqual([19, 'claims.1.ally']);
    const group = parseError(GOOD.replace('test: above_median }', 'test: above_median, among: trio }'));
    expect([group.line, group.field]).toEqual([15, 'categories.0.expect.0.among']);
    const twice = parseError(GOOD.replace('  - ally: KOR', '  - ally: JPN'));
    expect(twice.problem).toMatch(/JPN already has a claim/);
    const kinds = parseError(GOOD.replace('    category: bad', '    score: 3'));
    expect([kinds.line, kinds.field]).toEqual([20, 'claims.1.score']);
  });

  it('refuse a claim that neither ranks nor tests nor says why not', () => {
    const e = parseError(GOOD.replace('    category: bad\n', ''));
    expect(e.field).toBe('claims.1.expect');
  });

  it('ship parseable and every one of them cites its source and locates every claim', async () => {
    const { readdir } = await import('node:fs/promises');
    const files = (await readdir(DEFAULT_ASSESSMENTS_DIR)).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const a = parseAssessment(f, await readFile(path.join(DEFAULT_ASSESSMENTS_DIR, f), 'utf8'));
      expect(a.source).not.toBe('');
      for (const c of a.claims) expect(c.locator.length).toBeGreaterThan(3);
    }
  });
});

// --- the statistics ---

describe('Spearman rank correlation', () => {
  it('is 1 - 6 sum d^2 / (n (n^2 - 1)) without ties', () => {
    expect(spearman([10, 20, 30, 40, 50], [1, 3, 2, 5, 4])).toBeCloseTo(0.8, 12);
    expect(spearman([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1, 12);
  });

  it('uses average ranks for ties (Pearson on ranks)', () => {
    expect(averageRanks([5, 7, 7, 1])).toEqual([3, 1.5, 1.5, 4]);
    // ranks x: 1, 2.5, 2.5, 4; y: 1, 2, 3, 4 -> r = 4.5 / sqrt(4.5 x 5)
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 12);
  });

  it('is undefined for fewer than three pairs or without variation', () => {
    expect(spearman([1, 2], [2, 1])).toBeNull();
    expect(spearman([3, 3, 3], [1, 2, 3])).toBeNull();
  });
});

// --- comparing on a hand-made ledger ---

describe('validating an assessment', () => {
  const ledger = fixtureLedger();

  it('correlates ranks with the ledger measure over the allies both cover, with n', () => {
    const v = validateAssessment(assessment({ claims: [claim('AAA', { rank: 1 }), claim('BBB', { rank: 3 }), claim('CCC', { rank: 2 }), claim('EEE', { rank: 4 }), claim('ZZZ', { rank: 5 })] }), ledger);
    // nets: AAA 70, BBB 40, CCC 40, EEE -30 (ZZZ not in the ledger)
    expect(v.rank!.n).toBe(4);
    expect(v.rank!.rho).toBeCloseTo(spearman([-1, -3, -2, -4], [70, 40, 40, -30])!, 12);
    expect(v.notComparable).toEqual([{ ally: 'ZZZ', reason: 'not an ally in the 2020 ledger' }]);
  });

  it('reports an unranked ally as not comparable, and leaves it out of medians and groups', () => {
    const v = validateAssessment(assessment({ claims: [claim('UUU', { expect: [{ measure: 'net', test: 'positive' }] }), claim('CCC', { expect: [{ measure: 'net', test: 'highest' }] })] }), ledger);
    expect(v.claims[0]).toMatchObject({ comparable: false, agrees: null });
    expect(v.claims[0].reason).toMatch(/not ranked in the 2020 ledger \(coverage 20%/);
    expect(v.claims[1].checks[0]).toMatchObject({ holds: false, groupSize: 5, position: 2 });
    expect(v.claims[1].checks[0].drivers!.versus).toMatchObject({ kind: 'ally', allies: ['AAA'] });
  });

  it('counts sign/category agreement over the comparable tested claims', () => {
    const v = validateAssessment(assessment({
      categories: [{ id: 'top', label: 'top', order: 1, expect: [{ measure: 'net', test: 'top', fraction: 0.4 }], note: '' }, { id: 'low', label: 'low', order: 2, note: '' }],
      claims: [claim('AAA', { category: 'top' }), claim('DDD', { category: 'top' }), claim('EEE', { category: 'low' }), claim('BBB', { expect: [{ measure: 'net', test: 'positive' }] })],
    }), ledger);
    expect(v.claims.map((c) => [c.claim.ally, c.tests, c.agrees])).toEqual([['AAA', 'category', true], ['DDD', 'category', false], ['EEE', 'none', null], ['BBB', 'claim', true]]);
    expect(v.agreement).toEqual({ agree: 2, tested: 3, share: 2 / 3 });
    // DDD (net 5) is outside the top 2 of 5: explained against the last ally inside it (BBB, net 40; CCC ties, later by code)
    const d = v.claims[1].checks[0].drivers!;
    expect(d.versus).toMatchObject({ kind: 'ally', allies: ['BBB'] });
    expect(d.gap).toBeCloseTo(-35, 12);
    expectAddsUp(d);
  });

  it('explains a disagreement by the lines that differ most from the median of the other allies, and they add up', () => {
    const v = validateAssessment(assessment({ claims: [claim('EEE', { expect: [{ measure: 'net', test: 'above_median' }] })] }), ledger);
    const check = v.claims[0].checks[0];
    expect(check.holds).toBe(false);
    const d = check.drivers!;
    // the others' nets: AAA 70, BBB 40, CCC 40, DDD 5 -> the median is BBB and CCC averaged
    expect(d.versus.allies).toEqual(['BBB', 'CCC']);
    expect(d.referenceValue).toBeCloseTo(40, 12);
    expect(d.allyValue).toBe(-30);
    expect(d.gap).toBeCloseTo(-70, 12);
    // power 10 against 35, effort 0 (no score) against 22.5, risk -40 against -17.5
    expect(d.lines.map((l) => [l.item, l.difference])).toEqual([['power', -25], ['effort', -22.5], ['risk', -22.5]]);
    expectAddsUp(d);
  });

  it('explains one side with that side\'s lines only', () => {
    const aaa = ledger.allies[0];
    const d = explainGap(aaa, [ledger.allies[3]], 'liabilities', 5, { kind: 'ally', allies: ['DDD'], label: 'DDD' });
    expect(d.lines.map((l) => l.item)).toEqual(['risk']);
    expect(d.gap).toBe(-15);
    expectAddsUp(d);
    expect(lineEffect({ side: 'liability', contribution: 4 } as LedgerLine, 'net')).toBe(-4);
    expect(lineEffect({ side: 'asset', contribution: null } as LedgerLine, 'assets')).toBe(0);
    expect(medianAllies(ledger.allies.slice(0, 5), 'net').map((a) => a.ally)).toEqual(['BBB']);
  });

  it('lists placings far apart with their drivers, and says every time that it is a check, not a target', () => {
    const v = validateAssessment(assessment({ claims: [claim('EEE', { score: 9 }), claim('AAA', { score: 1 }), claim('BBB', { score: 2 }), claim('CCC', { score: 3 }), claim('DDD', { score: 4 })] }), ledger);
    expect(v.rank!.discordant.map((x) => x.ally)).toEqual(['EEE', 'AAA', 'DDD']);
    for (const x of v.rank!.discordant) expectAddsUp(x.drivers);
    const text = validationText({ caveat: VALIDATION_CAVEAT, methodology: ledger.methodology, year: null, assessments: [v] });
    expect(text).toMatch(/not a target: the methodology's weights are never tuned/);
    expect(text).toMatch(/rho = -0\.\d\d, n = 5/);
    expect(text).toMatch(/EEE EEE name: 1st by the assessment, 5th by the ledger/);
  });
});

// --- on the shipped evidence ---

describe('allies validate on the shipped evidence', () => {
  let report: ValidationReport;
  beforeAll(async () => {
    report = await runValidation({ evidence: EVIDENCE_DIR, assessments: DEFAULT_ASSESSMENTS_DIR, drivers: 5 });
  }, 120_000);
  afterEach(() => vi.restoreAllMocks());

  it('reports every shipped assessment against the ledger of its year, each with allies to compare', async () => {
    const { readdir } = await import('node:fs/promises');
    const files = (await readdir(DEFAULT_ASSESSMENTS_DIR)).filter((f) => f.endsWith('.yaml'));
    expect(report.assessments).toHaveLength(files.length);
    expect(report.caveat).toBe(VALIDATION_CAVEAT);
    for (const v of report.assessments) {
      expect(v.year).toBe(v.assessment.compare_year);
      const n = Math.max(v.rank?.n ?? 0, v.agreement?.tested ?? 0);
      expect(n, v.assessment.id).toBeGreaterThan(0);
      if (v.rank && v.rank.n >= 3) expect(v.rank.rho === null || (v.rank.rho >= -1 && v.rank.rho <= 1)).toBe(true);
    }
    expect(report.assessments.map((v) => v.assessment.id)).toEqual(expect.arrayContaining(['spf-2019-balance-sheet', 'dod-2004-cost-sharing', 'aspi-2025-payment-score', 'carnegie-2025-alliance-audit']));
    const spf = report.assessments.find((v) => v.assessment.id === 'spf-2019-balance-sheet')!;
    expect(spf.claims.map((c) => c.claim.ally).sort()).toEqual(['AUS', 'DEU', 'JPN', 'LTU', 'POL', 'TWN']);
  });

  it('explains every disagreement with line items that add up to the gap', () => {
    for (const v of report.assessments) {
      for (const c of v.claims) {
        for (const k of c.checks) {
          if (k.holds === false) {
            expect(k.drivers, `${v.assessment.id} ${c.claim.ally}`).toBeDefined();
            expectAddsUp(k.drivers!);
          } else expect(k.drivers).toBeUndefined();
        }
      }
      for (const x of v.rank?.discordant ?? []) expectAddsUp(x.drivers);
    }
  });

  it('works with any methodology: the 1.x file gives a report of every assessment too, its drivers its own line items', async () => {
    const method = path.resolve(DEFAULT_ASSESSMENTS_DIR, '../../methods/default-1.0.yaml');
    const old = await runValidation({ evidence: EVIDENCE_DIR, assessments: DEFAULT_ASSESSMENTS_DIR, drivers: 3, method });
    expect(old.methodology.version).toMatch(/^1\./);
    expect(old.assessments.map((v) => v.assessment.id)).toEqual(report.assessments.map((v) => v.assessment.id));
    const items = new Set((await import('yaml')).parse(await readFile(method, 'utf8')).items.map((i: { id: string }) => i.id));
    for (const v of old.assessments) {
      for (const d of [...v.claims.flatMap((c) => c.checks.map((k) => k.drivers)), ...(v.rank?.discordant.map((x) => x.drivers) ?? [])]) {
        if (!d) continue;
        expectAddsUp(d);
        expect(d.lines.length).toBeLessThanOrEqual(3);
        for (const l of d.lines) expect(items.has(l.item)).toBe(true);
      }
    }
  }, 120_000);

  it('prints the agreement per assessment and the check-not-target statement, as text and JSON', async () => {
    const run = async (args: string[]) => {
      let out = '';
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out += String(chunk); return true; });
      const program = new Command('allies').exitOverride().configureOutput({ writeErr: () => {} });
      registerValidateCommand(program);
      await program.parseAsync(['validate', ...args], { from: 'user' });
      vi.restoreAllMocks();
      return out;
    };
    // Full-width text whatever $COLUMNS the test runs under (test/cli/table-layout.test.ts fits it).
    const columns = process.env.COLUMNS;
    process.env.COLUMNS = '10000';
    const text = await run(['--only', 'spf-2019-balance-sheet,dod-2004-cost-sharing']).finally(() => {
      if (columns === undefined) delete process.env.COLUMNS;
      else process.env.COLUMNS = columns;
    });
    expect(text).toMatch(/This is a check to report and explain, not a target/);
    expect(text).toMatch(/\[1\] dod-2004-cost-sharing: .*\n[\s\S]*Rank correlation \(Spearman, the assessment's scores against the ledger's net\): (rho = -?\d\.\d\d|not computed)[^\n]*n = 5/);
    expect(text).toMatch(/\[2\] spf-2019-balance-sheet: [\s\S]*Sign\/category agreement: \d of \d tested claims/);
    const json = JSON.parse(await run(['--only', 'lowy-2024-asia-power-index', '--json', '--year', '2023'])) as ValidationReport;
    expect(json.year).toBe(2023);
    expect(json.assessments[0]).toMatchObject({ year: 2023, assessment: { id: 'lowy-2024-asia-power-index', measure: 'assets' } });
    await expect(run(['--only', 'nothing-here'])).rejects.toThrow(/unknown assessment nothing-here/);
  }, 120_000);
});
