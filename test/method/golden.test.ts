// Golden tests on the shipped evidence ($ALLIES_EVIDENCE, else evidence/): the default
// methodology and judgments load cleanly, Japan's and Poland's ledgers for the latest year
// are complete and carry the published figures, and the CLI prints them.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { EVIDENCE_DIR } from '../../src/evidence/load.ts';
import { CuratedFileError } from '../../src/evidence/sources.ts';
import { registerLedgerCommands } from '../../src/interfaces/cli/commands/ledger.ts';
import { computeBurdenSharing } from '../../src/method/burden.ts';
import { DEFAULT_JUDGMENTS_FILE, DEFAULT_METHODOLOGY_FILE, loadLedgerInputs } from '../../src/method/files.ts';
import type { LedgerInputs } from '../../src/method/files.ts';
import { JudgmentBook } from '../../src/method/judgments.ts';
import { computeLedger, latestYear } from '../../src/method/ledger.ts';
import type { AllyLedger, YearLedger } from '../../src/method/ledger.ts';
import { tAccountText } from '../../src/method/present.ts';

const EVIDENCE = process.env.ALLIES_EVIDENCE ?? EVIDENCE_DIR;
const built = existsSync(path.join(EVIDENCE, 'observations', 'sipri-milex.csv'));

let inputs: LedgerInputs;
let ledger: YearLedger;
const sheet = (ally: string): AllyLedger => ledger.allies.find((a) => a.ally === ally)!;
const line = (ally: string, item: string) => sheet(ally).lines.find((l) => l.item === item)!;

/** Run an `allies` command; resolves to what it printed. */
async function cli(...args: string[]): Promise<string> {
  const program = new Command('allies').exitOverride();
  registerLedgerCommands(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync([...args, '--evidence', EVIDENCE], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe.runIf(built)('the default methodology on the shipped evidence', () => {
  beforeAll(async () => {
    inputs = await loadLedgerInputs({ evidenceDir: EVIDENCE });
    ledger = computeLedger(inputs, latestYear(inputs));
  });

  it('loads, and every judgment item has a default rating for every covered ally in every year', () => {
    const allies = inputs.evidence.allies().map((a) => a.iso3);
    const judgmentIds = Object.keys(inputs.methodology.judgments);
    expect(judgmentIds.length).toBeGreaterThanOrEqual(5);
    const book = new JudgmentBook(inputs.judgments);
    for (let year = inputs.methodology.years.first; year <= ledger.year; year++) expect(book.gaps(judgmentIds, allies, year)).toEqual([]);
    for (const j of inputs.judgments) {
      expect(j.rationale.length).toBeGreaterThan(20);
      expect(j.citations.length).toBeGreaterThan(0);
      expect(j.author).toBeTruthy();
      expect(j.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('the latest year is 2024 (SIPRI 2025 release, DMDC)', () => {
    expect(ledger.year).toBe(2024);
    expect(ledger.rankedCount).toBeGreaterThan(55);
  });

  it('Japan: a complete ledger with the published figures behind it', () => {
    const jpn = sheet('JPN');
    expect(jpn.coverage.overall).toBeGreaterThan(0.9);
    expect(line('JPN', 'military_expenditure').raw).toBeCloseTo(58399.28, 1);
    expect(line('JPN', 'defense_effort').raw).toBeCloseTo(1.3714, 3);
    // DMDC's permanent count; no rotation is reported for Japan.
    expect(line('JPN', 'us_forces_hosted').raw).toBe(50786);
    expect(line('JPN', 'obligation_asymmetry').raw).toBe(1);
    // Taiwan Strait (frontline, 4) + Senkaku (party, 3) for China, Korean Peninsula (frontline, 3) for North Korea.
    expect(line('JPN', 'entrapment_exposure').raw).toBe(7);
    // The principal rival is China (Japan's 2022 strategy), not the nearest capital (Pyongyang).
    expect(line('JPN', 'theater_capability_gap').observations.some((o) => o.indicator === 'principal_rival' && o.counterpart === 'CHN')).toBe(true);
    expect(line('JPN', 'domestic_constraints').raw).toBe(3);
    for (const l of jpn.lines) {
      if (l.missing) expect(l.reason).toBeTruthy();
      else {
        expect(l.sources.length, l.item).toBeGreaterThan(0);
        expect(l.contribution).not.toBeNull();
      }
    }
    expect(jpn.net).toBeCloseTo(jpn.assets! - jpn.liabilities!, 12);
  });

  it('Poland: a complete ledger; items without data say so and leave the others renormalized', () => {
    const pol = sheet('POL');
    expect(pol.coverage.overall).toBeGreaterThan(0.85);
    expect(line('POL', 'military_expenditure').raw).toBeCloseTo(34488.35, 1);
    expect(line('POL', 'defense_effort').raw).toBeCloseTo(4.1544, 3);
    expect(line('POL', 'obligation_asymmetry').raw).toBe(0);
    // Two years below 2% in the decade (2015, 2016): a fraction of a point-year.
    expect(line('POL', 'spending_shortfall').raw).toBeGreaterThan(0);
    expect(line('POL', 'spending_shortfall').raw).toBeLessThan(0.5);
    const trade = line('POL', 'china_trade_dependence');
    expect(trade).toMatchObject({ missing: true, score: null, contribution: null });
    expect(trade.reason).toMatch(/no trade_share_china_pct for POL/);
    const assets = pol.lines.filter((l) => l.side === 'asset' && l.score !== null);
    expect(assets.reduce((s, l) => s + l.share, 0)).toBeCloseTo(1, 12);
    // Poland spends far more of its GDP than Japan, and owes the U.S. defense in return.
    expect(pol.liabilities!).toBeLessThan(sheet('JPN').liabilities!);
  });

  it('burden-sharing ratios: Poland carries more than its share of defense spending, Japan less', () => {
    const report = computeBurdenSharing(inputs.evidence, inputs.methodology, ledger.year);
    const ratio = (iso: string) => report.rows.find((r) => r.country === iso)!.cells.defense_spending.ratio!;
    expect(ratio('POL')).toBeGreaterThan(1);
    expect(ratio('JPN')).toBeLessThan(1);
    expect(ratio('USA')).toBeGreaterThan(1);
  });

  it('the T-account shows every line with value, score, weight, contribution and sources, and the coverage', () => {
    const text = tAccountText(sheet('POL'), ledger);
    for (const l of sheet('POL').lines) expect(text).toContain(l.label);
    expect(text).toMatch(/ASSETS .* │ LIABILITIES/);
    expect(text).toContain('sipri-milex-2025');
    expect(text).toMatch(/Coverage: \d+% of the line-item weight/);
    expect(text).toMatch(/Net [+−]\d/);
    expect(text).toMatch(/Trade dependence on China \[\d\] +missing/);
  });
});

describe.runIf(built)('the ledger commands', () => {
  it('allies sheet JPN and allies sheet Poland --md print complete ledgers', async () => {
    const jpn = await cli('sheet', 'JPN');
    expect(jpn).toContain('Japan (JPN): balance sheet 2024');
    expect(jpn).toContain('Coverage:');
    const pol = await cli('sheet', 'Poland', '--md');
    expect(pol).toContain('| Assets | Liabilities |');
    expect(pol).toContain('missing (no trade_share_china_pct for POL');
  });

  it('sheet --json and --csv carry every line with its sources', async () => {
    const json = JSON.parse(await cli('sheet', 'JPN', '--json')) as AllyLedger;
    expect(json.lines).toHaveLength(inputs.methodology.items.length);
    expect(json.lines).toHaveLength(26);
    expect(json.lines.every((l) => l.sources.length > 0)).toBe(true);
    const csv = await cli('sheet', 'POL', '--csv');
    expect(csv.split('\n')[0]).toBe('year,ally,side,line_group,item,label,raw,low,high,unit,score,weight,share,contribution,rank,ranked_among,missing,imputed,flags,sources,reason');
    expect(csv).toContain('POL,asset,Military capability,military_expenditure');
  });

  it('rank --region asia ranks only Asian allies, with their overall ranks', async () => {
    const out = await cli('rank', '--region', 'asia', '--json');
    const rows = (JSON.parse(out) as { rows: { ally: string; region: string }[] }).rows;
    expect(rows.map((r) => r.region).every((r) => r === 'asia')).toBe(true);
    expect(rows.map((r) => r.ally)).toContain('JPN');
  });

  it('robustness: the same seed prints the same result', async () => {
    const a = await cli('robustness', '--draws', '2000', '--seed', '3', '--no-sweep', '--threads', '1');
    const b = await cli('robustness', '--draws', '2000', '--seed', '3', '--no-sweep', '--threads', '1');
    expect(a).toBe(b);
    expect(a).toContain('2,000 draws, seed 3');
    expect(a).toMatch(/P\(net>0\)/);
  });

  it('burden prints the DoD ratios', async () => {
    const out = await cli('burden', '--year', '2022');
    expect(out).toContain('Burden-sharing ratios, 2022 (DoD method)');
    expect(out).toMatch(/POL +Poland/);
  });

  it('a user\'s methodology with a weight changed gives a different ledger; one with a bad weight fails naming file, line and field', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'allies-cli-'));
    const text = await readFile(DEFAULT_METHODOLOGY_FILE, 'utf8');
    const heavier = path.join(dir, 'heavier.yaml');
    await writeFile(heavier, text.replace(/(- id: obligation_asymmetry[\s\S]*?)weight: 1\n/, '$1weight: 4\n'));
    const before = JSON.parse(await cli('sheet', 'JPN', '--json')) as AllyLedger;
    const after = JSON.parse(await cli('sheet', 'JPN', '--json', '--method', heavier)) as AllyLedger;
    expect(after.liabilities).toBeGreaterThan(before.liabilities!);
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, text.replace(/(- id: obligation_asymmetry[\s\S]*?)weight: 1\n/, '$1weight: "one"\n'));
    const error = await cli('sheet', 'JPN', '--method', bad).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(CuratedFileError);
    expect((error as CuratedFileError).message).toMatch(new RegExp(`^${bad}:\\d+: field "items\\.\\d+\\.weight"`));
  });

  it('a judgment outside its scale or an unknown ally in a user\'s judgments fails naming file, line and field', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'allies-cli-'));
    const head = 'judgments: mine\nversion: 1.0.0\ndescription: Mine.\nauthor: A. User\ndate: 2025-01-01\nentries:\n';
    const outside = path.join(dir, 'outside.yaml');
    await writeFile(outside, `${head}  - { judgment: domestic_constraints, ally: JPN, value: 7, low: 6, high: 7, rationale: Out of range on purpose for the test., citations: [{ source: constitution-japan-1946 }] }\n`);
    await expect(cli('sheet', 'JPN', '--judgments', outside)).rejects.toThrow(new RegExp(`^${outside}:7: field "entries\\.0\\.value": value 7 is outside the scale`));
    const unknown = path.join(dir, 'unknown.yaml');
    await writeFile(unknown, `${head}  - { judgment: domestic_constraints, ally: XXX, value: 1, low: 0, high: 2, rationale: An ally that is not covered at all., citations: [{ source: constitution-japan-1946 }] }\n`);
    await expect(cli('sheet', 'JPN', '--judgments', unknown)).rejects.toThrow(/unknown\.yaml:7: field "entries\.0\.ally": unknown ally code "XXX"/);
    expect(existsSync(DEFAULT_JUDGMENTS_FILE)).toBe(true);
  });

  it('an ally that is not covered is an error listing what is accepted', async () => {
    await expect(cli('sheet', 'Atlantis')).rejects.toThrow(/"Atlantis" is not a covered ally/);
  });
});
