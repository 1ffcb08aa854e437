// The analysis commands as a user runs them: tables with definitions and sources, --json, and
// errors that say what to fix.
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerAnalysisCommands } from '../../src/interfaces/cli/commands/analyses.ts';
import { EVIDENCE_DIR } from '../../src/evidence/load.ts';
import { claimIndicators, parseClaimRegistry } from '../../src/analyses/claims.ts';
import { DEFAULT_CLAIMS_FILE } from '../../src/analyses/files.ts';
import { ALLIANCE_NEEDS, testEvidence } from './support.ts';

let evidenceDir = EVIDENCE_DIR;
let cleanup: () => Promise<void> = async () => {};

const columns = process.env.COLUMNS;
beforeAll(async () => {
  // Tables at full width whatever $COLUMNS the test runs under (test/cli/table-layout.test.ts fits them).
  process.env.COLUMNS = '10000';
  const registry = parseClaimRegistry(DEFAULT_CLAIMS_FILE, await readFile(DEFAULT_CLAIMS_FILE, 'utf8'));
  const built = await testEvidence({
    tables: [...ALLIANCE_NEEDS.tables, 'exercises'],
    indicators: [...claimIndicators(registry), 'cinc', 'us_base_sites', 'capital_distance_km'],
    sources: [...new Set(registry.claims.map((c) => c.source))],
    transforms: 'all',
  });
  cleanup = built.cleanup;
  evidenceDir = built.dir;
});
afterAll(() => {
  if (columns === undefined) delete process.env.COLUMNS;
  else process.env.COLUMNS = columns;
  return cleanup();
});

async function run(args: string[]): Promise<{ out: string; error: string | null }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out += String(chunk); return true; });
  const program = new Command('allies').exitOverride().configureOutput({ writeErr: () => {}, writeOut: (s) => { out += s; } });
  registerAnalysisCommands(program);
  try {
    await program.parseAsync([...args, ...(args.includes('--help') ? [] : ['--evidence', evidenceDir])], { from: 'user' });
    return { out, error: null };
  } catch (err) {
    return { out, error: err instanceof Error ? err.message : String(err) };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('allies history | claims | asymmetry | network | compare | tiers', () => {
  it('history prints the survival analysis with its definitions and the U.S. alliances in force', async () => {
    const { out, error } = await run(['history']);
    expect(error).toBeNull();
    expect(out).toMatch(/Definitions/);
    expect(out).toMatch(/Kaplan-Meier median: the first age at which the curve falls below one half/);
    expect(out).toMatch(/Censored: in force on 2018-12-31 \(ATOP ineffect = 1\) or recorded in force in 2024 .*whatever ATOP's term code/);
    expect(out).toMatch(/Defense pacts\s+280\s+213\s+67\s+11\.8\s+9\.4 to 17\.0/);
    // The U.S. defense pacts' curve sits at exactly one half from 25.1 years on: not reached.
    expect(out).toMatch(/Defense pacts with the U\.S\.\s+20\s+10\s+10\s+at least 25\.1 \(not reached\)\s+10\.1 to open/);
    expect(out).toMatch(/KM median, Defense pacts with the U\.S\.: at least 25\.1 years \(median not reached: the curve sits at exactly one half from 25\.1 years to the last observation at 71\.3 years/);
    expect(out).toMatch(/Censored although ATOP codes a termination: alliance 3433 \(ATOP term 3, but in force on 2018-12-31/);
    // Both reliability base rates from the literature, each with what it measures.
    expect(out).toMatch(/about 75% of the wars in which they applied, 1816-1944\. \(leeds-long-mitchell-2000/);
    expect(out).toMatch(/about 22% after 1945\. \(berkemeier-fuhrmann-2018/);
    expect(out).toMatch(/Treaty of Mutual Cooperation and Security between Japan/);
    const json = JSON.parse((await run(['history', '--by', 'era', '--json'])).out) as { groups: { group: { id: string } }[] };
    expect(json.groups.map((g) => g.group.id)).toEqual(['era-1815-1913', 'era-1914-1944', 'era-1945-1989', 'era-1990-2018']);
    const us = JSON.parse((await run(['history', '--by', 'us', '--json'])).out) as { groups: { group: { id: string }; kaplanMeier: { median: number | null; medianEstimate: { value: number | null; lowerBound: number; reached: boolean } } }[] };
    const withUs = us.groups.find((g) => g.group.id === 'defense-with-us')!;
    expect(withUs.kaplanMeier.median).toBeNull();
    expect(withUs.kaplanMeier.medianEstimate).toMatchObject({ value: null, reached: false });
    expect(withUs.kaplanMeier.medianEstimate.lowerBound).toBeCloseTo(25.08, 2);
  });

  it('claims gives its verdict on the 15-year claim with the numbers behind it', async () => {
    const list = await run(['claims']);
    expect(list.out).toMatch(/defense-alliance-durations\s+not supported\s+glosserman-2020/);
    const { out } = await run(['claims', 'defense-alliance-durations']);
    expect(out).toMatch(/Verdict: not supported: no definition supports the part "median duration"/);
    expect(out).toMatch(/median duration: stated about 15 years .* -> not supported/);
    expect(out).toMatch(/mean duration: stated about 15 years .* -> depends on the definition/);
    expect(out).toMatch(/11\.8\s+median: Kaplan-Meier, defense pacts/);
    expect(out).toMatch(/47%\s+share lasting 6 years or less: ended defense pacts/);
    expect(out).toMatch(/No single definition makes every part agree/);
  });

  it('asymmetry shows who owes defense to whom, from ATOP', async () => {
    const { out } = await run(['asymmetry', 'Japan']);
    expect(out).toMatch(/Obligations \(overall: U\.S\. guarantee\)/);
    expect(out).toMatch(/us-japan: the U\.S\. owes defense; Japan does not/);
    expect(out).toMatch(/atop-5\.1 \(atop\/atop5_1m\.csv row \d+\)/);
  });

  it('network prints the lattice index, centrality and communities of a year', async () => {
    const { out } = await run(['network', '--year', '2024', '--top', '5']);
    expect(out).toMatch(/Hub and spokes or latticework/);
    expect(out).toMatch(/United States \(USA\)\s+us/);
  });

  it('compare JPN KOR AUS DEU POL GBR prints a side-by-side table with sources', async () => {
    const { out, error } = await run(['compare', 'JPN', 'KOR', 'AUS', 'DEU', 'POL', 'GBR']);
    expect(error).toBeNull();
    expect(out).toMatch(/measure\s+JPN\s+KOR\s+AUS\s+DEU\s+POL\s+GBR\s+sources/);
    expect(out).toMatch(/Who owes defense \(ATOP member level\)\s+U\.S\. guarantee\s+mutual defense/);
    expect(out).toMatch(/Military expenditure, US\$ m \(current\).*sipri-milex-2025/);
    expect(out).toMatch(/U\.S\. active-duty troops hosted.*dmdc-personnel/);
    expect(out).toMatch(/Sources \(run `allies sources` for citations\): .*atop-5\.1/);
  });

  it('tiers prints each tier with its members, what sets it apart, and stability', async () => {
    const { out } = await run(['tiers', '--tiers', '3', '--draws', '10']);
    expect(out).toMatch(/Cluster 1: \d+ allies, mean net/);
    expect(out).toMatch(/same cluster in draws/);
    expect(out).toMatch(/Ward's hierarchical clustering/);
  });

  it('names what is wrong with bad input', async () => {
    expect((await run(['asymmetry', 'Atlantis'])).error).toMatch(/"Atlantis" is not a covered ally/);
    expect((await run(['history', '--by', 'colour'])).error).toMatch(/--by "colour" is not one of/);
    expect((await run(['claims', 'no-such-claim'])).error).toMatch(/unknown claim "no-such-claim"/);
    expect((await run(['network', '--year', '1700'])).error).toMatch(/--year "1700" is not a year/);
    expect((await run(['compare', 'JPN', '--regions', 'asia,atlantis'])).error).toMatch(/--regions "asia,atlantis" must name two regions, e\.g\. asia,europe/);
    expect((await run(['tiers', '--tiers', 'x'])).error).toMatch(/--tiers "x" is not a whole number/);
  });
});
