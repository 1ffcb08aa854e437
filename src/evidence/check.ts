// `allies data check`: validate the evidence tables and report coverage of the covered allies.
import type { Evidence } from './load.ts';
import { COUNTRY_CODE, Observation as ObservationSchema, OBSERVATION_YEARS, ObservationFlag } from './schema.ts';
import type { Indicator, Observation } from './schema.ts';

export interface CheckProblem {
  /** The evidence file, relative to the evidence folder (e.g. observations/wdi.csv). */
  file: string;
  /** The row in that file as a spreadsheet numbers it (the header is row 1); null for the whole file. */
  row: number | null;
  /** The column at fault. */
  field: string;
  problem: string;
  /**
   * "warning" for a problem the build already knows and flags on the row (it keeps the value as
   * published, flagged uncertain, with the reason in the note); "error" for anything else, which
   * is new to the build and fails the check.
   */
  severity: 'error' | 'warning';
  /** For a warning: how the build marks it known (its flag and note). */
  known?: string;
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

/**
 * The file an indicator's rows are in: indicators.csv names the transform that makes it, and the
 * build writes that transform's rows to observations/<transform>.csv (the typed Indicator leaves
 * the column out; the loaded row keeps it).
 */
function observationFile(indicator: Indicator): string | null {
  const transform = (indicator as Indicator & { transform?: unknown }).transform;
  return typeof transform === 'string' && transform !== '' ? `observations/${transform}.csv` : null;
}

/**
 * Check every observation against the schema and the registries (countries, sources,
 * indicators and their plausible ranges), naming the file, row and column of each problem.
 *
 * The build and the check agree: a value outside its indicator's plausible range that the build
 * kept as published but flagged "uncertain" (Georgia's GDP for 1987-1989, a unit error in the
 * World Bank's series) is a known problem, listed as a warning; the same value without the flag,
 * or any other problem (unknown source, country or indicator, a missing value not flagged
 * missing, a duplicate, a schema violation), is new and an error.
 */
export function checkEvidence(evidence: Evidence): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const sourceIds = new Set(evidence.sources.map((s) => s.id));
  const indicatorIds = new Map(evidence.indicators.map((i) => [i.id, i]));
  const seen = new Set<string>();
  // loadEvidence reads observations/<transform>.csv file by file, in order, and every row of a
  // file holds an indicator of that transform (the loader relies on it to read only some files):
  // so each row's file follows from its indicator, and its row from the rows of that file before it.
  // A row with an unknown indicator belongs to the file of the row before it.
  const rowsSoFar = new Map<string, number>();
  let file = 'observations';
  for (const o of evidence.observations) {
    const ind = indicatorIds.get(o.indicator);
    file = (ind && observationFile(ind)) ?? file;
    const row = (rowsSoFar.get(file) ?? 1) + 1;
    rowsSoFar.set(file, row);
    const error = (field: string, problem: string) => problems.push({ file, row, field, problem, severity: 'error' });
    // The schema's own check names the issue; rows that plainly satisfy it skip the zod pass.
    const parsed = plainlyValid(o) ? null : ObservationSchema.safeParse(o);
    if (parsed && !parsed.success) {
      const issue = parsed.error.issues[0];
      error(issue.path.join('.') || 'row', issue.message);
    }
    if (!evidence.country(o.country)) error('country', `unknown country "${o.country}"`);
    if (o.counterpart && !evidence.country(o.counterpart)) error('counterpart', `unknown country "${o.counterpart}"`);
    if (!sourceIds.has(o.source)) error('source', `unknown source "${o.source}": not in sources.csv`);
    if (!ind) error('indicator', `unknown indicator "${o.indicator}": not in indicators.csv`);
    if (o.value === null && !o.flags.includes('missing')) error('flags', 'missing value not flagged "missing"');
    if (ind && o.value !== null) {
      const outside = ind.min !== null && o.value < ind.min
        ? `${o.country} ${o.indicator} ${o.year}: ${o.value} is below the plausible minimum ${ind.min} ${ind.unit}`
        : ind.max !== null && o.value > ind.max
          ? `${o.country} ${o.indicator} ${o.year}: ${o.value} is above the plausible maximum ${ind.max} ${ind.unit}`
          : null;
      if (outside && o.flags.includes('uncertain')) {
        problems.push({ file, row, field: 'value', problem: outside, severity: 'warning', known: `flagged uncertain by the build${o.note ? `: ${o.note}` : ''}` });
      } else if (outside) {
        error('value', `${outside}, and the row is not flagged uncertain (a value kept as published despite that must be flagged, with the reason in the note)`);
      }
    }
    const key = `${o.country}|${o.counterpart}|${o.indicator}|${o.year}|${o.source}`;
    if (seen.has(key)) error('key', `duplicate observation ${key}`);
    seen.add(key);
  }
  return problems;
}

/** The observation flags the schema knows. */
export const OBSERVATION_FLAGS: ReadonlySet<string> = new Set(ObservationFlag.options);
const finiteOrNull = (x: unknown) => x === null || (typeof x === 'number' && Number.isFinite(x));

/**
 * True only when the observation schema (schema.ts) accepts the row: a fast path for
 * checkEvidence over hundreds of thousands of rows. When it says false, zod decides and explains.
 */
export function plainlyValid(o: Observation): boolean {
  return typeof o.country === 'string' && COUNTRY_CODE.test(o.country)
    && typeof o.counterpart === 'string' && (o.counterpart === '' || COUNTRY_CODE.test(o.counterpart))
    && typeof o.indicator === 'string'
    && typeof o.year === 'number' && Number.isInteger(o.year) && o.year >= OBSERVATION_YEARS.min && o.year <= OBSERVATION_YEARS.max
    && finiteOrNull(o.value) && finiteOrNull(o.low) && finiteOrNull(o.high)
    && typeof o.source === 'string'
    && typeof o.locator === 'string' && o.locator.length >= 1
    && Array.isArray(o.flags) && o.flags.every((f) => OBSERVATION_FLAGS.has(f))
    && typeof o.note === 'string';
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
