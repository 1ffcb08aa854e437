// The methodology in words for the appendix: how each line item's raw value is computed,
// normalized, and treated when missing. Read from the methodology file itself, so the
// appendix always describes the method the ledgers used.
import type { LineItem, Measure, MissingPolicy, Normalization } from '../method/index.ts';

function whose(m: Extract<Measure, { op: 'latest' }>): string {
  const parts = [];
  if (m.country) parts.push(`of ${m.country.replace(/_/g, ' ')}`);
  if (m.counterpart) parts.push(`with ${m.counterpart.replace(/_/g, ' ')}`);
  return parts.length ? ` ${parts.join(' ')}` : '';
}

/** A measure as a short formula: latest(milex_share_gdp), mean over 10 years of ..., a / b. */
export function describeMeasure(m: Measure): string {
  switch (m.op) {
    case 'latest': return `${m.indicator}${whose(m)}${m.staleness_years !== undefined ? ` (≤ ${m.staleness_years} y old)` : ''}`;
    case 'mean': case 'cumulative': case 'trend':
      return `${m.op === 'trend' ? 'trend (slope per year)' : m.op === 'mean' ? 'mean' : 'sum'} over ${m.years} y${m.min_years ? ` (≥ ${m.min_years} y of data)` : ''} of ${describeMeasure(m.of)}`;
    case 'ratio': return `${describeMeasure(m.numerator)} / ${describeMeasure(m.denominator)}`;
    case 'per_capita': return `${describeMeasure(m.of)} per person (${describeMeasure(m.population)})`;
    case 'product': return m.of.map(describeMeasure).join(' × ');
    case 'sum': return m.of.map(describeMeasure).join(' + ');
    case 'coalesce': return `first present of: ${m.of.map(describeMeasure).join('; ')}`;
    case 'difference': return `${describeMeasure(m.minuend)} − ${describeMeasure(m.subtrahend)}`;
    case 'log': return `log${m.base ? `_${m.base}` : ''}(${describeMeasure(m.of)})`;
    case 'scale': return `${m.factor} × ${describeMeasure(m.of)}`;
    case 'gap_to_target': return `gap ${m.direction} ${m.target} of ${describeMeasure(m.of)}`;
    case 'constant': return `constant ${m.value}${m.imputed ? ' (imputed)' : ''}`;
    case 'judgment': return `judgment "${m.judgment}"`;
    case 'network': return `${m.metric} in the network "${m.network}"`;
  }
}

export function describeNormalization(n: Normalization): string {
  const invert = n.invert ? ', inverted' : '';
  switch (n.method) {
    case 'minmax': return `min-max to 0-100 among the allies${n.scale !== 'linear' ? ` on a ${n.scale} scale` : ''}${n.winsorize ? `, winsorized at the ${n.winsorize[0] * 100}th and ${n.winsorize[1] * 100}th percentiles` : ''}${invert}`;
    case 'percentile': return `percentile rank among the allies${invert}`;
    case 'fixed': return `fixed range ${n.min} to ${n.max}${n.scale !== 'linear' ? ` on a ${n.scale} scale` : ''}${invert}`;
    case 'judgment_scale': return `the judgment's scale${invert}`;
  }
}

export function describeMissing(p: MissingPolicy): string {
  return p.policy === 'exclude'
    ? 'excluded for the ally; the side\'s other weights renormalized'
    : `score imputed with the ${p.with} of the allies' scores (flagged)`;
}

/** Shares of each item's weight within its side. */
export function sideShares(items: readonly LineItem[]): Map<string, number> {
  const totals = { asset: 0, liability: 0 };
  for (const i of items) totals[i.side] += i.weight;
  return new Map(items.map((i) => [i.id, totals[i.side] > 0 ? i.weight / totals[i.side] : 0]));
}
