// The method where the numbers are: what one point of a line item's score is worth in the
// net, every line of a methodology in words (construct, formula, normalization, weight,
// rationale, citations), and why an ally ranks where it does: the contributions that set it
// apart from the median ally of the year, reconciling to the gap in net. Pure: a methodology
// and ledgers in, explanations out; the shares come from the ledger (ledger.ts totals()),
// never recomputed here for an ally.
import type { AllyLedger, LedgerLine, YearLedger } from './ledger.ts';
import type { Citation, LineItem, Measure, Methodology, MissingPolicy, Normalization, Side } from './methodology.ts';
import type { RobustnessResult } from './robustness.ts';

/** What a line shows when the methodology does not say what it measures. */
export const NOT_STATED = 'not stated';

const SIGN: Record<Side, 1 | -1> = { asset: 1, liability: -1 };

function balanceOf(m: Pick<Methodology, 'balance'>, side: Side): number {
  return side === 'asset' ? m.balance.assets : m.balance.liabilities;
}

// ---------------------------------------------------------------------------------------
// What a point is worth
// ---------------------------------------------------------------------------------------

export interface ItemWorth {
  item: string;
  side: Side;
  group: string;
  label: string;
  weight: number;
  /** The item's share of its side's weight: of all the side's weight for the methodology, of the weight present for an ally's ledger. */
  share: number;
  /** Points of the net one point (of 0-100) of the item's score is worth: positive for assets, negative for liabilities. */
  perPoint: number;
  /** Points of the net between a score of 0 and one of 100 (100 × perPoint). */
  fullRange: number;
  /** For an ally's ledger: no score, so the item counts nothing and its weight goes to the side's other items. */
  excluded: boolean;
}

export interface HeadingWorth {
  side: Side;
  group: string;
  items: string[];
  weight: number;
  share: number;
  /** The heading's items' worths summed: the net's move when every item of the heading gains one point. */
  perPoint: number;
  fullRange: number;
  /** Items of the heading with no score (an ally's ledger only). */
  excluded: string[];
}

export interface PointWorth {
  /** The ally whose ledger the worths are for; null: the methodology with every item present. */
  ally: string | null;
  balance: { assets: number; liabilities: number };
  sides: Record<Side, { weight: number; items: number; headings: number }>;
  items: ItemWorth[];
  headings: HeadingWorth[];
}

function sumHeadings(items: readonly ItemWorth[]): HeadingWorth[] {
  const out: HeadingWorth[] = [];
  for (const i of items) {
    let h = out.find((x) => x.side === i.side && x.group === i.group);
    if (!h) out.push((h = { side: i.side, group: i.group, items: [], weight: 0, share: 0, perPoint: 0, fullRange: 0, excluded: [] }));
    h.items.push(i.item);
    h.weight += i.weight;
    h.share += i.share;
    h.perPoint += i.perPoint;
    h.fullRange += i.fullRange;
    if (i.excluded) h.excluded.push(i.item);
  }
  return out;
}

/**
 * What one point of each line item's and each heading's score is worth in the net: balance
 * factor × weight / the side's weight, assets adding and liabilities subtracting. Without a
 * ledger every item is present (the methodology's own arithmetic: with 11 asset and 8
 * liability headings of equal weight, a liability heading's 0-100 range moves the net by
 * 12.5 points and an asset heading's by 9.1). With an ally's ledger the shares are the
 * ledger's own (weight / weight present on the side, as the ledger's totals computed them),
 * so an item missing for the ally is worth nothing and the others of its side more.
 */
export function pointWorth(m: Pick<Methodology, 'balance' | 'items'>, ledger?: AllyLedger): PointWorth {
  const sideWeight = (s: Side) => m.items.filter((i) => i.side === s).reduce((t, i) => t + i.weight, 0);
  const lines = new Map<string, LedgerLine>((ledger?.lines ?? []).map((l) => [l.item, l]));
  const items = m.items.map((item): ItemWorth => {
    const line = lines.get(item.id);
    const excluded = ledger !== undefined && (line === undefined || line.score === null);
    const weight = line?.weight ?? item.weight;
    const total = sideWeight(item.side);
    const share = ledger === undefined ? (total > 0 ? item.weight / total : 0) : excluded ? 0 : line!.share;
    const perPoint = SIGN[item.side] * balanceOf(m, item.side) * share;
    return { item: item.id, side: item.side, group: item.group, label: item.label, weight, share, perPoint, fullRange: perPoint * 100, excluded };
  });
  const headings = sumHeadings(items);
  const side = (s: Side) => ({
    weight: ledger === undefined ? sideWeight(s) : items.filter((i) => i.side === s && !i.excluded).reduce((t, i) => t + i.weight, 0),
    items: items.filter((i) => i.side === s).length,
    headings: headings.filter((h) => h.side === s).length,
  });
  return { ally: ledger?.ally ?? null, balance: { assets: m.balance.assets, liabilities: m.balance.liabilities }, sides: { asset: side('asset'), liability: side('liability') }, items, headings };
}

// ---------------------------------------------------------------------------------------
// The methodology in words
// ---------------------------------------------------------------------------------------

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A staleness window in words: "within 2 years", or the ledger's year itself. */
function within(years: number): string {
  return years === 0 ? 'of the ledger year itself' : `within ${plural(years, 'year')}`;
}

const NETWORK_METRICS: Record<string, string> = {
  degree: 'degree',
  betweenness: 'betweenness',
  ally_ties: 'number of allies tied',
  tie_strength: 'tie strength (each alliance or grouping weighted 1/(n − 1) for its n members)',
};

const COMPOSITE = new Set<Measure['op']>(['ratio', 'per_capita', 'product', 'sum', 'difference', 'coalesce', 'scale']);

/**
 * A measure as readable text: `latest(milex_share_gdp) within 2 years`, `mean over 10 years
 * of milex_share_gdp`, `max(0, 2 − latest(milex_share_gdp))`. `window` is the item's
 * staleness window (its own, else the methodology's), which every `latest` read outside a
 * multi-year operation uses.
 */
export function formulaText(measure: Measure, window: number, m?: Pick<Methodology, 'judgments'>): string {
  let windowed = 0;
  const operand = (x: Measure, inYears: boolean) => {
    const t = render(x, inYears);
    return COMPOSITE.has(x.op) ? `(${t})` : t;
  };
  const render = (x: Measure, inYears: boolean): string => {
    switch (x.op) {
      case 'latest': {
        const whose = [x.country ? `of ${x.country}` : '', x.counterpart ? `with ${x.counterpart}` : ''].filter(Boolean).join(' ');
        const name = `${x.indicator}${whose ? ` ${whose}` : ''}`;
        // Inside a multi-year operation each year reads its own value: no window.
        if (inYears) return name;
        if (x.staleness_years !== undefined && x.staleness_years !== window) return `latest(${name}) ${within(x.staleness_years)}`;
        windowed++;
        return `latest(${name})`;
      }
      case 'mean': case 'cumulative': case 'trend': {
        const what = x.op === 'mean' ? 'mean' : x.op === 'cumulative' ? 'sum' : 'trend (least-squares slope per year)';
        const extra = [
          x.min_years !== undefined ? `at least ${plural(x.min_years, 'year')} with data` : '',
          x.ending === 'latest' ? `ending at the latest year with data ${within(window)}` : '',
        ].filter(Boolean);
        return `${what} over ${plural(x.years, 'year')} of ${operand(x.of, true)}${extra.length ? ` (${extra.join('; ')})` : ''}`;
      }
      case 'ratio': return `${operand(x.numerator, inYears)} / ${operand(x.denominator, inYears)}`;
      case 'per_capita': return `${operand(x.of, inYears)} per person (population: ${render(x.population, inYears)})`;
      case 'product': return x.of.map((c) => operand(c, inYears)).join(' × ');
      case 'sum': return x.of.map((c) => operand(c, inYears)).join(' + ');
      case 'coalesce': return `first available of: ${x.of.map((c) => render(c, inYears)).join('; ')}`;
      case 'difference': return `${operand(x.minuend, inYears)} − ${operand(x.subtrahend, inYears)}`;
      case 'log': return `log${x.base === undefined || x.base === 10 ? '10' : x.base === Math.E ? '' : `_${x.base}`}(${render(x.of, inYears)})`;
      case 'scale': return `${x.factor} × ${operand(x.of, inYears)}`;
      case 'gap_to_target': return x.direction === 'below' ? `max(0, ${x.target} − ${operand(x.of, inYears)})` : `max(0, ${operand(x.of, inYears)} − ${x.target})`;
      case 'constant': return `${x.value}${x.imputed ? ' (imputed)' : ''}`;
      case 'judgment': {
        const j = m?.judgments[x.judgment];
        return j ? `judgment(${x.judgment}): "${j.label}", rated ${j.scale.min}-${j.scale.max}` : `judgment(${x.judgment})`;
      }
      case 'network': return `${NETWORK_METRICS[x.metric] ?? x.metric} in network(${x.network})`;
      case 'allied_total': {
        const own = x.staleness_years !== undefined && x.staleness_years !== window;
        if (!own && !inYears) windowed++;
        return `sum of latest(${x.indicator})${own ? ` ${within(x.staleness_years!)}` : ''} over the year's allies sharing the ally's ${x.sharing}`;
      }
      default: return JSON.stringify(x);
    }
  };
  const text = render(measure, false);
  if (windowed === 0) return text;
  return measure.op === 'latest' ? `${text} ${within(window)}` : `${text} (latest values ${within(window)})`;
}

/** A normalization as readable text. */
export function normalizationText(n: Normalization, scale?: { min: number; max: number }): string {
  const invert = n.invert ? ', inverted (a higher value scores lower)' : '';
  const on = (s: 'linear' | 'log' | 'log1p') => (s === 'linear' ? '' : s === 'log' ? ' on a log scale' : ' on a log(1 + x) scale');
  switch (n.method) {
    case 'minmax':
      return `min-max to 0-100 among the year's allies${on(n.scale)}${n.winsorize ? `, clamped at the ${n.winsorize[0] * 100}th and ${n.winsorize[1] * 100}th percentiles first` : ''}${invert}`;
    case 'percentile': return `percentile rank among the year's allies, 0-100${invert}`;
    case 'fixed': return `fixed range ${n.min} to ${n.max} mapped to 0-100${on(n.scale)}${invert}`;
    case 'judgment_scale': return `the judgment's scale${scale ? ` (${scale.min}-${scale.max})` : ''} mapped to 0-100${invert}`;
  }
}

/** A missing-data policy as readable text. */
export function missingText(p: MissingPolicy): string {
  return p.policy === 'exclude'
    ? 'missing: excluded for the ally, its weight spread over the side\'s other items'
    : `missing: score imputed with the ${p.with} of the allies' scores, flagged`;
}

export interface CitationText extends Citation {
  /** The source's title and full citation from the registry (null: not in the lookup given). */
  title: string | null;
  citation: string | null;
}

export interface MethodologyLine {
  item: string;
  side: Side;
  group: string;
  label: string;
  unit: string;
  /** What the line measures; "not stated" when the methodology does not say. */
  construct: string;
  constructStated: boolean;
  formula: string;
  normalization: string;
  missing: string;
  /** Staleness window of the item's latest reads, years. */
  staleness: number;
  weight: number;
  /** Share of the side's weight with every item present. */
  share: number;
  /** Net points per point of score (signed) and over the 0-100 range. */
  perPoint: number;
  fullRange: number;
  /** The heading's 0-100 range in net points (signed). */
  headingFullRange: number;
  rationale: string;
  citations: CitationText[];
}

/** Every line of a methodology in words, with what a point of it is worth. `sources`: the registry, for citation texts. */
export function methodologyLines(m: Methodology, sources?: ReadonlyMap<string, { title: string; citation: string }>): MethodologyLine[] {
  const worth = pointWorth(m);
  const scaleOf = (item: LineItem) => (item.measure.op === 'judgment' ? m.judgments[item.measure.judgment]?.scale : undefined);
  return m.items.map((item, k) => {
    const w = worth.items[k];
    const heading = worth.headings.find((h) => h.side === item.side && h.group === item.group)!;
    const staleness = item.staleness_years ?? m.staleness_years;
    return {
      item: item.id, side: item.side, group: item.group, label: item.label, unit: item.unit,
      construct: item.construct ?? NOT_STATED, constructStated: item.construct !== undefined,
      formula: formulaText(item.measure, staleness, m),
      normalization: normalizationText(item.normalize, scaleOf(item)),
      missing: missingText(item.missing),
      staleness,
      weight: item.weight, share: w.share, perPoint: w.perPoint, fullRange: w.fullRange, headingFullRange: heading.fullRange,
      rationale: item.rationale,
      citations: item.citations.map((c) => ({ ...c, title: sources?.get(c.source)?.title ?? null, citation: sources?.get(c.source)?.citation ?? null })),
    };
  });
}

// ---------------------------------------------------------------------------------------
// Why this rank
// ---------------------------------------------------------------------------------------

export interface WhyLine {
  item: string;
  side: Side;
  group: string;
  label: string;
  allyScore: number | null;
  /** Median score among the ranked allies with a score for the item. */
  medianScore: number | null;
  /** Points the line gives the ally's net (liabilities negative); 0 when it has no score. */
  allyPoints: number;
  /** Median of the line's points among the ranked allies with a score for it (signed likewise). */
  medianPoints: number;
  /** allyPoints − medianPoints: what the line does to the ally's net relative to the median ally. */
  difference: number;
  allyMissing: boolean;
  imputed: boolean;
  /** Why the ally has no score (null when it has one). */
  reason: string | null;
  /** How many of the ranked allies have a score for the line (the median is over them). */
  scoredAmong: number;
}

export interface WhyHeading {
  side: Side;
  group: string;
  items: string[];
  allyPoints: number;
  medianPoints: number;
  difference: number;
}

export interface RankBand {
  /** Central interval of the rank at the robustness run's probability. */
  low: number;
  high: number;
  modal: number;
  interval: number;
  draws: number;
  netLow: number;
  netHigh: number;
}

export interface Neighbour {
  rank: number;
  ally: string;
  name: string;
  net: number;
  /** The neighbour's net minus the ally's. */
  gap: number;
}

export interface WhyThisRank {
  methodology: { id: string; version: string };
  year: number;
  ally: string;
  name: string;
  region: string | null;
  ranked: boolean;
  rank: number | null;
  /** For an ally without a rank but with a net (a partner, or coverage too low): 1 + the ranked allies with a higher net. */
  placedAt: number | null;
  rankedCount: number;
  band: RankBand | null;
  assets: number | null;
  liabilities: number | null;
  net: number | null;
  /** The median ally: the middle of the other ranked allies by net (two middle ones averaged); its lines add up to its net. */
  reference: { allies: number; /** The median ally (or the two middle ones, averaged), by ISO code and as words. */ versus: string[]; label: string; assets: number; liabilities: number; net: number; medianNet: number | null };
  /** The ally's net (the sum of its lines' points) minus the reference net. */
  gap: number;
  /** Every line, the largest difference (in absolute value) first. */
  lines: WhyLine[];
  headings: WhyHeading[];
  reconciliation: { sumOfDifferences: number; gap: number; residual: number; statement: string };
  /** The allies ranked just above and below (by net when the ally is unranked). */
  neighbours: Neighbour[];
  /** What one point of each line and heading is worth on the ally's ledger (when the methodology was given). */
  worth: PointWorth | null;
  notes: string[];
}

export interface WhyOptions {
  /** For the rank band: a robustness run of the same ledger. */
  robustness?: RobustnessResult | null;
  /** For what a point is worth: the methodology the ledger was computed with (weights included). */
  methodology?: Methodology;
  /** Allies shown on each side in the ranking (default 2). */
  neighbours?: number;
}

/** Median of a non-empty list (mean of the two middle values for an even count); null when empty. */
/** The median ally of a group by a value: the middle one, or the two middle ones (their mean is the median); ties broken by ISO code. */
export function medianAllies(group: readonly AllyLedger[], value: (a: AllyLedger) => number): AllyLedger[] {
  const sorted = [...group].sort((a, b) => value(a) - value(b) || (a.ally < b.ally ? -1 : 1));
  const n = sorted.length;
  if (n === 0) return [];
  return n % 2 === 1 ? [sorted[(n - 1) / 2]] : [sorted[n / 2 - 1], sorted[n / 2]];
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const fmt = (x: number, digits = 1) => (Math.abs(x) < 0.05 && digits === 1 ? '0.0' : x.toFixed(digits)).replace(/^-/, '−');
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`;

/**
 * Why an ally ranks where it does: for every line item (and heading) the points the line
 * gives the ally's net minus the median of the points it gives the ranked allies of the
 * year, signed for the net (liabilities negative), the largest first. The medians make a
 * reference ally whose net is their sum, so the differences add up exactly to the ally's net
 * minus that reference net. A line the ally has no score for counts 0 points (its weight was
 * spread over the side's other lines); a line's median is over the ranked allies with a
 * score for it. Also the rank, the rank band (with a robustness run) and the neighbours.
 */
export function whyThisRank(ledger: YearLedger, ally: string, options: WhyOptions = {}): WhyThisRank {
  const mine = ledger.allies.find((a) => a.ally === ally);
  if (!mine) throw new Error(`${ally} has no ledger in ${ledger.year} (allies of the year: ${ledger.allies.map((a) => a.ally).join(' ')})`);
  const ranked = ledger.allies.filter((a) => a.ranked && a.net !== null);
  const notes: string[] = [];

  // The median ally: the middle one of the other ranked allies by net (two middle ones
  // averaged), an actual ally whose lines add up to its net (src/analyses/validation.ts
  // compares with the same one).
  const versus = medianAllies(ranked.filter((a) => a.ally !== ally), (a) => a.net!);
  const lines: WhyLine[] = mine.lines.map((line) => {
    const sign = SIGN[line.side];
    const theirs = versus.map((a) => a.lines.find((l) => l.item === line.item));
    const others = ranked.map((a) => a.lines.find((l) => l.item === line.item)).filter((l): l is LedgerLine => l !== undefined && l.contribution !== null && l.score !== null);
    const medianPoints = versus.length ? sign * theirs.reduce((t, l) => t + (l?.contribution ?? 0), 0) / versus.length : 0;
    const scored = theirs.filter((l): l is LedgerLine => l !== undefined && l.score !== null);
    const allyPoints = sign * (line.contribution ?? 0);
    return {
      item: line.item, side: line.side, group: line.group, label: line.label,
      allyScore: line.score, medianScore: scored.length ? scored.reduce((t, l) => t + l.score!, 0) / scored.length : null,
      allyPoints, medianPoints, difference: allyPoints - medianPoints,
      allyMissing: line.score === null, imputed: line.imputed, reason: line.score === null ? line.reason ?? 'no data' : null,
      scoredAmong: others.length,
    };
  });

  const headings: WhyHeading[] = [];
  for (const l of lines) {
    let h = headings.find((x) => x.side === l.side && x.group === l.group);
    if (!h) headings.push((h = { side: l.side, group: l.group, items: [], allyPoints: 0, medianPoints: 0, difference: 0 }));
    h.items.push(l.item);
    h.allyPoints += l.allyPoints;
    h.medianPoints += l.medianPoints;
    h.difference += l.difference;
  }
  const bySize = <T extends { difference: number }>(xs: T[]) => xs.map((x, i) => [x, i] as const)
    .sort((a, b) => Math.abs(b[0].difference) - Math.abs(a[0].difference) || a[1] - b[1]).map(([x]) => x);

  const total = (side: Side, key: 'allyPoints' | 'medianPoints') => SIGN[side] * lines.filter((l) => l.side === side).reduce((t, l) => t + l[key], 0);
  const reference = {
    allies: ranked.length,
    versus: versus.map((a) => a.ally),
    label: `${versus.map((a) => `${a.name} (${a.ally})`).join(' and ') || 'none'}${versus.length === 2 ? ', averaged' : ''}`,
    assets: total('asset', 'medianPoints'),
    liabilities: total('liability', 'medianPoints'),
    net: lines.reduce((t, l) => t + l.medianPoints, 0),
    medianNet: versus.length ? versus.reduce((t, a) => t + a.net!, 0) / versus.length : null,
  };
  const allyNet = lines.reduce((t, l) => t + l.allyPoints, 0);
  const gap = allyNet - reference.net;
  const sumOfDifferences = lines.reduce((t, l) => t + l.difference, 0);
  const who = mine.name;
  const reconciliation = {
    sumOfDifferences, gap, residual: sumOfDifferences - gap,
    statement: `The differences add up to ${signed(sumOfDifferences)} points: ${who}'s net ${fmt(allyNet)} minus the median ally's ${fmt(reference.net)}.`,
  };

  notes.push(`The median ally is ${versus.map((a) => `${a.name} (${a.ally})`).join(' and ') || 'none'}${versus.length === 2 ? ', averaged' : ''}: the middle of the other ${ranked.filter((a) => a.ally !== ally).length} ranked allies of ${ledger.year} by net (${reference.medianNet === null ? 'none' : fmt(reference.medianNet)}); a line it has no score for counts 0 for it, as for any ally.`);
  const missingLines = lines.filter((l) => l.allyMissing);
  if (missingLines.length) {
    const one = missingLines.length === 1;
    notes.push(`${plural(missingLines.length, 'line')} without a score for ${who} ${one ? 'counts' : 'count'} 0 points (${missingLines.map((l) => l.label).join('; ')}): ${one ? 'its weight went' : 'each weight went'} to the other lines of its side, which therefore count more for ${who} than for an ally with every line.`);
  }
  const partial = lines.filter((l) => l.scoredAmong < ranked.length);
  if (partial.length) {
    notes.push(`${plural(partial.length, 'line')} ${partial.length === 1 ? 'lacks' : 'lack'} a score for some ranked allies; ${partial.length === 1 ? 'its' : 'their'} median is over the allies with one (${partial.map((l) => `${l.label}: ${l.scoredAmong} of ${ranked.length}`).join('; ')}).`);
  }
  const imputed = lines.filter((l) => l.imputed);
  if (imputed.length) notes.push(`Imputed scores (flagged in the ledger) count as scores: ${imputed.map((l) => l.label).join('; ')}.`);
  if (mine.net === null) notes.push(`${who} has no net in ${ledger.year} (a side without any scored line); the comparison uses the sum of its lines' points.`);
  else if (mine.partner) notes.push(`${who} is a partner in ${ledger.year}, not an ally: scored on the allies' scale and never ranked; it is compared with the ranked allies and placed among them by its net.`);
  else if (!mine.ranked) notes.push(`${who} is not ranked in ${ledger.year} (coverage ${Math.round(mine.coverage.overall * 100)}% of the line-item weight); it is compared with the ranked allies.`);

  // Neighbours: the ranked allies just above and below (an unranked ally is placed by its net).
  const k = options.neighbours ?? 2;
  const order = [...ranked].sort((x, y) => (x.rank ?? Infinity) - (y.rank ?? Infinity));
  const at = mine.rank !== null ? order.findIndex((a) => a.ally === ally) : order.findIndex((a) => a.net! < allyNet);
  const pos = at < 0 ? order.length : at;
  const near = [...order.slice(Math.max(0, pos - k), pos), ...order.slice(mine.rank !== null ? pos + 1 : pos, (mine.rank !== null ? pos + 1 : pos) + k)];
  const neighbours = near.map((a) => ({ rank: a.rank!, ally: a.ally, name: a.name, net: a.net!, gap: a.net! - allyNet }));

  const r = options.robustness?.allies.find((a) => a.ally === ally);
  const band: RankBand | null = r && options.robustness
    ? { low: r.rankInterval[0], high: r.rankInterval[1], modal: r.modalRank, interval: options.robustness.interval, draws: options.robustness.draws, netLow: r.net.low, netHigh: r.net.high }
    : null;

  return {
    methodology: ledger.methodology, year: ledger.year, ally, name: mine.name, region: mine.region,
    ranked: mine.ranked, rank: mine.rank, placedAt: mine.rank === null ? 1 + ranked.filter((a) => a.net! > allyNet).length : null, rankedCount: ledger.rankedCount, band,
    assets: mine.assets, liabilities: mine.liabilities, net: mine.net,
    reference, gap, lines: bySize(lines), headings: bySize(headings), reconciliation, neighbours,
    worth: options.methodology ? pointWorth(options.methodology, mine) : null,
    notes,
  };
}
