// Bad scenario files stop with an error that names the file, the line and the field, and the
// CLI exits non-zero. Schema errors are checked on the engine's small fixture evidence (no
// build needed); errors against the real evidence (unknown indicator, target year before the
// data) on the shipped evidence.
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EVIDENCE_DIR } from '../../src/evidence/load.ts';
import { CuratedFileError } from '../../src/evidence/sources.ts';
import { run } from '../../src/interfaces/cli/main.ts';
import { checkScenario, loadScenarios, parseScenario, readScenario } from '../../src/scenarios/index.ts';
import type { ScenarioContext } from '../../src/scenarios/index.ts';
import { fixtureEvidence, fixtureJudgments, fixtureMethodology } from '../method/fixtures.ts';

const EVIDENCE = process.env.ALLIES_EVIDENCE ?? EVIDENCE_DIR;
const built = existsSync(path.join(EVIDENCE, 'observations', 'sipri-milex.csv'));

const HEAD = `scenario: bad
title: A scenario with a mistake in it
description: Written to check that mistakes are reported where they are.
horizon: 2027
sources: [{ source: blankenship-2025, locator: p. 1 }]
changes:
`;

const EMPTY = HEAD.replace('changes:\n', 'changes: []\n');

function change(body: string): string {
  return `${HEAD}  - kind: path
${body}
    rationale: A reason long enough for the schema to accept it.
    citations: [{ source: blankenship-2025, locator: p. 2 }]
`;
}

/** The error a text raises, as { line, field, problem }; the file is checked by each test. */
function errorOf(thunk: () => unknown): CuratedFileError {
  try {
    thunk();
  } catch (e) {
    if (e instanceof CuratedFileError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('the scenario schema', () => {
  it('names the line and field of a malformed path: years that do not increase', () => {
    const text = change(`    allies: [JPN]
    indicator: milex_share_gdp
    points:
      - { year: 2026, value: 1.6 }
      - { year: 2025, value: 2.0 }`);
    const e = errorOf(() => parseScenario('bad.yaml', text));
    expect(e).toMatchObject({ file: 'bad.yaml', line: 12, field: 'changes.0.points.1.year' });
    expect(e.message).toMatch(/^bad\.yaml:12: field "changes\.0\.points\.1\.year": the points' years must increase \(2025 follows 2026\)/);
  });

  it('names a path with a target but no target year', () => {
    const e = errorOf(() => parseScenario('bad.yaml', change('    allies: [JPN]\n    indicator: milex_share_gdp\n    target: 2')));
    expect(e).toMatchObject({ line: 7, field: 'changes.0.year' });
    expect(e.problem).toMatch(/a path with a target needs the target year/);
  });

  it('names an unknown kind of change, a misspelt field and YAML that does not parse', () => {
    expect(errorOf(() => parseScenario('bad.yaml', `${HEAD}  - kind: teleport\n`))).toMatchObject({ line: 7, field: 'changes.0.kind' });
    expect(errorOf(() => parseScenario('bad.yaml', change('    allies: [JPN]\n    indicator: milex_share_gdp\n    targte: 2\n    year: 2027')))).toMatchObject({ field: 'changes.0' });
    expect(errorOf(() => parseScenario('bad.yaml', `${HEAD}  - kind: [unclosed\n`))).toMatchObject({ file: 'bad.yaml', line: 8 });
  });
});

describe('checking against the evidence (fixture)', () => {
  const evidence = fixtureEvidence();
  const methodology = fixtureMethodology(evidence);
  const context: ScenarioContext = { evidence, methodology, judgments: fixtureJudgments(evidence, methodology), present: 2024 };
  const check = (text: string) => errorOf(() => checkScenario(parseScenario('bad.yaml', text.replaceAll('blankenship-2025', 'test-publication')), context));

  it('names an unknown ally, and a known country that is not an ally', () => {
    expect(check(change('    allies: [AAA, ZZZ]\n    indicator: spending\n    target: 2\n    year: 2027'))).toMatchObject({ line: 8, field: 'changes.0.allies.1', problem: 'unknown ally "ZZZ"' });
    expect(check(change('    allies: [RVA]\n    indicator: spending\n    target: 2\n    year: 2027')).problem).toMatch(/RVA \(Country RVA\) is not a covered ally/);
  });

  it('names an unknown indicator and suggests the near one', () => {
    const e = check(change('    allies: [AAA]\n    indicator: spendng\n    target: 2\n    year: 2027'));
    expect(e).toMatchObject({ line: 9, field: 'changes.0.indicator', problem: 'unknown indicator "spendng"' });
    expect(e.hint).toMatch(/did you mean spending\?/);
  });

  it('names a target year before the data, a horizon before the data, and a year beyond the horizon', () => {
    expect(check(change('    allies: [AAA]\n    indicator: spending\n    target: 2\n    year: 2023'))).toMatchObject({
      line: 11, field: 'changes.0.year', problem: 'the target year 2023 is not after the data: AAA spending is observed up to 2024',
    });
    expect(check(EMPTY.replace('horizon: 2027', 'horizon: 2020'))).toMatchObject({ line: 4, field: 'horizon', problem: 'the horizon 2020 is before the data: today\'s ledger year is 2024' });
    expect(check(change('    allies: [AAA]\n    indicator: spending\n    target: 2\n    year: 2030'))).toMatchObject({ field: 'changes.0.year', problem: 'the path ends in 2030, after the horizon 2027' });
  });

  it('names unknown sources, judgments, line items and groups', () => {
    expect(check(EMPTY.replace('source: blankenship-2025', 'source: nobody-2020'))).toMatchObject({ line: 5, field: 'sources.0.source' });
    const because = '    rationale: A reason long enough for the schema to accept it.\n    citations: [{ source: test-publication, locator: p. 2 }]';
    expect(check(`${HEAD}  - kind: judgment\n    allies: [AAA]\n    judgment: resolv\n    value: 2\n${because}\n`)).toMatchObject({ field: 'changes.0.judgment', problem: 'unknown judgment "resolv"' });
    expect(check(`${HEAD}  - kind: judgment\n    allies: [AAA]\n    judgment: resolve\n    value: 7\n${because}\n`)).toMatchObject({ field: 'changes.0.value' });
    expect(check(`${HEAD}  - kind: weight\n    items: [capabilty]\n    factor: 2\n${because}\n`)).toMatchObject({ line: 8, field: 'changes.0.items.0' });
    expect(check(`${HEAD}  - kind: weight\n    items: { group: Nothing }\n    factor: 2\n${because}\n`)).toMatchObject({ field: 'changes.0.items.group' });
  });
});

describe.skipIf(!built)('a bad scenario file at the command line', () => {
  let dir: string;
  let err = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'allies-scenarios-'));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
  const cli = async (...args: string[]) => {
    err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { err += String(chunk); return true; });
    return run(args);
  };

  it('exits 1 naming file, line and field for an unknown indicator', async () => {
    const file = path.join(dir, 'unknown-indicator.yaml');
    await writeFile(file, change('    allies: [JPN]\n    indicator: milex_share_gpd\n    target: 2\n    year: 2027'));
    expect(await cli('scenario', 'run', file, '--evidence', EVIDENCE, '--no-robustness')).toBe(1);
    expect(err).toMatch(/unknown-indicator\.yaml:9: field "changes\.0\.indicator": unknown indicator "milex_share_gpd"\. did you mean milex_share_gdp/);
  });

  it('exits 1 naming file, line and field for a target year before the data', async () => {
    const file = path.join(dir, 'early.yaml');
    await writeFile(file, change('    allies: [JPN]\n    indicator: milex_share_gdp\n    target: 2\n    year: 2024'));
    expect(await cli('scenario', 'show', file, '--evidence', EVIDENCE)).toBe(1);
    expect(err).toMatch(/early\.yaml:11: field "changes\.0\.year": the target year 2024 is not after the data: JPN milex_share_gdp is observed up to 2024/);
  });

  it('exits 1 naming file, line and field for an unknown ally, before reading the evidence for a schema error', async () => {
    const file = path.join(dir, 'ally.yaml');
    await writeFile(file, change('    allies: [JAP]\n    indicator: milex_share_gdp\n    target: 2\n    year: 2027'));
    expect(await cli('scenario', 'run', file, '--evidence', EVIDENCE, '--no-robustness')).toBe(1);
    expect(err).toMatch(/ally\.yaml:8: field "changes\.0\.allies\.0": unknown ally "JAP"/);
    const schema = path.join(dir, 'schema.yaml');
    await writeFile(schema, change('    allies: [JPN]\n    indicator: milex_share_gdp\n    points: [{ year: 2027, value: 2 }, { year: 2026, value: 1 }]'));
    expect(await cli('scenario', 'run', schema, '--evidence', '/nonexistent')).toBe(1);
    expect(err).toMatch(/schema\.yaml:10: field "changes\.0\.points\.1\.year"/);
  });

  it('exits 1 naming a file that does not exist, with the built-in names', async () => {
    expect(await cli('scenario', 'run', 'no-such-scenario', '--evidence', EVIDENCE)).toBe(1);
    expect(err).toMatch(/no-such-scenario\.yaml: cannot read the scenario file \(ENOENT\)\. Give the path of a scenario file or a built-in name: .*japan-2pct-2027/);
  });

  it('loads a valid user file from any path', async () => {
    const file = path.join(dir, 'mine.yaml');
    await writeFile(file, change('    allies: [JPN]\n    indicator: milex_share_gdp\n    target: 1.8\n    year: 2027'));
    const { scenarios } = await loadScenarios([file], { evidenceDir: EVIDENCE });
    expect(scenarios[0].changes[0].origin).toMatch(/mine\.yaml:7$/);
    expect((await readScenario(file)).data.scenario).toBe('bad');
  });
});
