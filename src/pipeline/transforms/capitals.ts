// Capitals and capital-to-capital distances: the dated capitals peacesciencer compiles for
// COW states, the great-circle distance from each covered ally's capital to the capitals of
// the United States and its rivals, year by year, and Gleditsch's static capital-distance
// file as a cross-check.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { parseYamlFile } from '../../evidence/sources.ts';
import type { Indicator, Observation } from '../../evidence/schema.ts';
import { LocatorPattern, ObservationColumns } from '../observation-columns.ts';
import type { CountryResolver } from '../countries.ts';
import { SnapshotError, integerAt, integerCell, numberAt, numberCell } from '../snapshot.ts';
import type { CsvRecord, Where } from '../snapshot.ts';
import { observation } from '../transform.ts';
import type { EvidenceTable, Transform } from '../transform.ts';
import { FIRST_YEAR, REQUIRED, cowCodeByYear, cowRuns, cowToIso, pickContinuing } from './cow.ts';

const CAPITALS_FILE = 'capitals-distance/cow_capitals_peacesciencer.csv';
const CAPDIST_FILE = 'capitals-distance/capdist_gleditsch.csv';
const CAPITALS = 'peacesciencer-capitals';
const CAPDIST = 'capdist-gleditsch';

/** The capitals file is current through 2024. */
const LAST_YEAR = 2024;

/** IUGG mean Earth radius (R1), km. */
export const EARTH_RADIUS_KM = 6371.0088;

/**
 * Gleditsch's file has one distance per pair of state codes and no date. Its codes are read as
 * the COW codes of 2001, the year the data set was published (Gleditsch & Ward 2001).
 */
export const CAPDIST_YEAR = 2001;

/** The United States and the rivals whose capitals the methodology measures distance to, as COW codes (365 is SUN until 1991). */
const COUNTERPART_COW_CODES = [2, 710, 365, 731, 630];

const INDICATORS: Indicator[] = [
  { id: 'capital_distance_km', label: 'Distance between capitals', unit: 'km', dyadic: true, min: 0, max: 20100,
    definition: `Great-circle distance from the country's capital to the counterpart's capital (Washington, Beijing, Moscow, Pyongyang, Tehran), by the haversine formula d = 2R asin(sqrt(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2))) on a sphere of radius R = ${EARTH_RADIUS_KM} km (IUGG mean Earth radius), from the coordinates of the capitals in force on 31 December of each year in peacesciencer's cow_capitals (COW states; for 1990 Germany, Berlin under COW 255, the state that continues). Years 1946-${LAST_YEAR} in which both capitals are known; Moscow before 1992 is the Soviet Union's capital (counterpart SUN). Flagged "derived". peacesciencer places Brasilia at the centre of Brazil (-10.33, -53.2), some 800 km from the city, and Beijing about 30 km north of its centre.` },
  { id: 'capdist_km', label: 'Distance between capitals (Gleditsch capdist)', unit: 'km', dyadic: true, min: 0, max: 20100,
    definition: `Distance between capital cities in km from Gleditsch & Ward's capdist file, kept as a cross-check of capital_distance_km. The file gives one distance per pair of state codes with no date; it is recorded under ${CAPDIST_YEAR}, the year the data set was published, and its codes are read as the COW codes of that year (Germany is 255, Berlin). Its capitals predate some later moves (Lagos, Almaty, Rangoon), so it is not a time series.` },
];

// ---------------------------------------------------------------------------------------
// Capitals

export interface CapitalSpell {
  iso3: string;
  ccode: number;
  statenme: string;
  capital: string;
  start: string;
  end: string;
  isoFromYear: number;
  isoToYear: number;
  lat: number;
  lng: number;
  where: Where;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function dateAt(where: Where, column: string, raw: string): string {
  const text = (raw ?? '').trim();
  if (!DATE.test(text)) {
    throw new SnapshotError(where.file, where.row, column, `"${text}" is not a date (YYYY-MM-DD)`, 'Replace the file with the publisher\'s original.');
  }
  return text;
}

function coordinateAt(where: Where, column: string, raw: string, limit: number): number {
  const value = numberAt(where, column, raw, REQUIRED)!;
  if (Math.abs(value) > limit) {
    throw new SnapshotError(where.file, where.row, column, `${value} is outside -${limit}..${limit}`, 'Replace the file with the publisher\'s original.');
  }
  return value;
}

/**
 * Capital spells of registered states since 1946, one per ISO code the COW code stands for
 * (Moscow: SUN to 1991, RUS from 1992). Entities the cow names file lists as not countries
 * (Mecklenburg-Schwerin, Zanzibar) and years the crosswalk gives a code to no state (255 in
 * 1946-1989, when COW counts West Germany as 260) are left out.
 */
export function capitalSpells(records: CsvRecord[], countries: CountryResolver): CapitalSpell[] {
  const out: CapitalSpell[] = [];
  for (const { line, values } of records) {
    const where = { file: CAPITALS_FILE, row: line };
    const ccode = integerAt(where, 'ccode', values.ccode, REQUIRED)!;
    const start = dateAt(where, 'stdate', values.stdate);
    const end = dateAt(where, 'enddate', values.enddate);
    const lat = coordinateAt(where, 'lat', values.lat, 90);
    const lng = coordinateAt(where, 'lng', values.lng, 180);
    const toYear = Math.min(Number(end.slice(0, 4)), LAST_YEAR);
    if (toYear < FIRST_YEAR) continue;
    const runs = cowRuns(Number(start.slice(0, 4)), toYear, cowCodeByYear(countries, ccode, values.statenme, { ...where, column: 'ccode' }));
    for (const run of runs) {
      if (run.toYear < FIRST_YEAR || run.code.kind !== 'state') continue;
      out.push({ iso3: run.code.iso3, ccode, statenme: values.statenme, capital: values.capital, start, end, isoFromYear: run.fromYear, isoToYear: run.toYear, lat, lng, where });
    }
  }
  return out;
}

/** Whether a spell is the country's capital on `day`, 31 December of `year` (made once per year by the caller). */
function inForceAtYearEnd(spell: CapitalSpell, iso3: string, year: number, day: string): boolean {
  return spell.iso3 === iso3 && spell.isoFromYear <= year && year <= spell.isoToYear && spell.start <= day && day <= spell.end;
}

/** The capital of a country on 31 December of a year, or undefined when the file has none. */
export function capitalAtYearEnd(spells: readonly CapitalSpell[], iso3: string, year: number): CapitalSpell | undefined {
  return capitalOn(spells, iso3, year, `${year}-12-31`, `${year + 1}-12-31`);
}

/** capitalAtYearEnd with the year's last day and the next year's made by the caller. */
function capitalOn(spells: readonly CapitalSpell[], iso3: string, year: number, day: string, nextDay: string): CapitalSpell | undefined {
  const candidates = spells.filter((s) => inForceAtYearEnd(s, iso3, year, day));
  if (candidates.length === 0) return undefined;
  return pickContinuing(candidates, iso3, year, (s) => inForceAtYearEnd(s, iso3, year + 1, nextDay));
}

function capitalsTable(spells: CapitalSpell[]): EvidenceTable {
  return {
    name: 'capitals',
    title: 'Capitals of states (COW codes, dated)',
    description: `Capitals with their dates and coordinates as peacesciencer's cow_capitals gives them (current through ${LAST_YEAR}), for capitals in force at some time since 1946, with the ISO code the COW code stands for in those years. A capital whose state code changes ISO code (Moscow: SUN to 1991, RUS from 1992) has one row per ISO code. Entities the registry does not hold (curated/country-names/cow.yaml) and years in which the crosswalk gives a code to no state are left out.`,
    sources: [CAPITALS],
    fields: [
      { name: 'iso3', type: 'string', description: 'ISO code the COW code stands for in these years' },
      { name: 'ccode', type: 'integer', description: 'COW numeric state code' },
      { name: 'statenme', type: 'string', description: 'state name as the file gives it' },
      { name: 'capital', type: 'string', description: 'capital city' },
      { name: 'start_date', type: 'string', description: 'first day the city is the capital (YYYY-MM-DD), as the file dates it' },
      { name: 'end_date', type: 'string', description: `last day the city is the capital; ${LAST_YEAR}-12-31 means still the capital when the file was compiled` },
      { name: 'iso_from_year', type: 'integer', description: 'first year in which the COW code stands for this ISO code while the city is the capital' },
      { name: 'iso_to_year', type: 'integer', description: 'last year in which the COW code stands for this ISO code while the city is the capital' },
      { name: 'lat', type: 'number', description: 'latitude, decimal degrees', unit: 'degree' },
      { name: 'lng', type: 'number', description: 'longitude, decimal degrees', unit: 'degree' },
      { name: 'source', type: 'string', description: 'source id' },
    ],
    primaryKey: ['ccode', 'start_date', 'iso_from_year'],
    rows: spells.map((s) => ({
      iso3: s.iso3, ccode: s.ccode, statenme: s.statenme, capital: s.capital, start_date: s.start, end_date: s.end,
      iso_from_year: s.isoFromYear, iso_to_year: s.isoToYear, lat: s.lat, lng: s.lng, source: CAPITALS,
    })),
  };
}

// ---------------------------------------------------------------------------------------
// Distances

const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in km between two points given in decimal degrees (haversine). */
export function haversineKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const h = Math.sin(rad(lat2 - lat1) / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lng2 - lng1) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

function counterpartsIn(countries: CountryResolver, year: number): string[] {
  return COUNTERPART_COW_CODES.map((c) => cowToIso(countries.registry, c, year)).filter((iso): iso is string => iso !== null);
}

// One flags array for all distances (as observation() shares its defaults; frozen, so that
// nothing can change the flags of all at once).
const DERIVED_FLAGS = Object.freeze(['derived']) as unknown as Observation['flags'];

/** What the observations of one pair of capitals share, year after year. */
interface CapitalPair {
  value: number;
  locator: string;
  note: string;
}

function capitalDistanceObservations(spells: CapitalSpell[], allies: string[], countries: CountryResolver, out: ObservationColumns): void {
  const byIso = new Map<string, CapitalSpell[]>();
  for (const s of spells) {
    const of = byIso.get(s.iso3);
    if (of) of.push(s);
    else byIso.set(s.iso3, [s]);
  }
  // A pair of capitals stands for decades: its distance, locator and note are made once.
  const spellIds = new Map(spells.map((s, i) => [s, i]));
  const pairs = new Map<number, CapitalPair>();
  const pairOf = (from: CapitalSpell, to: CapitalSpell): CapitalPair => {
    const key = spellIds.get(from)! * spells.length + spellIds.get(to)!;
    let pair = pairs.get(key);
    if (!pair) {
      pairs.set(key, (pair = {
        value: Math.round(haversineKm(from.lat, from.lng, to.lat, to.lng) * 10) / 10,
        locator: `${CAPITALS_FILE} rows ${from.where.row} and ${to.where.row}`,
        note: `${from.capital} to ${to.capital}`,
      }));
    }
    return pair;
  };
  for (let year = FIRST_YEAR; year <= LAST_YEAR; year++) {
    const day = `${year}-12-31`;
    const nextDay = `${year + 1}-12-31`;
    const capitalOf = (iso3: string) => capitalOn(byIso.get(iso3) ?? [], iso3, year, day, nextDay);
    const rivals = counterpartsIn(countries, year).map((iso3) => [iso3, capitalOf(iso3)] as const);
    for (const ally of allies) {
      const from = capitalOf(ally);
      if (!from) continue;
      for (const [counterpart, to] of rivals) {
        if (!to || counterpart === ally) continue;
        const { value, locator, note } = pairOf(from, to);
        out.push(observation({
          country: ally,
          counterpart,
          indicator: 'capital_distance_km',
          year,
          value,
          source: CAPITALS,
          locator,
          flags: DERIVED_FLAGS,
          note,
        }));
      }
    }
  }
}

/** Gleditsch's distances for the same dyads, read with the COW codes of the reference year. */
function capdistObservations(records: CsvRecord[], allies: Set<string>, countries: CountryResolver, out: ObservationColumns): void {
  const counterparts = new Set(counterpartsIn(countries, CAPDIST_YEAR));
  const row = new LocatorPattern(`${CAPDIST_FILE} row `, '');
  for (const { line, values } of records) {
    // Every row is read (a bad cell stops the build wherever it is), 41,000 of them: the cells
    // are read without a Where, and the codes through the crosswalk's index.
    const a = cowToIso(countries.registry, integerCell(CAPDIST_FILE, line, 'numa', values.numa), CAPDIST_YEAR);
    const b = cowToIso(countries.registry, integerCell(CAPDIST_FILE, line, 'numb', values.numb), CAPDIST_YEAR);
    const km = numberCell(CAPDIST_FILE, line, 'kmdist', values.kmdist, REQUIRED)!;
    if (a === null || b === null || !allies.has(a) || !counterparts.has(b)) continue;
    out.push(observation({
      country: a,
      counterpart: b,
      indicator: 'capdist_km',
      year: CAPDIST_YEAR,
      value: km,
      source: CAPDIST,
      locator: row.text(line),
      note: `${values.ida} (${values.numa}) to ${values.idb} (${values.numb}); static file, recorded under ${CAPDIST_YEAR}.`,
    }), row);
  }
}

// ---------------------------------------------------------------------------------------

const AlliesFile = z.object({ allies: z.array(z.object({ iso3: z.string() })).min(1) });

async function coveredAllies(curatedDir: string): Promise<string[]> {
  const file = path.join(curatedDir, 'allies.yaml');
  const { allies } = parseYamlFile(file, await readFile(file, 'utf8'), AlliesFile, 'See the comment at the top of curated/allies.yaml.');
  return allies.map((a) => a.iso3);
}

export const transform: Transform = {
  id: 'capitals',
  title: 'Capitals and capital distances',
  sources: [CAPITALS, CAPDIST],
  indicators: INDICATORS,
  needsSnapshot: true,
  async run({ snapshot, countries, curatedDir }) {
    const allies = await coveredAllies(curatedDir);
    const capitals = await snapshot.readCsv(CAPITALS_FILE, CAPITALS, { requireColumns: ['ccode', 'statenme', 'capital', 'stdate', 'enddate', 'lat', 'lng'] });
    const spells = capitalSpells(capitals, countries);
    const observations = new ObservationColumns();
    capitalDistanceObservations(spells, allies, countries, observations);
    const capdist = await snapshot.readCsv(CAPDIST_FILE, CAPDIST, { requireColumns: ['numa', 'ida', 'numb', 'idb', 'kmdist'] });
    capdistObservations(capdist, new Set(allies), countries, observations);
    return {
      observations,
      tables: [capitalsTable(spells)],
    };
  },
};
