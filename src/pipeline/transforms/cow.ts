// Correlates of War state-year series: National Material Capabilities v7, the state system
// and major-power lists (v2016), and Anders, Fariss & Markowitz's simulated GDP and
// population. COW codes become ISO codes by year through the registry's crosswalk, so West
// Germany (260) is DEU, 345 is YUG, then SCG, then SRB, and 365 is SUN until 1991.
import type { Indicator, Observation } from '../../evidence/schema.ts';
import { LocatorPattern, ObservationColumns } from '../observation-columns.ts';
import type { CountryRegistry } from '../../evidence/countries.ts';
import type { CountryResolver } from '../countries.ts';
import { SnapshotError, integerAt, integerCell, numberCell } from '../snapshot.ts';
import type { CsvRecord, Where } from '../snapshot.ts';
import { observation } from '../transform.ts';
import type { EvidenceTable, FieldDef, Transform, TransformContext } from '../transform.ts';

const NMC_FILE = 'cow-nmc/cow_nmc_v7_peacesciencer.csv';
const STATES_FILE = 'cow-states/cow_states2016_peacesciencer.csv';
const MAJORS_FILE = 'cow-states/majors2016.csv';
const SDP_FILE = 'sdp-gdp-pop/cow_sdp_gdp_peacesciencer.csv';

const NMC = 'cow-nmc-7';
const STATES = 'cow-states-2016';
const SDP = 'anders-fariss-markowitz-2020';

/** The U.S. alliance system starts after the Second World War. */
export const FIRST_YEAR = 1946;

// peacesciencer's copy of NMC recodes COW's -9 to NA, written as an empty cell.
const NMC_MISSING: ReadonlySet<string> = new Set(['', 'NA']);
const NMC_MISSING_NOTE = 'COW codes the value -9 (missing); peacesciencer\'s copy recodes it to NA (empty cell).';
const SDP_MISSING: ReadonlySet<string> = new Set(['', 'NA']);
/** For codes and years: no marker may stand in for them, so an empty cell stops the build. */
export const REQUIRED: ReadonlySet<string> = new Set();

// ---------------------------------------------------------------------------------------
// COW codes and ISO codes

/** What a COW state code stands for in one year. */
export type CowCodeInYear =
  | { kind: 'state'; iso3: string }
  /** A unit the registry does not hold, listed with its reason (curated/country-names/cow.yaml, or SDP_UNITS below). */
  | { kind: 'not-a-country'; name: string }
  /** The crosswalk uses the code for other years only (255 in 1946-1989, when COW counts West Germany as 260). */
  | { kind: 'other-years' };

/**
 * The ISO code of a COW state code in a year. Codes the crosswalk never uses (Zanzibar, the
 * German states before 1871) are resolved by their COW state name, which the cow names file
 * maps to a code or lists as not a country; an unknown name stops the build.
 */
export function cowCodeInYear(countries: CountryResolver, ccode: number, year: number, stateName: string | undefined, where: Where): CowCodeInYear {
  const entries = crosswalkByCode(countries.registry).get(ccode);
  if (entries) return fromCrosswalk(entries, year)?.code ?? OTHER_YEARS;
  if (stateName === undefined) {
    throw new SnapshotError(where.file, where.row, where.column ?? 'ccode', `COW state code ${ccode} is not in the country registry, and the COW state list gives no name for it`,
      'Add the state to curated/countries.yaml, or list its COW name under not_countries in curated/country-names/cow.yaml.');
  }
  const resolved = countries.resolve('cow', stateName, where);
  return resolved ? { kind: 'state', iso3: resolved } : { kind: 'not-a-country', name: stateName };
}

/** A crosswalk entry's years, and what the code stands for in them (one frozen object, returned for every code-year the entry holds). */
interface CrosswalkYears {
  fromYear: number;
  toYear: number;
  code: CowCodeInYear & { kind: 'state' };
}

const OTHER_YEARS: CowCodeInYear = Object.freeze({ kind: 'other-years' });

// The registry scans its whole crosswalk on every fromCow call (some 300 entries); the files
// ask about tens of thousands of code-years. The crosswalk does not change, so each registry's
// entries are grouped by COW code once, in crosswalk order.
const crosswalkIndex = new WeakMap<CountryRegistry, Map<number, CrosswalkYears[]>>();

function crosswalkByCode(registry: CountryRegistry): Map<number, CrosswalkYears[]> {
  let index = crosswalkIndex.get(registry);
  if (!index) {
    index = new Map();
    for (const x of registry.crosswalk) {
      const years = { fromYear: x.from_year, toYear: x.to_year, code: Object.freeze({ kind: 'state' as const, iso3: x.iso3 }) };
      const entries = index.get(x.cow);
      if (entries) entries.push(years);
      else index.set(x.cow, [years]);
    }
    crosswalkIndex.set(registry, index);
  }
  return index;
}

/**
 * cowCodeInYear of one code for the years of a spell (cowRuns asks for every year, from as
 * early as 1816), with the code's crosswalk entries found once.
 */
export function cowCodeByYear(countries: CountryResolver, ccode: number, stateName: string | undefined, where: Where): (year: number) => CowCodeInYear {
  const entries = crosswalkByCode(countries.registry).get(ccode);
  if (entries) return (year) => fromCrosswalk(entries, year)?.code ?? OTHER_YEARS;
  return (year) => cowCodeInYear(countries, ccode, year, stateName, where);
}

/** registry.fromCow(ccode, year), from the code's entries only. */
export function cowToIso(registry: CountryRegistry, ccode: number, year: number): string | null {
  const entries = crosswalkByCode(registry).get(ccode);
  return (entries && fromCrosswalk(entries, year)?.code.iso3) ?? null;
}

/** registry.fromCow over one code's entries: the first entry whose years hold the year. */
function fromCrosswalk(entries: readonly CrosswalkYears[], year: number): CrosswalkYears | null {
  for (const x of entries) if (year >= x.fromYear && year <= x.toYear) return x;
  return null;
}

/**
 * cowCodeInYear for the rows of a file, with the crosswalk's index fetched once: a code in the
 * crosswalk needs neither the state name nor a Where (made only for the few codes outside it).
 */
function cowCodeReader(countries: CountryResolver, file: string, stateNames: Map<number, string>): (ccode: number, year: number, line: number) => CowCodeInYear {
  const index = crosswalkByCode(countries.registry);
  return (ccode, year, line) => {
    const entries = index.get(ccode);
    if (entries) return fromCrosswalk(entries, year)?.code ?? OTHER_YEARS;
    return cowCodeInYear(countries, ccode, year, stateNames.get(ccode), { file, row: line, column: 'ccode' });
  };
}

function outsideCrosswalkYears(where: Where, ccode: number, year: number): SnapshotError {
  return new SnapshotError(where.file, where.row, 'ccode', `COW code ${ccode} stands for no registered state in ${year} (the crosswalk uses it for other years only)`,
    'Extend the COW crosswalk in curated/countries.yaml if COW now counts this state in this year.');
}

/** A run of years in which a COW code stands for one thing. */
export interface CowRun {
  code: CowCodeInYear;
  fromYear: number;
  toYear: number;
}

/** Split the years of a dated spell (a state's membership, a capital) into runs of one ISO code. */
export function cowRuns(fromYear: number, toYear: number, codeIn: (year: number) => CowCodeInYear): CowRun[] {
  const runs: CowRun[] = [];
  for (let year = fromYear; year <= toYear; year++) {
    const code = codeIn(year);
    const last = runs.length > 0 ? runs[runs.length - 1] : undefined;
    // The crosswalk's codes are one object for all the years of an entry: most compare as the same object.
    if (last && (last.code === code || sameCode(last.code, code))) last.toYear = year;
    else runs.push({ code, fromYear: year, toYear: year });
  }
  return runs;
}

function sameCode(a: CowCodeInYear, b: CowCodeInYear): boolean {
  if (a.kind === 'state' && b.kind === 'state') return a.iso3 === b.iso3;
  if (a.kind === 'not-a-country' && b.kind === 'not-a-country') return a.name === b.name;
  return a.kind === b.kind;
}

/**
 * When two COW codes stand for one ISO code in the same year (1990: West Germany 260 and
 * Germany 255; North Yemen 678 and Yemen 679), the one the file carries on with into the next
 * year is the state of the year's end: it is kept, and the other is named in the kept row's note.
 */
export function pickContinuing<T extends { ccode: number; where: Where }>(candidates: T[], iso3: string, year: number, continues: (candidate: T) => boolean): T {
  if (candidates.length === 1) return candidates[0];
  const continuing = candidates.filter(continues);
  if (continuing.length !== 1) {
    const first = candidates[0].where;
    throw new SnapshotError(first.file, first.row, 'ccode', `COW codes ${candidates.map((c) => c.ccode).join(' and ')} all stand for ${iso3} in ${year}, and no single one continues into ${year + 1}`,
      'Check the rows against the publisher\'s original, or the COW crosswalk in curated/countries.yaml.');
  }
  return continuing[0];
}

/** "1990-10-03" from COW's year, month and day columns. */
function cowDate(where: Where, v: Record<string, string>, prefix: 'st' | 'end'): string {
  const [year, month, day] = (['year', 'month', 'day'] as const).map((part) => integerAt(where, `${prefix}${part}`, v[`${prefix}${part}`], REQUIRED)!);
  if (month < 1 || month > 12 || day < 1 || day > 31) {
    throw new SnapshotError(where.file, where.row, `${prefix}month`, `${year}-${month}-${day} is not a date`,
      'Replace the file with the publisher\'s original.');
  }
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------
// National Material Capabilities

interface NmcColumn {
  column: string;
  indicator: Indicator;
}

const NMC_COLUMNS: NmcColumn[] = [
  { column: 'milex', indicator: { id: 'cow_milex', label: 'Military expenditure (COW NMC)', unit: 'thousand current US$', dyadic: false, min: 0, max: 2e9,
    definition: 'Military expenditures in thousands of current-year U.S. dollars, as the Correlates of War National Material Capabilities data set (v7.0) defines them: the military budget of the state, converted at the exchange rate of the year.' } },
  { column: 'milper', indicator: { id: 'cow_milper', label: 'Military personnel (COW NMC)', unit: 'thousand persons', dyadic: false, min: 0, max: 1e4,
    definition: 'Military personnel in thousands: troops under the command of the national government, intended for use against foreign adversaries, and ready for combat (COW NMC v7.0; reserves are not counted).' } },
  { column: 'irst', indicator: { id: 'cow_irst', label: 'Iron and steel production (COW NMC)', unit: 'thousand tonnes', dyadic: false, min: 0, max: 3e6,
    definition: 'Iron and steel production in thousands of tons (COW NMC v7.0: pig iron before 1900, steel after).' } },
  { column: 'pec', indicator: { id: 'cow_pec', label: 'Primary energy consumption (COW NMC)', unit: 'thousand coal-ton equivalents', dyadic: false, min: 0, max: 2e7,
    definition: 'Primary energy consumption in thousands of coal-ton equivalents (COW NMC v7.0: coal, petroleum, natural gas, hydroelectric and nuclear electricity).' } },
  { column: 'tpop', indicator: { id: 'cow_tpop', label: 'Total population (COW NMC)', unit: 'thousand persons', dyadic: false, min: 0, max: 2e6,
    definition: 'Total population in thousands (COW NMC v7.0).' } },
  { column: 'upop', indicator: { id: 'cow_upop', label: 'Urban population (COW NMC)', unit: 'thousand persons', dyadic: false, min: 0, max: 1e6,
    definition: 'Urban population in thousands: the population of cities of 100,000 people or more (COW NMC v7.0).' } },
  { column: 'cinc', indicator: { id: 'cinc', label: 'Composite Index of National Capability', unit: 'share of the state system (0-1)', dyadic: false, min: 0, max: 1,
    definition: 'Composite Index of National Capability (COW NMC v7.0): the mean of the state\'s shares of the system totals of military expenditure, military personnel, iron and steel production, primary energy consumption, total population and urban population; the shares of all states sum to 1 in a year.' } },
];

interface CowStateYearRow {
  ccode: number;
  year: number;
  iso3: string;
  line: number;
  values: Record<string, string>;
  /** The file's next row for the same ISO code and year (1990: DEU under 260 and 255), or null. */
  next: CowStateYearRow | null;
}

/**
 * A file's state-year rows (all from 1946) grouped by ISO code and year, each group as its first
 * row with the others chained by `next`: one object per row (not a row, a key string and an
 * array each), the groups in the order of their first rows.
 */
class StateYearGroups {
  readonly firsts: CowStateYearRow[] = [];
  /** ISO code -> the first rows of its groups, by year - FIRST_YEAR. */
  private readonly byIso = new Map<string, (CowStateYearRow | undefined)[]>();

  add(row: CowStateYearRow): void {
    let years = this.byIso.get(row.iso3);
    if (!years) this.byIso.set(row.iso3, (years = []));
    const first = years[row.year - FIRST_YEAR];
    if (first === undefined) {
      years[row.year - FIRST_YEAR] = row;
      this.firsts.push(row);
    } else {
      let last = first;
      while (last.next !== null) last = last.next;
      last.next = row;
    }
  }

  /** The first row for an ISO code and year. */
  get(iso3: string, year: number): CowStateYearRow | undefined {
    return this.byIso.get(iso3)?.[year - FIRST_YEAR];
  }

  /** Whether the file has a row for the same code and ISO code in the following year. */
  carriedOn(row: CowStateYearRow): boolean {
    for (let next: CowStateYearRow | null = this.get(row.iso3, row.year + 1) ?? null; next !== null; next = next.next) {
      if (next.ccode === row.ccode) return true;
    }
    return false;
  }

  /** The rows kept, one per group in the order of `firsts` (picked before anything is made of them, so a conflict stops the build first). */
  keptRows(file: string): CowStateYearRow[] {
    return this.firsts.map((first) => this.kept(first, file));
  }

  /** The row kept of a group (pickContinuing, given the rows' Wheres only when there are two or more). */
  kept(first: CowStateYearRow, file: string): CowStateYearRow {
    if (first.next === null) return first;
    const candidates: { row: CowStateYearRow; ccode: number; where: Where }[] = [];
    for (let r: CowStateYearRow | null = first; r !== null; r = r.next) candidates.push({ row: r, ccode: r.ccode, where: { file, row: r.line } });
    return pickContinuing(candidates, first.iso3, first.year, (c) => this.carriedOn(c.row)).row;
  }
}

/** The rows of a group other than the kept one, in file order. */
function othersOf(first: CowStateYearRow, kept: CowStateYearRow): CowStateYearRow[] {
  const others: CowStateYearRow[] = [];
  for (let r: CowStateYearRow | null = first; r !== null; r = r.next) if (r !== kept) others.push(r);
  return others;
}

/**
 * NMC rows from 1946 with their ISO codes. Rows of states listed as not countries (Zanzibar,
 * 1963-1964) are left out by that listing; where two codes stand for one ISO code in a year,
 * the continuing state is kept and the other named in the kept row's note.
 */
function nmcStateYears(records: CsvRecord[], countries: CountryResolver, stateNames: Map<number, string>): StateYearGroups {
  const groups = new StateYearGroups();
  const codeIn = cowCodeReader(countries, NMC_FILE, stateNames);
  for (const { line, values } of records) {
    const year = integerCell(NMC_FILE, line, 'year', values.year);
    const ccode = integerCell(NMC_FILE, line, 'ccode', values.ccode);
    if (year < FIRST_YEAR) continue;
    const code = codeIn(ccode, year, line);
    if (code.kind === 'not-a-country') continue;
    if (code.kind === 'other-years') throw outsideCrosswalkYears({ file: NMC_FILE, row: line }, ccode, year);
    groups.add({ ccode, year, iso3: code.iso3, line, values, next: null });
  }
  return groups;
}

function mergedNote(mergedWith: CowStateYearRow[], stateNames: Map<number, string>, kept: number): string {
  if (mergedWith.length === 0) return '';
  const others = mergedWith.map((r) => `${stateNames.get(r.ccode) ?? 'COW'} (${r.ccode}) at row ${r.line}`).join(', ');
  return `COW also lists ${others} for this year; the state of the year's end (${kept}) is kept.`;
}

/** A cell's locator is "<file> row <n>, column milex" (and so on): a pattern per column. */
const NMC_CELLS = NMC_COLUMNS.map(({ column }) => new LocatorPattern(`${NMC_FILE} row `, `, column ${column}`));

function nmcObservations(groups: StateYearGroups, stateNames: Map<number, string>, out: ObservationColumns): void {
  const kept = groups.keptRows(NMC_FILE);
  for (let g = 0; g < kept.length; g++) {
    const first = groups.firsts[g];
    const row = kept[g];
    const merged = row === first && first.next === null ? '' : mergedNote(othersOf(first, row), stateNames, row.ccode);
    // The two notes a row's cells can have, made once for the row.
    const present = merged;
    const missing = merged ? `${NMC_MISSING_NOTE} ${merged}` : NMC_MISSING_NOTE;
    for (let c = 0; c < NMC_COLUMNS.length; c++) {
      const { column, indicator } = NMC_COLUMNS[c];
      const value = numberCell(NMC_FILE, row.line, column, row.values[column], NMC_MISSING);
      const cell = NMC_CELLS[c];
      out.push(observation({
        country: row.iso3,
        indicator: indicator.id,
        year: row.year,
        value,
        source: NMC,
        locator: cell.text(row.line),
        note: value === null ? missing : present,
      }), cell);
    }
  }
}

// ---------------------------------------------------------------------------------------
// State system membership and major powers

const SPELL_FIELDS: FieldDef[] = [
  { name: 'iso3', type: 'string', description: 'ISO code the COW code stands for in these years; empty for states the registry does not hold (curated/country-names/cow.yaml)' },
  { name: 'ccode', type: 'integer', description: 'COW numeric state code' },
  { name: 'stateabb', type: 'string', description: 'COW alphabetic state code' },
  { name: 'start_date', type: 'string', description: 'first day of the spell, as COW dates it (YYYY-MM-DD)' },
  { name: 'end_date', type: 'string', description: 'last day of the spell, as COW dates it; 2016-12-31 means the spell was running when the v2016 list was closed' },
  { name: 'iso_from_year', type: 'integer', description: 'first year of the spell in which the COW code stands for this ISO code' },
  { name: 'iso_to_year', type: 'integer', description: 'last year of the spell in which the COW code stands for this ISO code' },
  { name: 'source', type: 'string', description: 'source id' },
];

type SpellRow = Record<string, string | number | null>;

/**
 * One row per spell and ISO code: a spell whose COW code changes ISO code (365: SUN until 1991,
 * then RUS) is split by year. Spells that ended before 1946, and years in which the crosswalk
 * gives the code to no state, are left out.
 */
function spellRows(records: CsvRecord[], file: string, countries: CountryResolver, stateNames: Map<number, string>, extra: (v: Record<string, string>) => SpellRow): SpellRow[] {
  const out: SpellRow[] = [];
  for (const { line, values } of records) {
    const where = { file, row: line };
    const ccode = integerAt(where, 'ccode', values.ccode, REQUIRED)!;
    const start = cowDate(where, values, 'st');
    const end = cowDate(where, values, 'end');
    const fromYear = Number(start.slice(0, 4));
    const toYear = Number(end.slice(0, 4));
    if (toYear < FIRST_YEAR) continue;
    const runs = cowRuns(fromYear, toYear, cowCodeByYear(countries, ccode, stateNames.get(ccode), { ...where, column: 'ccode' }));
    for (const run of runs) {
      if (run.toYear < FIRST_YEAR || run.code.kind === 'other-years') continue;
      out.push({
        iso3: run.code.kind === 'state' ? run.code.iso3 : null,
        ccode,
        stateabb: values.stateabb,
        ...extra(values),
        start_date: start,
        end_date: end,
        iso_from_year: run.fromYear,
        iso_to_year: run.toYear,
        source: STATES,
      });
    }
  }
  return out;
}

function stateSystemTable(records: CsvRecord[], countries: CountryResolver, stateNames: Map<number, string>): EvidenceTable {
  return {
    name: 'state_system',
    title: 'COW state system membership (v2016)',
    description: 'Spells of membership in the international system as the Correlates of War State System Membership List v2016 dates them, for spells running at some time since 1946, with the ISO code each COW code stands for in those years. A spell whose code changes ISO code (365: Soviet Union to 1991, Russia from 1992) has one row per ISO code.',
    sources: [STATES],
    fields: [...SPELL_FIELDS.slice(0, 3), { name: 'statenme', type: 'string', description: 'COW state name' }, ...SPELL_FIELDS.slice(3)],
    primaryKey: ['ccode', 'start_date', 'iso_from_year'],
    rows: spellRows(records, STATES_FILE, countries, stateNames, (v) => ({ statenme: v.statenme })),
  };
}

function majorPowersTable(records: CsvRecord[], countries: CountryResolver, stateNames: Map<number, string>): EvidenceTable {
  return {
    name: 'major_powers',
    title: 'COW major powers (v2016)',
    description: 'Spells of major-power status as the Correlates of War State System Membership List v2016 (majors2016) dates them, for spells running at some time since 1946, with the ISO code of each year range.',
    sources: [STATES],
    fields: SPELL_FIELDS,
    primaryKey: ['ccode', 'start_date', 'iso_from_year'],
    rows: spellRows(records, MAJORS_FILE, countries, stateNames, () => ({})),
  };
}

// ---------------------------------------------------------------------------------------
// Anders, Fariss & Markowitz simulated GDP and population

/**
 * The "COW" file of Anders, Fariss & Markowitz numbers some units as Gleditsch & Ward do, not
 * as COW does: these codes are read here, in every year, as stated; all others through the
 * COW crosswalk.
 */
const SDP_UNITS: ReadonlyMap<number, { iso3: string | null; reason: string }> = new Map([
  [260, { iso3: 'DEU', reason: 'Gleditsch-Ward German Federal Republic, continued as Germany after 1990 (COW switches to 255)' }],
  [265, { iso3: 'DDR', reason: 'German Democratic Republic, estimated from 1946 (COW lists it from 1954)' }],
  [340, { iso3: 'SRB', reason: 'Gleditsch-Ward Serbia (COW keeps Serbia under 345); estimated for every year' }],
  [678, { iso3: 'YEM', reason: 'Gleditsch-Ward Yemen (Arab Republic), continued as Yemen after 1990 (COW switches to 679)' }],
  [815, { iso3: 'VNM', reason: 'Gleditsch-Ward Vietnam, here 1950-1953, before the 1954 partition (then 816)' }],
  [970, { iso3: 'KIR', reason: 'Gleditsch-Ward Kiribati (COW 946; COW 970 is Nauru); population about 96,000 in 2010' }],
  [971, { iso3: 'NRU', reason: 'Gleditsch-Ward Nauru (COW 970); population about 9,700 in 2010' }],
  [972, { iso3: 'TON', reason: 'Gleditsch-Ward Tonga (COW 955); population about 100,000 in 2010' }],
  [973, { iso3: 'TUV', reason: 'Gleditsch-Ward Tuvalu (COW 947); population about 9,500 in 2010' }],
  [396, { iso3: null, reason: 'Abkhazia (Gleditsch-Ward 396): not a registered state' }],
  [397, { iso3: null, reason: 'South Ossetia (Gleditsch-Ward 397): not a registered state' }],
  [711, { iso3: null, reason: 'Tibet (Gleditsch-Ward 711, to 1950): not a registered state' }],
  [708, { iso3: null, reason: 'not a state code in COW or Gleditsch-Ward, and the file does not name the unit' }],
  [709, { iso3: null, reason: 'not a state code in COW or Gleditsch-Ward; every value is NA' }],
]);

const SDP_INDICATORS: Indicator[] = [
  { id: 'sdp_gdp_estimate', label: 'GDP, simulated estimate (Anders, Fariss & Markowitz)', unit: 'constant 2011 US$', dyadic: false, min: 1e6, max: 5e13,
    definition: 'Estimated gross domestic product in constant 2011 U.S. dollars, from the latent-variable simulation of Anders, Fariss & Markowitz (2020), which combines several historical GDP series (World Bank, Maddison and others). The file gives the natural log (wbgdp2011est, rounded to three decimals); the value is its exponential, to four significant figures. The magnitudes (China above $15 trillion in 2010) show a purchasing-power-parity basis, like the World Bank\'s 2011 international dollars. An estimate, not a statistic: every value is flagged "estimate". It covers Taiwan (COW 713), which the World Bank omits. Some units the file numbers as Gleditsch & Ward do are read as such (260 Germany throughout, 340 Serbia, 678 Yemen, 970-973 Pacific states).' },
  { id: 'sdp_population_estimate', label: 'Population, simulated estimate (Anders, Fariss & Markowitz)', unit: 'persons', dyadic: false, min: 1000, max: 2e9,
    definition: 'Estimated population from the latent-variable simulation of Anders, Fariss & Markowitz (2020). The file gives the natural log (wbpopest, rounded to three decimals); the value is its exponential, to four significant figures. An estimate: every value is flagged "estimate".' },
];

const SDP_COLUMNS: [string, string][] = [['wbgdp2011est', 'sdp_gdp_estimate'], ['wbpopest', 'sdp_population_estimate']];

/** "Code 260: <reason>." for each unit read as stated, made once. */
const SDP_UNIT_NOTES: ReadonlyMap<number, string> = new Map([...SDP_UNITS].map(([ccode, unit]) => [ccode, `Code ${ccode}: ${unit.reason}.`]));

const SDP_NA_NOTE = 'NA in the file: the simulation gives no estimate for this state-year.';

/** As NMC_LOCATOR_ROW and NMC_LOCATOR_COLUMNS. */
const SDP_CELLS = SDP_COLUMNS.map(([column]) => new LocatorPattern(`${SDP_FILE} row `, `, column ${column}`));

// One flags array for all estimates and one for all missing values (as observation() shares
// its defaults; frozen, so that nothing can change the flags of all at once).
const ESTIMATE_FLAGS = Object.freeze(['estimate']) as unknown as Observation['flags'];
const MISSING_FLAGS = Object.freeze(['missing']) as unknown as Observation['flags'];

function sdpObservations(records: CsvRecord[], countries: CountryResolver, stateNames: Map<number, string>, out: ObservationColumns): void {
  const groups = new StateYearGroups();
  const codeIn = cowCodeReader(countries, SDP_FILE, stateNames);
  for (const { line, values } of records) {
    const year = integerCell(SDP_FILE, line, 'year', values.year);
    const ccode = integerCell(SDP_FILE, line, 'ccode', values.ccode);
    if (year < FIRST_YEAR) continue;
    const unit = SDP_UNITS.get(ccode);
    const code: CowCodeInYear = unit
      ? unit.iso3 ? { kind: 'state', iso3: unit.iso3 } : { kind: 'not-a-country', name: unit.reason }
      : codeIn(ccode, year, line);
    if (code.kind === 'not-a-country') continue;
    if (code.kind === 'other-years') throw outsideCrosswalkYears({ file: SDP_FILE, row: line }, ccode, year);
    groups.add({ ccode, year, iso3: code.iso3, line, values, next: null });
  }
  for (const first of groups.firsts) {
    const row = groups.kept(first, SDP_FILE);
    // What the notes add for a unit read as stated, or for other codes of the ISO code and year.
    const unitNote = SDP_UNIT_NOTES.get(row.ccode) ?? '';
    const others = first.next === null ? [] : othersOf(first, row).map((r) => `${r.ccode} at row ${r.line}`);
    const othersNote = others.length ? `The file also has code ${others.join(', ')} for this ISO code and year; the code that continues is kept.` : '';
    const extra = unitNote && othersNote ? `${unitNote} ${othersNote}` : unitNote || othersNote;
    const missingNote = extra ? `${SDP_NA_NOTE} ${extra}` : SDP_NA_NOTE;
    for (let c = 0; c < SDP_COLUMNS.length; c++) {
      const [column, indicator] = SDP_COLUMNS[c];
      const log = numberCell(SDP_FILE, row.line, column, row.values[column], SDP_MISSING);
      const value = log === null ? null : Number(Math.exp(log).toPrecision(4));
      const cell = SDP_CELLS[c];
      out.push(observation({
        country: row.iso3,
        indicator,
        year: row.year,
        value,
        source: SDP,
        locator: cell.text(row.line),
        flags: value === null ? MISSING_FLAGS : ESTIMATE_FLAGS,
        note: value === null ? missingNote : extra ? `exp(${log}). ${extra}` : `exp(${log}).`,
      }), cell);
    }
  }
}

// ---------------------------------------------------------------------------------------

export const transform: Transform = {
  id: 'cow',
  title: 'Correlates of War: capabilities, state system, simulated GDP',
  sources: [NMC, STATES, SDP],
  indicators: [...NMC_COLUMNS.map((c) => c.indicator), ...SDP_INDICATORS],
  needsSnapshot: true,
  async run(ctx: TransformContext) {
    const { snapshot, countries } = ctx;
    const states = await snapshot.readCsv(STATES_FILE, STATES, {
      requireColumns: ['stateabb', 'ccode', 'statenme', 'styear', 'stmonth', 'stday', 'endyear', 'endmonth', 'endday'],
    });
    const stateNames = new Map<number, string>();
    for (const { line, values } of states) stateNames.set(integerAt({ file: STATES_FILE, row: line }, 'ccode', values.ccode, REQUIRED)!, values.statenme);

    const majors = await snapshot.readCsv(MAJORS_FILE, STATES, {
      requireColumns: ['stateabb', 'ccode', 'styear', 'stmonth', 'stday', 'endyear', 'endmonth', 'endday'],
    });
    const nmc = await snapshot.readCsv(NMC_FILE, NMC, { requireColumns: ['ccode', 'year', ...NMC_COLUMNS.map((c) => c.column)] });
    const observations = new ObservationColumns();
    nmcObservations(nmcStateYears(nmc, countries, stateNames), stateNames, observations);
    const sdp = await snapshot.readCsv(SDP_FILE, SDP, { requireColumns: ['ccode', 'year', ...SDP_COLUMNS.map(([c]) => c)] });
    sdpObservations(sdp, countries, stateNames, observations);

    return {
      observations,
      tables: [
        stateSystemTable(states, countries, stateNames),
        majorPowersTable(majors, countries, stateNames),
      ],
    };
  },
};
