// NATO's own series of defence expenditure as a share of GDP, 2014-2024, for its members.
// The last column ("2024e") holds NATO's estimates. Iceland has no armed forces and is not in
// the table; the data check reports that gap.
import type { Indicator, Observation } from '../../evidence/schema.ts';
import { SnapshotError, numberAt } from '../snapshot.ts';
import type { CsvRecord } from '../snapshot.ts';
import { observation } from '../transform.ts';
import type { Transform, TransformContext } from '../transform.ts';

const FILE = 'nato-burden/nato_defence_expenditure_pct_gdp_2014_2024e.csv';
const SOURCE = 'nato-defexp-2024';

/** A year column: "2014", or "2024e" for NATO's estimate. */
const YEAR_COLUMN = /^(\d{4})(e?)$/;

const INDICATORS: Indicator[] = [
  { id: 'nato_defexp_share_gdp', label: 'Defence expenditure, % of GDP (NATO)', unit: '% of GDP', dyadic: false, min: 0, max: 10,
    definition: 'Defence expenditure as a share of GDP, in current prices, as NATO reports it for its members ("Defence Expenditure of NATO Countries (2014-2024)", June 2024). NATO defines defence expenditure as payments made by a national government specifically to meet the needs of its armed forces, those of allies or of the Alliance, including pensions, peacekeeping and NATO common funding, whichever ministry budgets them. Figures for 2024 are NATO estimates (column "2024e") and are flagged "estimate". The table gives Finland and Sweden for years before they joined (2023 and 2024).' },
];

interface YearColumn {
  column: string;
  year: number;
  estimate: boolean;
}

function yearColumns(header: string[]): YearColumn[] {
  const columns = header.flatMap((column) => {
    const m = YEAR_COLUMN.exec(column);
    return m ? [{ column, year: Number(m[1]), estimate: m[2] === 'e' }] : [];
  });
  if (columns.length === 0) {
    throw new SnapshotError(FILE, 1, null, 'no year columns (such as "2014" or "2024e") in the header', 'Replace the file with NATO\'s original table.');
  }
  return columns;
}

function defenceShareObservations(records: CsvRecord[], ctx: TransformContext): Observation[] {
  const columns = yearColumns(Object.keys(records[0]?.values ?? {}));
  const out: Observation[] = [];
  for (const { line, values } of records) {
    const country = ctx.countries.resolve('nato', values.Country, { file: FILE, row: line, column: 'Country' });
    if (country === null) continue;
    for (const { column, year, estimate } of columns) {
      const value = numberAt({ file: FILE, row: line }, column, values[column]);
      out.push(observation({
        country,
        indicator: 'nato_defexp_share_gdp',
        year,
        value,
        source: SOURCE,
        locator: `${FILE} row ${line}, column "${column}"`,
        flags: value === null ? ['missing'] : estimate ? ['estimate'] : [],
        note: value === null ? 'Empty in NATO\'s table: no figure published.' : estimate ? 'NATO estimate (column "2024e").' : '',
      }));
    }
  }
  return out;
}

export const transform: Transform = {
  id: 'nato',
  title: 'NATO defence expenditure as a share of GDP',
  sources: [SOURCE],
  indicators: INDICATORS,
  needsSnapshot: true,
  async run(ctx) {
    const records = await ctx.snapshot.readCsv(FILE, SOURCE, { requireColumns: ['Country'] });
    return { observations: defenceShareObservations(records, ctx) };
  },
};
