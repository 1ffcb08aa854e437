// Small hand-made evidence and methodology for the engine's tests: five allies, a handful of
// indicators, a judgment item, so that each property is easy to see.
import { Evidence } from '../../src/evidence/load.ts';
import type { TableRow } from '../../src/evidence/load.ts';
import type { Country, Indicator, Observation, Source } from '../../src/evidence/schema.ts';
import { evidenceCatalog } from '../../src/method/files.ts';
import { checkJudgments, parseJudgments } from '../../src/method/judgments.ts';
import type { Judgment } from '../../src/method/judgments.ts';
import { checkMethodology, parseMethodology } from '../../src/method/methodology.ts';
import type { Methodology } from '../../src/method/methodology.ts';

export const ALLIES = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE'] as const;
const RIVALS = ['RVA', 'RVB'];

function country(iso3: string, region: Country['region']): Country {
  return { iso3, name: `Country ${iso3}`, cow: null, cowc: null, region, historical: false, from_year: null, to_year: null };
}

function source(id: string): Source {
  return { id, kind: 'dataset', title: id, author: 'Test', publisher: 'Test', version: '', year: 2024, url: '', terms: 'test', citation: id };
}

function indicator(id: string, dyadic = false): Indicator {
  return { id, label: id, definition: id, unit: 'units', dyadic, min: null, max: null };
}

export function obs(country: string, ind: string, year: number, value: number | null, extra: Partial<Observation> = {}): Observation {
  return {
    country, counterpart: '', indicator: ind, year, value, low: null, high: null, source: 'test-data',
    locator: `row ${year}`, flags: value === null ? ['missing'] : [], note: value === null ? 'publisher marker ".."' : '', ...extra,
  };
}

export const INDICATORS = ['spending', 'troops', 'share_gdp', 'gdp', 'disputes', 'distance', 'hns'] as const;

/** Values of every ally for 2015-2024 unless a test overrides them. */
export function baseObservations(): Observation[] {
  const out: Observation[] = [];
  const spending = [100, 400, 50, 1000, 20];
  const troops = [10, 40, 5, 80, 2];
  const disputes = [0, 2, 1, 3, 0];
  const distance = [800, 1500, 3000, 9000, 600];
  ALLIES.forEach((a, i) => {
    for (let y = 2015; y <= 2024; y++) {
      const t = y - 2015;
      out.push(obs(a, 'spending', y, spending[i] * (1 + 0.02 * t)));
      out.push(obs(a, 'troops', y, troops[i]));
      out.push(obs(a, 'share_gdp', y, 1 + i * 0.4 + 0.05 * t));
      out.push(obs(a, 'gdp', y, 1e11 * (i + 1)));
    }
    out.push(obs(a, 'disputes', 2024, disputes[i]));
    out.push(obs(a, 'distance', 2024, distance[i], { counterpart: 'RVA' }));
    out.push(obs(a, 'distance', 2024, distance[i] * 2, { counterpart: 'RVB' }));
  });
  for (let y = 2015; y <= 2024; y++) {
    out.push(obs('RVA', 'spending', y, 2000));
    out.push(obs('RVB', 'spending', y, 500));
  }
  return out;
}

export function fixtureEvidence(observations: Observation[] = baseObservations(), tables: Record<string, TableRow[]> = {}): Evidence {
  const allyRows: TableRow[] = ALLIES.map((a, i) => ({ iso3: a, name: `Country ${a}`, region: i < 2 ? 'asia' : 'europe', tier: 'treaty', basis: 'nato', reference: false }));
  return new Evidence({
    countries: [...ALLIES.map((a, i) => country(a, i < 2 ? 'asia' : 'europe')), ...RIVALS.map((r) => country(r, 'asia')), country('USA', 'americas')],
    sources: [source('test-data'), source('test-publication')],
    sourceFiles: [],
    indicators: [...INDICATORS.map((id) => indicator(id, id === 'distance'))],
    observations,
    tables: new Map<string, TableRow[]>([['allies', allyRows], ...Object.entries(tables)]),
  });
}

/** A small methodology: three asset items (one a judgment), two liability items. */
export const METHOD_YAML = `methodology: test-method
version: 1.0.0
title: Test methodology
description: A methodology for tests.
authors: [Tester]
date: 2024-01-01
years:
  first: 2020
  latest: { indicators: [spending], min_coverage: 0.5 }
staleness_years: 2
balance: { assets: 1, liabilities: 1 }
ranking: { min_coverage: 0.5 }
uncertainty: { estimate_relative: 0.1 }
robustness:
  draws: 2000
  seed: 7
  interval: 0.9
  weights: { scheme: multiplier, low: 0.5, high: 2 }
  sweep: [0.1, 0.5]
  data: true
  judgments: true
counterparts:
  nearest:
    indicator: distance
    among: [RVA, RVB]
    pick: min
    rationale: the nearest rival capital
judgments:
  resolve:
    label: Resolve
    question: How resolute is the ally?
    scale: { min: 0, max: 4 }
items:
  - id: capability
    side: asset
    group: Capability
    label: Military spending
    unit: US$ m
    measure: { op: latest, indicator: spending }
    normalize: { method: minmax, scale: log }
    weight: 1
    missing: { policy: exclude }
    rationale: Spending is capability, measured on a log scale.
    citations: [{ source: test-publication, locator: p. 1 }]
  - id: effort
    side: asset
    group: Effort
    label: Share of GDP, 5-year mean
    unit: "% of GDP"
    measure: { op: mean, years: 5, of: { op: latest, indicator: share_gdp } }
    normalize: { method: minmax }
    weight: 1
    missing: { policy: exclude }
    rationale: Sustained effort relative to means over five years.
    citations: [{ source: test-publication, locator: p. 2 }]
  - id: resolve
    side: asset
    group: Politics
    label: Resolve
    unit: judgment (0-4)
    measure: { op: judgment, judgment: resolve }
    normalize: { method: judgment_scale }
    weight: 1
    missing: { policy: exclude }
    rationale: A rated judgment of the ally's resolve to fight.
    citations: [{ source: test-publication, locator: p. 3 }]
  - id: disputes
    side: liability
    group: Exposure
    label: Disputes with a rival
    unit: disputes
    measure: { op: latest, indicator: disputes }
    normalize: { method: minmax }
    weight: 1
    missing: { policy: exclude }
    rationale: Disputes with a rival risk entrapment of the United States.
    citations: [{ source: test-publication, locator: p. 4 }]
  - id: gap
    side: liability
    group: Gap
    label: Rival spending per dollar
    unit: ratio
    measure:
      op: ratio
      numerator: { op: latest, indicator: spending, country: nearest }
      denominator: { op: latest, indicator: spending }
    normalize: { method: minmax, scale: log }
    weight: 1
    missing: { policy: exclude }
    rationale: What the United States must supply against the nearest rival.
    citations: [{ source: test-publication, locator: p. 5 }]
burden_sharing:
  ability: { label: GDP, indicator: gdp, unit: US$ }
  contributions:
    - { id: spending, label: Defense spending, indicator: spending, unit: US$ m, extra_countries: [RVA] }
    - { id: troops, label: Troops, indicator: troops, unit: thousand }
  staleness_years: 2
  rationale: Shares of contribution over shares of GDP, the DoD's fair-share ratio.
  citations: [{ source: test-publication, locator: p. 6 }]
`;

export const JUDGMENTS_YAML = `judgments: test-judgments
version: 1.0.0
description: Test judgments.
author: Tester
date: 2024-01-01
entries:
  - { judgment: resolve, ally: AAA, value: 3, low: 2, high: 4, rationale: AAA has shown resolve in every crisis., citations: [{ source: test-publication }] }
  - { judgment: resolve, ally: BBB, value: 1, low: 0, high: 2, rationale: BBB has hedged in every crisis so far., citations: [{ source: test-publication }] }
  - { judgment: resolve, ally: CCC, value: 2, low: 2, high: 2, rationale: CCC is middling on every measure of it., citations: [{ source: test-publication }] }
  - { judgment: resolve, ally: DDD, value: 4, low: 3, high: 4, rationale: DDD is the most resolute ally of the set., citations: [{ source: test-publication }] }
  - { judgment: resolve, ally: EEE, value: 0, low: 0, high: 1, rationale: EEE has refused to act in every crisis., citations: [{ source: test-publication }] }
`;

export function fixtureMethodology(evidence: Evidence, text = METHOD_YAML, file = 'test-method.yaml'): Methodology {
  return checkMethodology(parseMethodology(file, text), evidenceCatalog(evidence));
}

export function fixtureJudgments(evidence: Evidence, methodology: Methodology, text = JUDGMENTS_YAML, file = 'test-judgments.yaml'): Judgment[] {
  return checkJudgments(parseJudgments(file, text), methodology, new Set(evidence.allies().map((a) => a.iso3)), new Set(evidence.sources.map((s) => s.id)));
}
