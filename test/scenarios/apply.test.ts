// Scenario mechanics on the engine's small hand-made evidence (five allies, 2015-2024): the
// evidence view, paths, each kind of change, attribution, empty scenarios and composition.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Evidence } from '../../src/evidence/load.ts';
import type { Observation } from '../../src/evidence/schema.ts';
import {
  checkScenario, composeScenarios, conflicts, diffText, orderChanges, overlayEvidence, parseScenario, pathValues, PROJECTION_SOURCE, runScenario, seriesKey,
} from '../../src/scenarios/index.ts';
import type { Scenario, ScenarioResult } from '../../src/scenarios/index.ts';
import { ALLIES, baseObservations, fixtureEvidence, fixtureJudgments, fixtureMethodology, obs } from '../method/fixtures.ts';

const evidence = fixtureEvidence();
const methodology = fixtureMethodology(evidence);
const judgments = fixtureJudgments(evidence, methodology);
const context = { evidence, methodology, judgments, present: 2024 };
const options = { evidence, methodology, judgments, present: 2024, robustness: false as const };

function scenario(changes: string, horizon = 2026, id = 'test'): Scenario {
  const text = `scenario: ${id}
title: Test scenario ${id}
description: A scenario written for the tests of src/scenarios.
horizon: ${horizon}
sources: [{ source: test-publication, locator: p. 9 }]
changes:${changes.trim() ? `\n${changes}` : ' []'}
`;
  return checkScenario(parseScenario(`${id}.yaml`, text), context);
}

const because = 'rationale: A reason long enough for the schema.\n    citations: [{ source: test-publication, locator: p. 7 }]';
const line = (r: ScenarioResult, ally: string, item: string) => r.diff.find((d) => d.ally === ally)?.lines.find((l) => l.item === item);
const sheet = (r: ScenarioResult, which: 'before' | 'after', ally: string) => r.ledgers[which].allies.find((a) => a.ally === ally)!;

describe('the evidence view of a scenario', () => {
  it('answers series, value and latest exactly as an Evidence built with the replaced series would', () => {
    const base = baseObservations();
    fc.assert(fc.property(
      fc.constantFrom(...ALLIES), fc.integer({ min: 2016, max: 2030 }), fc.double({ min: 0.1, max: 50, noNaN: true }), fc.integer({ min: 2010, max: 2032 }),
      (ally, year, value, upTo) => {
        const key = seriesKey(ally, 'share_gdp');
        const replaced = [...base.filter((o) => o.country === ally && o.indicator === 'share_gdp' && o.year !== year), obs(ally, 'share_gdp', year, value, { source: 'test-publication' })]
          .sort((a, b) => a.year - b.year);
        const view = overlayEvidence(evidence, new Map([[key, replaced]]));
        const rebuilt = new Evidence({
          countries: evidence.countries, sources: evidence.sources, sourceFiles: [], indicators: evidence.indicators,
          observations: [...base.filter((o) => !(o.country === ally && o.indicator === 'share_gdp')), ...replaced],
          tables: new Map([['allies', evidence.table('allies')]]),
        });
        expect(view.series(ally, 'share_gdp')).toEqual(rebuilt.series(ally, 'share_gdp'));
        expect(view.value(ally, 'share_gdp', year)).toEqual(rebuilt.value(ally, 'share_gdp', year));
        expect(view.latest(ally, 'share_gdp', { upTo })).toEqual(rebuilt.latest(ally, 'share_gdp', { upTo }));
        expect(view.latest('AAA', 'spending')).toBe(evidence.latest('AAA', 'spending'));
      }), { numRuns: 60 });
  });

  it('is the evidence itself when nothing is replaced', () => {
    expect(overlayEvidence(evidence, new Map())).toBe(evidence);
  });
});

describe('a path', () => {
  it('runs straight from the last observation to each point and holds after the last', () => {
    const values = pathValues({ year: 2024, value: 1 }, [{ year: 2027, value: 2.5 }, { year: 2029, value: 2 }], 2031);
    expect([...values.entries()]).toEqual([[2025, 1.5], [2026, 2], [2027, 2.5], [2028, 2.25], [2029, 2], [2030, 2], [2031, 2]]);
  });

  it('holds the start when every point lies before it', () => {
    expect([...pathValues({ year: 2024, value: 3 }, [{ year: 2020, value: 9 }], 2025).values()]).toEqual([3]);
  });
});

describe('a scenario run', () => {
  it('with no changes gives an empty diff and says so', () => {
    const r = runScenario(scenario(''), options);
    expect(r.changes).toEqual([]);
    expect(r.diff).toEqual([]);
    expect(r.ranks).toEqual([]);
    expect(diffText(r)).toMatch(/Diff: empty/);
  });

  it('projects the baseline to the horizon under stated assumptions, each value naming its source observation', () => {
    const r = runScenario(scenario('', 2027), options);
    const spending = sheet(r, 'before', 'DDD').lines.find((l) => l.item === 'capability')!;
    // An indicator with no growth rule holds its 2024 value (real dollar amounts grow: see builtin.test.ts).
    expect(spending.raw).toBe(1000 * 1.18);
    expect(spending.observations[0].source).toBe(PROJECTION_SOURCE);
    expect(spending.observations[0].locator).toMatch(/from test-data row 2024/);
    expect(r.baseline.description.join('\n')).toMatch(/grow 3\.53% a year/);
  });

  it('sets a path and credits every moved line to it, the causes adding up to the movement', () => {
    const r = runScenario(scenario(`  - kind: path
    allies: [CCC]
    indicator: share_gdp
    target: 6
    year: 2026
    ${because}`), options);
    const effort = line(r, 'CCC', 'effort')!;
    expect(effort.how).toBe('value');
    // 5-year mean over 2022-2026: 2022-2024 observed (1.8+0.35, +0.4, +0.45), then the path 2025 and 2026.
    const start = 1.8 + 0.45;
    expect(effort.after.raw).toBeCloseTo((1.8 + 0.35 + 1.8 + 0.4 + start + (start + 6) / 2 + 6) / 5, 12);
    expect(effort.causes.map((c) => c.ref)).toEqual(['test#1']);
    for (const d of r.diff) {
      for (const l of d.lines) expect(l.causes.reduce((s, c) => s + c.contribution, 0)).toBeCloseTo((l.after.contribution ?? 0) - (l.before.contribution ?? 0), 10);
      expect(d.causes.reduce((s, c) => s + c.net, 0)).toBeCloseTo((d.after.net ?? 0) - (d.before.net ?? 0), 10);
    }
    // CCC now has the highest mean: the others move only through normalization across allies.
    expect(r.diff.filter((d) => d.direct).map((d) => d.ally)).toEqual(['CCC']);
    expect(line(r, 'BBB', 'effort')?.how).toBe('score');
  });

  it('scales, adds and sets indicators, and names the old value and its source in the new observation', () => {
    const r = runScenario(scenario(`  - kind: scale
    allies: [AAA]
    indicator: spending
    factor: 3
    years: { from: 2025 }
    ${because}
  - kind: add
    allies: [AAA]
    indicator: spending
    amount: 10
    years: 2026
    ${because}`), options);
    const capability = line(r, 'AAA', 'capability')!;
    expect(capability.after.raw).toBeCloseTo(capability.before.raw! * 3 + 10, 9);
    expect(capability.causes.map((c) => c.ref)).toEqual(['test#1', 'test#2']);
    const o = sheet(r, 'after', 'AAA').lines[0].observations[0];
    expect(o).toMatchObject({ source: 'test-publication', flags: ['derived'] });
    expect(o.note).toMatch(/^scenario test: \+10; was /);
  });

  it('changes a judgment, a weight and an event, each credited', () => {
    const r = runScenario(scenario(`  - kind: judgment
    allies: [EEE]
    judgment: resolve
    shift: 2
    ${because}
  - kind: weight
    items: [disputes]
    factor: 2
    ${because}
  - kind: event
    event: base_access_denied
    allies: [DDD]
    items: [capability]
    share: 0.5
    ${because}`), options);
    expect(line(r, 'EEE', 'resolve')).toMatchObject({ before: { raw: 0 }, after: { raw: 2 }, how: 'value' });
    expect(line(r, 'DDD', 'capability')?.after.raw).toBeCloseTo(line(r, 'DDD', 'capability')!.before.raw! / 2, 9);
    expect(line(r, 'BBB', 'disputes')).toMatchObject({ before: { weight: 1 }, after: { weight: 2 } });
    // Application order: events, then judgments, then weights, whatever the file says.
    expect(r.changes.map((c) => c.ref)).toEqual(['test#3', 'test#1', 'test#2']);
  });
});

describe('composition', () => {
  const level = (id: string, target: number) => scenario(`  - kind: path
    allies: [BBB]
    indicator: share_gdp
    target: ${target}
    year: 2026
    ${because}`, 2026, id);
  const scale = scenario(`  - kind: scale
    allies: [BBB]
    indicator: share_gdp
    factor: 2
    years: { from: 2025 }
    ${because}`, 2026, 'double');

  it('applies changes by phase, then in the order the scenarios are given, then in file order', () => {
    const composed = composeScenarios([scale, level('low', 2)]);
    expect(composed.id).toBe('double+low');
    expect(composed.changes.map((c) => c.ref)).toEqual(['low#1', 'double#1']);
    expect(orderChanges(composed.changes)).toEqual(composed.changes);
  });

  it('gives the same ledgers whichever order is named when the changes are of different phases', () => {
    const a = runScenario(composeScenarios([scale, level('low', 2)]), options);
    const b = runScenario(composeScenarios([level('low', 2), scale]), options);
    expect(a.ledgers.after.allies.map((x) => x.net)).toEqual(b.ledgers.after.allies.map((x) => x.net));
    // path to 2, then doubled: 4 in 2026.
    expect(line(a, 'BBB', 'effort')!.after.raw).toBeCloseTo((1.4 + 0.35 + 1.4 + 0.4 + 1.4 + 0.45 + 2 * ((1.85 + 2) / 2) + 4) / 5, 12);
  });

  it('lets the later of two conflicting levels win, and says so', () => {
    const lowHigh = composeScenarios([level('low', 2), level('high', 3)]);
    const highLow = composeScenarios([level('high', 3), level('low', 2)]);
    expect(conflicts(lowHigh)).toEqual(['BBB share_gdp 2026: high#1 (share_gdp of BBB on a path to 3 in 2026) overrides low#1']);
    const effort = (s: Scenario) => line(runScenario(s, options), 'BBB', 'effort')!.after.raw;
    expect(effort(lowHigh)).toBeCloseTo(effort(level('high', 3))!, 12);
    expect(effort(highLow)).toBeCloseTo(effort(level('low', 2))!, 12);
  });

  it('is deterministic: the same composition twice gives identical results', () => {
    const run = () => JSON.stringify(runScenario(composeScenarios([level('low', 2), scale]), { ...options, robustness: { draws: 300 } }).robustness);
    expect(run()).toBe(run());
  });

  it('refuses a scenario named twice', () => {
    expect(() => composeScenarios([scale, scale])).toThrow(/named twice/);
  });
});

describe('observations a scenario writes', () => {
  it('keep every observation the overlay does not replace untouched', () => {
    const r = runScenario(scenario(`  - kind: set
    allies: [AAA]
    indicator: troops
    value: 99
    years: 2026
    ${because}`), options);
    expect(r.changes[0].effect.observations).toBe(1);
    const untouched: Observation | undefined = evidence.value('AAA', 'troops', 2024);
    expect(untouched?.value).toBe(10);
  });
});
