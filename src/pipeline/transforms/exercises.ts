// Multinational military exercises (MME dataset v7, 1980-2010): one table row per exercise
// and, per country and year, how many exercises it took part in and how many of those had
// the United States taking part too.
import type { Indicator, Observation } from '../../evidence/schema.ts';
import { ObservationColumns } from '../observation-columns.ts';
import type { CsvRecord, Where } from '../snapshot.ts';
import { SnapshotError, integerAt, integerCell, numberAt } from '../snapshot.ts';
import { observation } from '../transform.ts';
import type { EvidenceTable, Transform, TransformContext } from '../transform.ts';
import { rowRanges } from './bases.ts';
import { cowToIso } from './cow.ts';
import { stateInYear } from './troops.ts';

export const EXERCISES_FILE = 'us-troops-bases/mme_v7.csv';
export const STATE_SYSTEM_FILE = 'cow-states/system2016.csv';
const SOURCE = 'mme-7';
const STATE_SYSTEM_SOURCE = 'cow-states-2016';
const US = 'USA';

const TYPE_FLAGS = ['CPX', 'Air', 'Land', 'Sea', 'Amphibious', 'Cyber', 'Warfighting', 'Peacekeeping', 'Humanitarian'] as const;
const PARTICIPANT_COLUMN = /^State[A-Z]{1,2}$/;
/** MME's code for an unknown value (an exercise name, a participant). */
const UNKNOWN = '-9';
/** No marker may stand in for a start year, a type flag, a code or a year. */
const REQUIRED: ReadonlySet<string> = new Set();
/** MME writes an unknown month or day as "xx". */
const UNKNOWN_DATE_PART: ReadonlySet<string> = new Set(['xx', '', 'NA']);

export const EXERCISE_INDICATORS: Indicator[] = [
  {
    id: 'exercises_with_us',
    label: 'Multinational military exercises with the United States',
    definition:
      'Number of multinational military exercises starting in the year (MME s.year) in which both the country and the United States took part, ' +
      'as coded by the Multinational Military Exercises dataset v7 (Bernhardt and Sukin), which covers exercises of two or more states starting 1980-2010 found in news and official sources. ' +
      'Within 1980-2010, 0 means MME records no such exercise (written for every state of the COW state system in the year); no values outside 1980-2010. Not written for the United States.',
    unit: 'exercises',
    dyadic: false,
    min: 0,
    max: 200,
  },
  {
    id: 'exercises_total',
    label: 'Multinational military exercises the country took part in',
    definition:
      'Number of multinational military exercises starting in the year (MME s.year) in which the country took part, whoever the other participants were, ' +
      'as coded by MME v7. Within 1980-2010, 0 means MME records none (written for every state of the COW state system in the year); no values outside 1980-2010.',
    unit: 'exercises',
    dyadic: false,
    min: 0,
    max: 400,
  },
];

/** One exercise as MME codes it, its participants resolved to ISO codes for its start year. */
interface Exercise {
  line: number;
  mmeid: string;
  name: string | null;
  series: string | null;
  location: string | null;
  lat: number | null;
  lon: number | null;
  startYear: number;
  startDate: string;
  endYear: number | null;
  endDate: string | null;
  types: Record<(typeof TYPE_FLAGS)[number], boolean>;
  participants: string[];
  otherParticipants: string[];
  /** Whether the United States took part. */
  withUs: boolean;
}

export const transform: Transform = {
  id: 'exercises',
  title: 'Multinational military exercises (MME v7)',
  sources: [SOURCE, STATE_SYSTEM_SOURCE],
  indicators: EXERCISE_INDICATORS,
  needsSnapshot: true,
  async run(ctx) {
    const rows = await ctx.snapshot.readCsv(EXERCISES_FILE, SOURCE, {
      requireColumns: ['MMEID', 'Ex_Name', 'Series_Name', 'Location', 'lat', 'lon', 's.year', 's.month', 's.day', 'e.year', 'e.month', 'e.day', ...TYPE_FLAGS, 'StateA'],
    });
    const resolveParticipant = memoizedResolver(ctx);
    // Every record has the file's columns, so the participant columns are found once.
    const participantColumns = rows.length > 0 ? Object.keys(rows[0].values).filter((k) => PARTICIPANT_COLUMN.test(k)) : [];
    const exercises = rows.map((r) => readExercise(resolveParticipant, participantColumns, r));
    const years = coverage(exercises);
    const states = await stateSystem(ctx, years);
    return { observations: exerciseCounts(exercises, states, years), tables: [exercisesTable(exercises)] };
  },
};

type ParticipantResolver = (name: string, year: number, line: number, column: string) => string | null;

/**
 * A few hundred participant names over 3,700 exercises: resolve each name (and name-year) once.
 * The Where of a name is made only when the name is first resolved.
 */
function memoizedResolver(ctx: TransformContext): ParticipantResolver {
  const names = new Map<string, string | null>();
  // ISO code -> year -> the state it is in that year (SUN for RUS before 1992).
  const states = new Map<string, Map<number, string>>();
  return (name, year, line, column) => {
    let iso3 = names.get(name);
    if (iso3 === undefined) names.set(name, (iso3 = ctx.countries.resolve('mme', name, { file: EXERCISES_FILE, row: line, column })));
    if (iso3 === null) return null;
    let years = states.get(iso3);
    if (!years) states.set(iso3, (years = new Map()));
    let state = years.get(year);
    if (state === undefined) years.set(year, (state = stateInYear(ctx.countries.registry, iso3, year)));
    return state;
  };
}

function readExercise(resolveParticipant: ParticipantResolver, participantColumns: readonly string[], { line, values: v }: CsvRecord): Exercise {
  const where: Where = { file: EXERCISES_FILE, row: line };
  const startYear = integerAt(where, 's.year', v['s.year'], REQUIRED);
  if (startYear === null) throw new SnapshotError(EXERCISES_FILE, line, 's.year', 'the start year is empty', 'Every exercise needs a start year; replace the file with the publisher\'s original.');
  const endYear = integerAt(where, 'e.year', v['e.year']);
  const participants: string[] = [];
  const otherParticipants: string[] = [];
  for (const column of participantColumns) {
    const raw = v[column];
    // Most of the 39 participant cells of a row are empty.
    if (raw === '' || raw === undefined) continue;
    const name = raw.trim();
    if (name === '') continue;
    const state = resolveParticipant(name, startYear, line, column);
    if (state === null) {
      if (!otherParticipants.includes(name)) otherParticipants.push(name);
    } else if (!participants.includes(state)) {
      participants.push(state);
    }
  }
  return {
    line,
    mmeid: v.MMEID.trim(),
    name: text(v.Ex_Name),
    series: text(v.Series_Name),
    location: text(v.Location),
    lat: numberAt(where, 'lat', v.lat),
    lon: numberAt(where, 'lon', v.lon),
    startYear,
    startDate: isoDate(where, 's', startYear, v['s.month'], v['s.day']),
    endYear,
    endDate: endYear === null ? null : isoDate(where, 'e', endYear, v['e.month'], v['e.day']),
    types: {
      CPX: typeFlag(where, 'CPX', v.CPX),
      Air: typeFlag(where, 'Air', v.Air),
      Land: typeFlag(where, 'Land', v.Land),
      Sea: typeFlag(where, 'Sea', v.Sea),
      Amphibious: typeFlag(where, 'Amphibious', v.Amphibious),
      Cyber: typeFlag(where, 'Cyber', v.Cyber),
      Warfighting: typeFlag(where, 'Warfighting', v.Warfighting),
      Peacekeeping: typeFlag(where, 'Peacekeeping', v.Peacekeeping),
      Humanitarian: typeFlag(where, 'Humanitarian', v.Humanitarian),
    },
    participants,
    otherParticipants,
    withUs: participants.includes(US),
  };
}

function text(raw: string | undefined): string | null {
  const t = (raw ?? '').trim();
  return t === '' || t === UNKNOWN ? null : t;
}

/** "1996-09-30", or "1995-07" where MME writes the day as "xx" (not known). */
function isoDate(where: Where, prefix: 's' | 'e', year: number, month: string | undefined, day: string | undefined): string {
  const m = integerAt(where, `${prefix}.month`, month, UNKNOWN_DATE_PART);
  const d = integerAt(where, `${prefix}.day`, day, UNKNOWN_DATE_PART);
  if (m !== null && (m < 1 || m > 12)) throw new SnapshotError(where.file, where.row, `${prefix}.month`, `"${month}" is not a month`, 'Replace the file with the publisher\'s original.');
  if (d !== null && (d < 1 || d > 31)) throw new SnapshotError(where.file, where.row, `${prefix}.day`, `"${day}" is not a day of the month`, 'Replace the file with the publisher\'s original.');
  const pad = (n: number) => String(n).padStart(2, '0');
  return m === null ? String(year) : d === null ? `${year}-${pad(m)}` : `${year}-${pad(m)}-${pad(d)}`;
}

function typeFlag(where: Where, column: string, raw: string | undefined): boolean {
  // The cells are "0" or "1" (33,000 of them); anything else is read as integerAt reads it.
  if (raw === '0') return false;
  if (raw === '1') return true;
  const n = integerAt(where, column, raw, REQUIRED);
  if (n !== 0 && n !== 1) throw new SnapshotError(where.file, where.row, column, `"${raw}" is not 0 or 1`, 'MME codes each exercise type 0 or 1; replace the file with the publisher\'s original.');
  return n === 1;
}

/** The years MME covers, from the exercises it has: counts are written only inside them. */
function coverage(exercises: Exercise[]): { from: number; to: number } {
  const years = exercises.map((e) => e.startYear);
  return { from: Math.min(...years), to: Math.max(...years) };
}

/** ISO codes of the COW system's states in each covered year, for the zeros. */
async function stateSystem(ctx: TransformContext, years: { from: number; to: number }): Promise<Map<number, Set<string>>> {
  const rows = await ctx.snapshot.readCsv(STATE_SYSTEM_FILE, STATE_SYSTEM_SOURCE, { requireColumns: ['ccode', 'year'] });
  const out = new Map<number, Set<string>>();
  for (const { line, values: v } of rows) {
    // 16,000 rows of codes and years: read without a Where for each cell.
    const year = integerCell(STATE_SYSTEM_FILE, line, 'year', v.year);
    if (year < years.from || year > years.to) continue;
    const cow = integerCell(STATE_SYSTEM_FILE, line, 'ccode', v.ccode);
    const iso3 = cowToIso(ctx.countries.registry, cow, year);
    if (iso3 === null) {
      throw new SnapshotError(STATE_SYSTEM_FILE, line, 'ccode', `COW code ${cow} stands for no registered country in ${year}`, 'Add the state to curated/countries.yaml (cow_crosswalk).');
    }
    let states = out.get(year);
    if (!states) out.set(year, (states = new Set()));
    states.add(iso3);
  }
  return out;
}

/** Per country and start year: exercises in all, and exercises with the United States. */
function exerciseCounts(exercises: Exercise[], states: Map<number, Set<string>>, years: { from: number; to: number }): ObservationColumns {
  // The exercises of each start year, in file order.
  const byYear = new Map<number, Exercise[]>();
  for (const e of exercises) {
    const ofYear = byYear.get(e.startYear);
    if (ofYear) ofYear.push(e);
    else byYear.set(e.startYear, [e]);
  }
  const out = new ObservationColumns();
  for (let year = years.from; year <= years.to; year++) {
    // Each country's exercises of the year, in file order (an exercise lists a state once),
    // made in one pass over the year's exercises instead of one per country.
    const taken = new Map<string, Exercise[]>();
    for (const country of states.get(year) ?? []) taken.set(country, []);
    for (const e of byYear.get(year) ?? []) {
      for (const country of e.participants) {
        const of = taken.get(country);
        if (of) of.push(e);
        else taken.set(country, [e]);
      }
    }
    // Most counts are zeros: their locator and note are the same for every country of the year.
    const noneTotal = noExercise(year, 'the country');
    const noneWithUs = noExercise(year, 'the country and the United States');
    for (const country of [...taken.keys()].sort()) {
      const counted = taken.get(country)!;
      out.push(exerciseCount(country, year, 'exercises_total', counted, noneTotal));
      if (country !== US) out.push(exerciseCount(country, year, 'exercises_with_us', counted.filter((e) => e.withUs), noneWithUs));
    }
  }
  return out;
}

/** The locator and note of a zero count. */
interface NoExercise {
  locator: string;
  note: string;
}

function noExercise(year: number, who: string): NoExercise {
  return {
    locator: `${EXERCISES_FILE} (no exercise starting in ${year} with ${who})`,
    note: `MME v7 records no exercise starting in ${year} in which ${who} took part.`,
  };
}

function exerciseCount(country: string, year: number, indicator: string, counted: Exercise[], none: NoExercise): Observation {
  return observation({
    country,
    indicator,
    year,
    value: counted.length,
    source: SOURCE,
    locator: counted.length > 0 ? `${EXERCISES_FILE} ${rowRanges(counted.map((e) => e.line))}` : none.locator,
    note: counted.length > 0 ? `MMEID ${counted.map((e) => e.mmeid).join(', ')}.` : none.note,
  });
}

function exercisesTable(exercises: Exercise[]): EvidenceTable {
  const typeFields = TYPE_FLAGS.map((f) => ({ name: f.toLowerCase(), type: 'boolean' as const, description: `MME ${f} flag` }));
  return {
    name: 'exercises',
    title: 'Multinational military exercises (MME v7)',
    description:
      'Every exercise of the Multinational Military Exercises dataset v7 (1980-2010): dates, place, type flags and participants as ISO codes ' +
      '(for the start year: Russia before 1992 is SUN). Names MME gives for non-states or unidentified participants ("NATO", "-9") are in other_participants.',
    sources: [SOURCE],
    fields: [
      { name: 'mmeid', type: 'string', description: 'MME exercise identifier (v7 repeats three identifiers for different exercises; mmeid with start_year is unique)' },
      { name: 'start_year', type: 'integer', description: 'year the exercise started' },
      { name: 'name', type: 'string', description: 'exercise name; empty where MME has -9 (unknown)' },
      { name: 'series', type: 'string', description: 'exercise series' },
      { name: 'start_date', type: 'string', description: 'start date, YYYY-MM-DD or YYYY-MM where the day is not known' },
      { name: 'end_date', type: 'string', description: 'end date, as start_date' },
      { name: 'location', type: 'string', description: 'where the exercise took place (MME free text)' },
      { name: 'lat', type: 'number', description: 'latitude of the location', unit: 'degrees' },
      { name: 'lon', type: 'number', description: 'longitude of the location', unit: 'degrees' },
      ...typeFields,
      { name: 'participants', type: 'string', description: 'ISO codes of the participating states, ";"-separated, in MME\'s order' },
      { name: 'other_participants', type: 'string', description: 'participants that are not states, as MME names them, ";"-separated' },
      { name: 'with_us', type: 'boolean', description: 'the United States took part' },
      { name: 'source', type: 'string', description: 'source id' },
      { name: 'locator', type: 'string', description: 'file and row' },
    ],
    primaryKey: ['mmeid', 'start_year'],
    rows: exercises.map(exerciseRow),
  };
}

/** The table's column for each type flag ("cpx", ...). */
type TypeColumn = Lowercase<(typeof TYPE_FLAGS)[number]>;

/**
 * An exercise's table row: one literal with the columns in the order of the fields (rows built
 * column by column, or with the flags spread from an object made for each, took several times
 * as long). `satisfies` checks that every type flag has its column.
 */
function exerciseRow(e: Exercise): EvidenceTable['rows'][number] {
  const t = e.types;
  return {
    mmeid: e.mmeid,
    start_year: e.startYear,
    name: e.name,
    series: e.series,
    start_date: e.startDate,
    end_date: e.endDate,
    location: e.location,
    lat: e.lat,
    lon: e.lon,
    cpx: t.CPX,
    air: t.Air,
    land: t.Land,
    sea: t.Sea,
    amphibious: t.Amphibious,
    cyber: t.Cyber,
    warfighting: t.Warfighting,
    peacekeeping: t.Peacekeeping,
    humanitarian: t.Humanitarian,
    participants: e.participants.join(';'),
    other_participants: e.otherParticipants.join(';'),
    with_us: e.withUs,
    source: SOURCE,
    locator: `${EXERCISES_FILE} row ${e.line}`,
  } satisfies Record<TypeColumn, boolean> & EvidenceTable['rows'][number];
}
