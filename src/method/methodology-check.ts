// The semantic checks of a methodology (every indicator, country, table, source, judgment and
// counterpart it names exists in the evidence) and what a methodology reads. Plain functions over
// the checked data: no YAML parser and no schema library (those are src/method/methodology.ts's,
// which exports these too), so that a process whose methodology comes from the cache of checked
// files loads neither.
import type { BurdenAbility, Citation, Measure, Methodology } from './methodology.ts';
import type { FieldPath, LocatedYaml } from './located.ts';

/** What the semantic checks need to know about the evidence (plain sets: no I/O here). */
export interface EvidenceCatalog {
  indicators: ReadonlyMap<string, { dyadic: boolean; min?: number | null; max?: number | null }>;
  countries: ReadonlySet<string>;
  sources: ReadonlySet<string>;
  tables: ReadonlyMap<string, readonly string[]>;
  /** The last year with an observation (years.first may not be later). */
  lastYear?: number;
}

export const METHODOLOGY_HINT = 'Fix the methodology file (format: methods/default.yaml, schema: src/method/methodology.ts).';

/**
 * Hold a parsed methodology against the evidence: every indicator, country, table, source,
 * judgment and counterpart it names must exist. Throws the first problem, located.
 */
export function checkMethodology(located: LocatedYaml<Methodology>, catalog: EvidenceCatalog): Methodology {
  const m = located.data;
  const fail = (path: FieldPath, problem: string, hint = METHODOLOGY_HINT): never => {
    throw located.error(path, problem, hint);
  };
  const knownIndicators = () => `known indicators: ${[...catalog.indicators.keys()].sort().join(', ')}`;
  const indicator = (path: FieldPath, id: string): { dyadic: boolean } =>
    catalog.indicators.get(id) ?? fail(path, `unknown indicator "${id}"`, `Use an indicator of evidence/indicators.csv (${knownIndicators()}).`);
  const country = (path: FieldPath, iso: string) => {
    if (!catalog.countries.has(iso)) fail(path, `unknown country code "${iso}"`, 'Use a code from evidence/countries.csv.');
  };
  const citations = (path: FieldPath, list: readonly Citation[]) => {
    list.forEach((c, i) => {
      if (!catalog.sources.has(c.source)) fail([...path, i, 'source'], `unknown source "${c.source}"`, 'Cite a source id from evidence/sources.csv (curated/sources.yaml, curated/sources/*.yaml).');
    });
  };

  if (catalog.lastYear !== undefined && m.years.first > catalog.lastYear) {
    fail(['years', 'first'], `the first year ${m.years.first} is after the evidence, whose last observation is of ${catalog.lastYear}`, 'Give a first year the evidence covers.');
  }
  m.years.latest.indicators.forEach((id, i) => indicator(['years', 'latest', 'indicators', i], id));
  for (const [name, rule] of Object.entries(m.counterparts)) {
    if (!indicator(['counterparts', name, 'indicator'], rule.indicator).dyadic) fail(['counterparts', name, 'indicator'], `indicator "${rule.indicator}" is not dyadic, so it cannot choose a counterpart`);
    rule.among.forEach((iso, i) => country(['counterparts', name, 'among', i], iso));
  }
  for (const [name, net] of Object.entries(m.networks)) {
    if ((net.tables === undefined) === (net.graph === undefined)) fail(['networks', name], 'a network names either tables or graph: alliance_network, not both or neither');
    (net.tables ?? []).forEach((t, i) => {
      const columns = catalog.tables.get(t.table) ?? fail(['networks', name, 'tables', i, 'table'], `unknown evidence table "${t.table}"`, `Use one of: ${[...catalog.tables.keys()].sort().join(', ')}.`);
      for (const key of ['group', 'member', 'from', 'to'] as const) {
        const col = t[key];
        if (col !== undefined && !columns.includes(col)) fail(['networks', name, 'tables', i, key], `table "${t.table}" has no column "${col}"`, `Its columns: ${columns.join(', ')}.`);
      }
      for (const col of Object.keys(t.where ?? {})) {
        if (!columns.includes(col)) fail(['networks', name, 'tables', i, 'where', col], `table "${t.table}" has no column "${col}"`, `Its columns: ${columns.join(', ')}.`);
      }
    });
  }
  for (const [id, j] of Object.entries(m.judgments)) {
    if (!(j.scale.max > j.scale.min)) fail(['judgments', id, 'scale', 'max'], `scale max (${j.scale.max}) must exceed min (${j.scale.min})`);
  }

  const seen = new Map<string, number>();
  m.items.forEach((item, i) => {
    const at = (...rest: (string | number)[]): FieldPath => ['items', i, ...rest];
    const prior = seen.get(item.id);
    if (prior !== undefined) fail(at('id'), `line item id "${item.id}" is already used by items.${prior}`);
    seen.set(item.id, i);
    checkMeasure(item.measure, at('measure'), m, catalog, fail, indicator, country);
    const norm = item.normalize;
    if (norm.method === 'fixed' && !(norm.max > norm.min)) fail(at('normalize', 'max'), `max (${norm.max}) must exceed min (${norm.min})`);
    if (norm.method === 'minmax' && norm.winsorize && !(norm.winsorize[1] > norm.winsorize[0])) fail(at('normalize', 'winsorize'), 'the upper quantile must exceed the lower');
    if (norm.method === 'judgment_scale' && item.measure.op !== 'judgment') fail(at('normalize', 'method'), 'judgment_scale needs a measure of op "judgment"');
    citations(at('citations'), item.citations);
  });
  m.items.forEach((item, i) => item.overlaps?.forEach((o, k) => {
    if (!seen.has(o.item)) fail(['items', i, 'overlaps', k, 'item'], `unknown line item "${o.item}"`, `Name a line item of this methodology (${m.items.map((x) => x.id).join(', ')}).`);
    if (o.item === item.id) fail(['items', i, 'overlaps', k, 'item'], 'a line item cannot overlap itself');
  }));
  for (const side of ['asset', 'liability'] as const) {
    if (!m.items.some((it) => it.side === side && it.weight > 0)) fail(['items'], `no ${side} line item with a positive weight`);
  }

  const b = m.burden_sharing;
  indicator(['burden_sharing', 'ability', 'indicator'], b.ability.indicator);
  b.ability.fallback.forEach((id, k) => indicator(['burden_sharing', 'ability', 'fallback', k], id));
  const abilityIndicators = (a: BurdenAbility, at: FieldPath) => {
    if (!a.proxy) return;
    indicator([...at, 'proxy', 'indicator'], a.proxy.indicator);
    a.proxy.fallback.forEach((id, k) => indicator([...at, 'proxy', 'fallback', k], id));
  };
  abilityIndicators(b.ability, ['burden_sharing', 'ability']);
  b.contributions.forEach((c, i) => {
    indicator(['burden_sharing', 'contributions', i, 'indicator'], c.indicator);
    c.fallback.forEach((id, k) => indicator(['burden_sharing', 'contributions', i, 'fallback', k], id));
    c.extra_countries.forEach((iso, k) => country(['burden_sharing', 'contributions', i, 'extra_countries', k], iso));
    if (c.ability) {
      indicator(['burden_sharing', 'contributions', i, 'ability', 'indicator'], c.ability.indicator);
      c.ability.fallback.forEach((id, k) => indicator(['burden_sharing', 'contributions', i, 'ability', 'fallback', k], id));
      abilityIndicators(c.ability, ['burden_sharing', 'contributions', i, 'ability']);
    }
  });
  citations(['burden_sharing', 'citations'], b.citations);
  if (m.robustness.weights.scheme === 'multiplier' && !(m.robustness.weights.high >= m.robustness.weights.low)) {
    fail(['robustness', 'weights', 'high'], 'high must be at least low');
  }
  return m;
}

function checkMeasure(
  measure: Measure,
  path: FieldPath,
  m: Methodology,
  catalog: EvidenceCatalog,
  fail: (path: FieldPath, problem: string, hint?: string) => never,
  indicator: (path: FieldPath, id: string) => { dyadic: boolean },
  country: (path: FieldPath, iso: string) => void,
): void {
  const sub = (child: Measure, ...rest: (string | number)[]) => checkMeasure(child, [...path, ...rest], m, catalog, fail, indicator, country);
  const who = (field: 'country' | 'counterpart', value: string) => {
    if (value === 'ally' && field === 'country') return;
    if (/^[A-Z]{3}$/.test(value)) country([...path, field], value);
    else if (!(value in m.counterparts)) fail([...path, field], `"${value}" is neither an ISO code nor a counterpart defined under counterparts`);
  };
  switch (measure.op) {
    case 'latest': {
      const ind = indicator([...path, 'indicator'], measure.indicator);
      if (measure.country !== undefined) who('country', measure.country);
      if (measure.counterpart !== undefined) who('counterpart', measure.counterpart);
      if (ind.dyadic && measure.counterpart === undefined) fail([...path, 'counterpart'], `indicator "${measure.indicator}" is dyadic: name a counterpart (ISO code or named counterpart)`);
      if (!ind.dyadic && measure.counterpart !== undefined) fail([...path, 'counterpart'], `indicator "${measure.indicator}" is not dyadic: it takes no counterpart`);
      return;
    }
    case 'mean':
    case 'cumulative':
    case 'trend':
      if (measure.min_years !== undefined && measure.min_years > measure.years) fail([...path, 'min_years'], `min_years (${measure.min_years}) exceeds years (${measure.years})`);
      if (measure.op === 'trend' && (measure.min_years ?? measure.years) < 2) fail([...path, 'min_years'], 'a trend needs at least 2 years');
      return sub(measure.of, 'of');
    case 'ratio':
      sub(measure.numerator, 'numerator');
      return sub(measure.denominator, 'denominator');
    case 'per_capita':
      sub(measure.of, 'of');
      return sub(measure.population, 'population');
    case 'product':
    case 'sum':
    case 'coalesce':
      measure.of.forEach((child, i) => sub(child, 'of', i));
      return;
    case 'difference':
      sub(measure.minuend, 'minuend');
      return sub(measure.subtrahend, 'subtrahend');
    case 'gap_to_target': {
      // A target outside the indicator's plausible range (a negative share of GDP) is a typo.
      const read = measure.of.op === 'latest' ? catalog.indicators.get(measure.of.indicator) : undefined;
      if (read && ((read.min != null && measure.target < read.min) || (read.max != null && measure.target > read.max))) {
        fail([...path, 'target'], `target ${measure.target} is outside the plausible range of ${(measure.of as { indicator: string }).indicator} (${read.min ?? '-∞'} to ${read.max ?? '∞'}, evidence/indicators.csv)`);
      }
      return sub(measure.of, 'of');
    }
    case 'log':
    case 'scale':
      return sub(measure.of, 'of');
    case 'constant':
      return;
    case 'judgment':
      if (!(measure.judgment in m.judgments)) fail([...path, 'judgment'], `unknown judgment "${measure.judgment}"`, `Define it under judgments (defined: ${Object.keys(m.judgments).join(', ') || 'none'}).`);
      return;
    case 'network': {
      const net = m.networks[measure.network] ?? fail([...path, 'network'], `unknown network "${measure.network}"`, `Define it under networks (defined: ${Object.keys(m.networks).join(', ') || 'none'}).`);
      const fromGraph = measure.metric === 'ally_ties' || measure.metric === 'tie_strength';
      if (fromGraph !== (net.graph !== undefined)) fail([...path, 'metric'], `metric "${measure.metric}" needs a network defined by ${fromGraph ? 'graph: alliance_network' : 'tables'}`, 'ally_ties and tie_strength read the alliance network (graph: alliance_network); degree and betweenness read membership tables.');
      return;
    }
    case 'allied_total': {
      if (indicator([...path, 'indicator'], measure.indicator).dyadic) fail([...path, 'indicator'], `indicator "${measure.indicator}" is dyadic: an allied total sums a country indicator`);
      if (!(measure.sharing in m.counterparts)) fail([...path, 'sharing'], `"${measure.sharing}" is not a counterpart defined under counterparts`);
      return;
    }
  }
}

/** Every indicator id a methodology reads (for documentation and coverage reports). */
/** Every observation read of a measure (its "latest" leaves), through every operation. */
export function latestReads(measure: Measure): Extract<Measure, { op: 'latest' }>[] {
  const out: Extract<Measure, { op: 'latest' }>[] = [];
  const walk = (x: Measure): void => {
    switch (x.op) {
      case 'latest': out.push(x); return;
      case 'allied_total': out.push({ op: 'latest', indicator: x.indicator, staleness_years: x.staleness_years }); return;
      case 'mean': case 'cumulative': case 'trend': case 'log': case 'scale': case 'gap_to_target': walk(x.of); return;
      case 'ratio': walk(x.numerator); walk(x.denominator); return;
      case 'per_capita': walk(x.of); walk(x.population); return;
      case 'product': case 'sum': case 'coalesce': x.of.forEach(walk); return;
      case 'difference': walk(x.minuend); walk(x.subtrahend); return;
      default: return;
    }
  };
  walk(measure);
  return out;
}

export function indicatorsOf(m: Methodology): string[] {
  const out = new Set<string>(m.years.latest.indicators);
  for (const item of m.items) for (const read of latestReads(item.measure)) out.add(read.indicator);
  for (const rule of Object.values(m.counterparts)) out.add(rule.indicator);
  const b = m.burden_sharing;
  const abilities = [b.ability, ...b.contributions.flatMap((c) => (c.ability ? [c.ability] : []))];
  for (const x of [...abilities, ...abilities.flatMap((a) => (a.proxy ? [a.proxy] : [])), ...b.contributions]) for (const id of [x.indicator, ...x.fallback]) out.add(id);
  return [...out].sort();
}
