// `allies data check`: validate the evidence tables and report coverage of the covered allies.
import type { Evidence } from './load.ts';
import { Observation as ObservationSchema } from './schema.ts';

export interface CheckProblem {
  file: string;
  row: number | null;
  field: string;
  problem: string;
}

/**
 * The evidence every covered ally must have for its latest year: each entry is one need,
 * met by the first indicator in its list that has a value (Taiwan's GDP is curated because
 * the World Bank publishes none).
 */
export const CORE_NEEDS: { need: string; indicators: string[] }[] = [
  { need: 'military expenditure, constant US$', indicators: ['milex_usd_constant_2023'] },
  { need: 'military expenditure, current US$', indicators: ['milex_usd_current'] },
  { need: 'military expenditure, % of GDP', indicators: ['milex_share_gdp', 'nato_defexp_share_gdp'] },
  { need: 'GDP', indicators: ['gdp_usd_current', 'gdp_usd_current_curated'] },
  { need: 'population', indicators: ['population', 'population_curated'] },
  { need: 'U.S. active-duty troops hosted', indicators: ['us_troops_active_duty'] },
];

export interface CoverageCell {
  indicator: string;
  latest_year: number | null;
  value: number | null;
  source: string | null;
  flags: string[];
  /** Why there is no value: no observation at all, or only rows flagged missing (with their note). */
  gap: string | null;
}

export interface AllyCoverage {
  iso3: string;
  name: string;
  region: string | null;
  reference: boolean;
  core: (CoverageCell & { need: string })[];
  commitment: { basis: string[]; rows: number; us_owes_defense: boolean | null; statement: string } | null;
  indicators: CoverageCell[];
  complete: boolean;
}

export interface CoverageReport {
  allies: AllyCoverage[];
  indicators: string[];
  gaps: { iso3: string; need: string; gap: string }[];
  complete: number;
}

export function checkEvidence(evidence: Evidence): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const sourceIds = new Set(evidence.sources.map((s) => s.id));
  const indicatorIds = new Map(evidence.indicators.map((i) => [i.id, i]));
  const seen = new Set<string>();
  evidence.observations.forEach((o, i) => {
    const file = `observations (${o.indicator})`;
    const parsed = ObservationSchema.safeParse(o);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push({ file, row: i, field: issue.path.join('.'), problem: issue.message });
    }
    if (!evidence.country(o.country)) problems.push({ file, row: i, field: 'country', problem: `unknown country "${o.country}"` });
    if (o.counterpart && !evidence.country(o.counterpart)) problems.push({ file, row: i, field: 'counterpart', problem: `unknown country "${o.counterpart}"` });
    if (!sourceIds.has(o.source)) problems.push({ file, row: i, field: 'source', problem: `unknown source "${o.source}"` });
    const ind = indicatorIds.get(o.indicator);
    if (!ind) problems.push({ file, row: i, field: 'indicator', problem: `unknown indicator "${o.indicator}"` });
    if (o.value === null && !o.flags.includes('missing')) problems.push({ file, row: i, field: 'flags', problem: 'missing value not flagged "missing"' });
    if (ind && o.value !== null) {
      if (ind.min !== null && o.value < ind.min) problems.push({ file, row: i, field: 'value', problem: `${o.country} ${o.year}: ${o.value} is below the plausible minimum ${ind.min} ${ind.unit}` });
      if (ind.max !== null && o.value > ind.max) problems.push({ file, row: i, field: 'value', problem: `${o.country} ${o.year}: ${o.value} is above the plausible maximum ${ind.max} ${ind.unit}` });
    }
    const key = `${o.country}|${o.counterpart}|${o.indicator}|${o.year}|${o.source}`;
    if (seen.has(key)) problems.push({ file, row: i, field: 'key', problem: `duplicate observation ${key}` });
    seen.add(key);
  });
  return problems;
}

function cell(evidence: Evidence, iso3: string, indicator: string): CoverageCell {
  const latest = evidence.latest(iso3, indicator);
  if (latest) return { indicator, latest_year: latest.year, value: latest.value, source: latest.source, flags: latest.flags, gap: null };
  const rows = evidence.series(iso3, indicator);
  const gap = rows.length === 0
    ? 'no observation'
    : `only missing values (${[...new Set(rows.map((r) => r.note).filter(Boolean))].slice(0, 2).join('; ') || 'no reason given'})`;
  return { indicator, latest_year: null, value: null, source: null, flags: [], gap };
}

const OBLIGATIONS = ['defense', 'offense', 'neutral', 'nonagg', 'consul'] as const;

export function coverage(evidence: Evidence): CoverageReport {
  const stateYearIndicators = evidence.indicators.filter((i) => !i.dyadic).map((i) => i.id);
  const commitments = evidence.tableNames().includes('us_commitments') ? evidence.table('us_commitments') : null;
  const gaps: CoverageReport['gaps'] = [];
  const allies = evidence.allies().map((a) => {
    const core = CORE_NEEDS.map(({ need, indicators }) => {
      const cells = indicators.map((id) => cell(evidence, a.iso3, id));
      const found = cells.find((c) => c.gap === null) ?? cells[0];
      if (found.gap !== null) gaps.push({ iso3: a.iso3, need, gap: found.gap });
      return { need, ...found };
    });
    let commitment: AllyCoverage['commitment'] = null;
    if (commitments) {
      // Rows in force, and the explicit "none" row the pipeline writes when nothing obliges the U.S.
      const rows = commitments.filter((r) => r.ally === a.iso3 && (r.in_force_2024 === true || r.commitment === 'none'));
      const defended = rows.filter((r) => r.us_defense === 1);
      const owed = (r: (typeof rows)[number]) => OBLIGATIONS.filter((o) => r[`ally_${o}`] === 1).join('+') || 'none';
      commitment = {
        basis: a.basis,
        rows: rows.length,
        us_owes_defense: rows.length ? defended.length > 0 : null,
        statement: rows.length === 0
          ? 'no commitment recorded'
          : defended.length > 0
            ? `U.S. owes defense (${defended.map((r) => `${r.commitment}; ally owes ${owed(r)}`).join(', ')})`
            : `no U.S. defense obligation (stated; ties: ${rows.filter((r) => r.commitment !== 'none').map((r) => r.commitment).join(', ') || 'none in force'})`,
      };
      if (rows.length === 0) gaps.push({ iso3: a.iso3, need: 'U.S. commitment', gap: 'no row in force in us_commitments' });
    } else {
      gaps.push({ iso3: a.iso3, need: 'U.S. commitment', gap: 'no us_commitments table' });
    }
    const indicators = stateYearIndicators.map((id) => cell(evidence, a.iso3, id));
    const complete = core.every((c) => c.gap === null) && commitment !== null && commitment.rows > 0;
    return { iso3: a.iso3, name: a.name, region: a.region, reference: a.reference, core, commitment, indicators, complete };
  });
  return { allies, indicators: stateYearIndicators, gaps, complete: allies.filter((a) => a.complete).length };
}
