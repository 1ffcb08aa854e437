// Pew Research Center Global Attitudes: the share of each surveyed country's public with a
// favorable view of the United States and of China, per survey wave. The snapshot holds
// weighted country-wave aggregates computed from the harmonized microdata (Pew's terms do not
// allow the microdata to be redistributed).
import type { Indicator, Observation } from '../../evidence/schema.ts';
import { SnapshotError, integerAt, numberAt } from '../snapshot.ts';
import type { CsvRecord, Where } from '../snapshot.ts';
import { observation } from '../transform.ts';
import type { Transform, TransformContext } from '../transform.ts';

const FILE = 'opinion-pew/pew_global_attitudes_favorability_country_year_weighted.csv';
const SOURCE = 'pew-global-attitudes';
const COLUMNS = ['target', 'wave', 'respondent_country_iso3', 'n_respondents', 'very_favorable', 'somewhat_favorable',
  'somewhat_unfavorable', 'very_unfavorable', 'dk', 'refused', 'pct_favorable'] as const;

/** Pew's percentages are rounded to 0.1, so the favorable total may differ from its parts by that much. */
const ROUNDING = 0.11;

const definition = (target: string) =>
  `Percentage of respondents in the surveyed country with a very or somewhat favorable opinion of ${target} (Pew Research Center Global Attitudes Survey, question on favorability of ${target}), weighted with Pew's survey weights, out of all respondents including "don't know" and refused. Aggregated from the worldregio harmonization of Pew's microdata, 2002-2023 waves; the year is the survey wave. The note gives the number of respondents and the answer shares.`;

const INDICATORS: Indicator[] = [
  { id: 'pew_us_favorable', label: 'Favorable view of the U.S. (Pew)', unit: '% of respondents', dyadic: false, min: 0, max: 100, definition: definition('the United States') },
  { id: 'pew_china_favorable', label: 'Favorable view of China (Pew)', unit: '% of respondents', dyadic: false, min: 0, max: 100, definition: definition('China') },
];

/** The file's target codes for the countries asked about, and the indicator each feeds. */
const TARGETS: ReadonlyMap<string, string> = new Map([['USA', 'pew_us_favorable'], ['CHN', 'pew_china_favorable']]);

function favorabilityObservation(line: number, v: Record<string, string>, ctx: TransformContext): Observation | null {
  const indicator = TARGETS.get(v.target.trim());
  if (!indicator) return null;
  const where: Where = { file: FILE, row: line };
  const country = ctx.countries.resolve('pew', v.respondent_country_iso3, { ...where, column: 'respondent_country_iso3' });
  if (country === null) return null;
  const year = integerAt(where, 'wave', v.wave, new Set())!;
  const n = integerAt(where, 'n_respondents', v.n_respondents);
  const share = (column: string) => numberAt(where, column, v[column]);
  const [very, somewhat, dk, refused] = ['very_favorable', 'somewhat_favorable', 'dk', 'refused'].map(share);
  const value = share('pct_favorable');
  if (value !== null && very !== null && somewhat !== null && Math.abs(very + somewhat - value) > ROUNDING) {
    throw new SnapshotError(FILE, line, 'pct_favorable', `${value} is not very_favorable + somewhat_favorable (${very} + ${somewhat})`,
      'Replace the file with the original aggregate, or recompute it from the microdata.');
  }
  return observation({
    country,
    indicator,
    year,
    value,
    source: SOURCE,
    locator: `${FILE} row ${line}`,
    note: value === null
      ? 'NA in the file: the question was not asked or not reported in this wave.'
      : `n = ${n ?? 'NA'} respondents; very favorable ${very}%, somewhat favorable ${somewhat}%, don't know ${dk}%, refused ${refused}% (weighted).`,
  });
}

function favorabilityObservations(records: CsvRecord[], ctx: TransformContext): Observation[] {
  const targets = new Set(records.map((r) => r.values.target.trim()));
  for (const target of TARGETS.keys()) {
    if (!targets.has(target)) {
      throw new SnapshotError(FILE, null, 'target', `no rows for target "${target}" (targets in the file: ${[...targets].sort().join(', ')})`,
        'The aggregate may have been rebuilt with other target codes; check the file against SOURCES.txt.');
    }
  }
  return records.flatMap(({ line, values }) => favorabilityObservation(line, values, ctx) ?? []);
}

export const transform: Transform = {
  id: 'pew',
  title: 'Pew Global Attitudes: favorability of the U.S. and China',
  sources: [SOURCE],
  indicators: INDICATORS,
  needsSnapshot: true,
  async run(ctx) {
    const records = await ctx.snapshot.readCsv(FILE, SOURCE, { requireColumns: COLUMNS });
    return { observations: favorabilityObservations(records, ctx) };
  },
};
