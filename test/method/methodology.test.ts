// Methodology and judgment files users edit: bad input is reported with file, line and
// field; a user's own file changes the ledger as it should.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CuratedFileError } from '../../src/evidence/sources.ts';
import { loadJudgments, loadJudgmentsFile, loadMethodology } from '../../src/method/files.ts';
import { overlayJudgments } from '../../src/method/judgments.ts';
import { computeLedger } from '../../src/method/ledger.ts';
import { fixtureEvidence, fixtureJudgments, fixtureMethodology, JUDGMENTS_YAML, METHOD_YAML } from './fixtures.ts';

const evidence = fixtureEvidence();

/** The error a file raises, with its file, line and field. */
function errorOf(run: () => unknown): CuratedFileError {
  try {
    run();
  } catch (e) {
    if (e instanceof CuratedFileError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('bad methodology files', () => {
  it('an unknown indicator: file, line and field', () => {
    const text = METHOD_YAML.replace('measure: { op: latest, indicator: spending }', 'measure: { op: latest, indicator: spendng }');
    const e = errorOf(() => fixtureMethodology(evidence, text, 'my-method.yaml'));
    expect(e.file).toBe('my-method.yaml');
    expect(e.line).toBe(lineOf(text, 'indicator: spendng'));
    expect(e.field).toBe('items.0.measure.indicator');
    expect(e.message).toMatch(/^my-method\.yaml:\d+: field "items\.0\.measure\.indicator": unknown indicator "spendng"/);
  });

  it('an unknown indicator deep in a transform', () => {
    const text = METHOD_YAML.replace('of: { op: latest, indicator: share_gdp }', 'of: { op: latest, indicator: share_of_gdp }');
    const e = errorOf(() => fixtureMethodology(evidence, text, 'my-method.yaml'));
    expect(e.field).toBe('items.1.measure.of.indicator');
    expect(e.line).toBe(lineOf(text, 'share_of_gdp'));
  });

  it('an unparsable weight', () => {
    const text = METHOD_YAML.replace(/(- id: effort[\s\S]*?)weight: 1/, '$1weight: heavy');
    const e = errorOf(() => fixtureMethodology(evidence, text, 'my-method.yaml'));
    expect(e.field).toBe('items.1.weight');
    expect(e.line).toBe(lineOf(text, 'weight: heavy'));
    expect(e.message).toMatch(/expected number/);
  });

  it('a misspelt field, an unknown counterpart, an unknown source', () => {
    const misspelt = METHOD_YAML.replace('    weight: 1\n', '    wieght: 1\n');
    expect(errorOf(() => fixtureMethodology(evidence, misspelt)).message).toMatch(/items\.0/);
    const counterpart = METHOD_YAML.replace('country: nearest', 'country: closest');
    expect(errorOf(() => fixtureMethodology(evidence, counterpart)).field).toBe('items.4.measure.numerator.country');
    const source = METHOD_YAML.replace('source: test-publication, locator: p. 4', 'source: no-such-source, locator: p. 4');
    const e = errorOf(() => fixtureMethodology(evidence, source));
    expect(e.field).toBe('items.3.citations.0.source');
    expect(e.line).toBe(lineOf(source, 'no-such-source'));
  });

  it('a file that is not YAML', () => {
    const e = errorOf(() => fixtureMethodology(evidence, 'items: [unclosed', 'broken.yaml'));
    expect(e.file).toBe('broken.yaml');
    expect(e.line).toBe(1);
  });
});

describe('bad judgment files', () => {
  const m = fixtureMethodology(evidence);

  it('a judgment outside its scale: file, line and field', () => {
    const text = JUDGMENTS_YAML.replace('ally: DDD, value: 4, low: 3, high: 4', 'ally: DDD, value: 5, low: 3, high: 5');
    const e = errorOf(() => fixtureJudgments(evidence, m, text, 'my-judgments.yaml'));
    expect(e.file).toBe('my-judgments.yaml');
    expect(e.line).toBe(lineOf(text, 'ally: DDD'));
    expect(e.field).toBe('entries.3.value');
    expect(e.message).toMatch(/value 5 is outside the scale of "resolve" \(0 to 4\)/);
  });

  it('an unknown ally code', () => {
    const text = JUDGMENTS_YAML.replace('ally: EEE', 'ally: XYZ');
    const e = errorOf(() => fixtureJudgments(evidence, m, text, 'my-judgments.yaml'));
    expect(e.field).toBe('entries.4.ally');
    expect(e.line).toBe(lineOf(text, 'ally: XYZ'));
    expect(e.message).toMatch(/unknown ally code "XYZ"/);
  });

  it('a range that does not contain the value, overlapping years, an unknown judgment', () => {
    const range = JUDGMENTS_YAML.replace('value: 3, low: 2, high: 4', 'value: 3, low: 3.5, high: 4');
    expect(errorOf(() => fixtureJudgments(evidence, m, range)).field).toBe('entries.0.low');
    const overlap = JUDGMENTS_YAML + '  - { judgment: resolve, ally: AAA, from: 2020, value: 1, low: 0, high: 2, rationale: A second rating for the same years., citations: [{ source: test-publication }] }\n';
    expect(errorOf(() => fixtureJudgments(evidence, m, overlap)).field).toBe('entries.5.from');
    const unknown = JUDGMENTS_YAML.replace('{ judgment: resolve, ally: AAA', '{ judgment: resolution, ally: AAA');
    expect(errorOf(() => fixtureJudgments(evidence, m, unknown)).field).toBe('entries.0.judgment');
  });
});

describe('a user\'s own files', () => {
  it('editing a weight changes each ally\'s totals as the weights say', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'allies-method-'));
    const file = path.join(dir, 'heavier-capability.yaml');
    await writeFile(file, METHOD_YAML.replace(/(- id: capability[\s\S]*?)weight: 1/, '$1weight: 3'));
    const base = fixtureMethodology(evidence);
    const mine = await loadMethodology(evidence, file);
    expect(mine.items[0].weight).toBe(3);
    const judgments = fixtureJudgments(evidence, base);
    const before = computeLedger({ evidence, methodology: base, judgments }, 2024);
    const after = computeLedger({ evidence, methodology: mine, judgments }, 2024);
    for (const [i, a] of after.allies.entries()) {
      const s = a.lines.map((l) => l.score!);
      expect(before.allies[i].assets).toBeCloseTo((s[0] + s[1] + s[2]) / 3);
      expect(a.assets).toBeCloseTo((3 * s[0] + s[1] + s[2]) / 5);
      expect(a.liabilities).toBeCloseTo(before.allies[i].liabilities!);
      expect(a.lines[0].share).toBeCloseTo(0.6);
    }
  });

  it('editing a judgment changes that ally\'s score and nothing else', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'allies-judgments-'));
    const base = path.join(dir, 'base.yaml');
    const mine = path.join(dir, 'mine.yaml');
    await writeFile(base, JUDGMENTS_YAML);
    await writeFile(mine, `judgments: my-view\nversion: 1.0.0\ndescription: My view.\nauthor: A. User\ndate: 2025-01-01\nentries:\n  - { judgment: resolve, ally: AAA, value: 0, low: 0, high: 1, rationale: AAA backed down in the last crisis., citations: [{ source: test-publication, locator: p. 9 }] }\n`);
    const m = fixtureMethodology(evidence);
    const defaults = await loadJudgmentsFile(evidence, m, base);
    const overlaid = await loadJudgments(evidence, m, mine, base);
    expect(overlaid).toEqual(overlayJudgments(defaults, await loadJudgmentsFile(evidence, m, mine)));
    const before = computeLedger({ evidence, methodology: m, judgments: defaults }, 2024);
    const after = computeLedger({ evidence, methodology: m, judgments: overlaid }, 2024);
    const aaa = (l: typeof before) => l.allies.find((a) => a.ally === 'AAA')!;
    expect(aaa(before).lines[2].score).toBe(75);
    expect(aaa(after).lines[2].score).toBe(0);
    expect(aaa(after).lines[2].judgments[0]).toMatchObject({ author: 'A. User', date: '2025-01-01', origin: `${mine}:7` });
    expect(aaa(after).assets).toBeCloseTo(aaa(before).assets! - 25);
    for (const ally of ['BBB', 'CCC', 'DDD', 'EEE']) {
      expect(after.allies.find((a) => a.ally === ally)!.net).toBeCloseTo(before.allies.find((a) => a.ally === ally)!.net!);
    }
  });

  it('a file that cannot be read is an error naming it', async () => {
    await expect(loadMethodology(evidence, '/no/such/method.yaml')).rejects.toThrow(/\/no\/such\/method\.yaml: cannot read the methodology file/);
  });
});
