// ATOP 5.1 (Leeds et al.): the alliance-level and member-level files as published, with
// ATOP's institutionalization scores and Benson & Clinton's depth scores merged by ATOPID.
// The member rows are what later features use for "who owes what to whom"; the readers
// below are shared with the commitments transform so both read ATOP the same way.
import { SnapshotError, integerAt, numberAt } from '../snapshot.ts';
import type { CsvRecord, Where } from '../snapshot.ts';
import type { CountryRegistry } from '../../evidence/countries.ts';
import type { EvidenceTable, FieldDef, Transform, TransformContext } from '../transform.ts';

export const ATOP_SOURCE = 'atop-5.1';
export const DEPTH_SOURCE = 'atop-depth-benson-clinton';
export const ATOP_FILES = {
  alliances: 'atop/atop5_1a.csv',
  members: 'atop/atop5_1m.csv',
  institutions: 'atop/atopinst5_1.csv',
  depth: 'atop/benson_clinton_alliance_depth_scores.csv',
} as const;
/** ATOP 5.1 codes alliances as they stood on 31 December 2018 (codebook, INEFFECT). */
export const ATOP_LAST_YEAR = 2018;
/** COW code of the United States. */
export const USA_COW = 2;

export const OBLIGATIONS = ['defense', 'offense', 'neutral', 'nonagg', 'consul'] as const;
export type Obligation = (typeof OBLIGATIONS)[number];

/** Member-level condition dummies (codebook 2.33): the summary per obligation, then the detail. */
export const CONDITIONS = [
  'conditio', 'defcon', 'offcon', 'neucon', 'concon',
  'defcoadv', 'defcoloc', 'defcocon', 'defconum', 'defcodem', 'defconpr',
  'offcoadv', 'offcoloc', 'offcocon', 'offconum', 'offcodem',
  'neucoadv', 'neucoloc', 'neucocon', 'neuconum', 'neucodem', 'neuconpr', 'neucoatt',
  'concoadv', 'concoloc', 'concocon', 'concoreq', 'olimob',
] as const;
export type Condition = (typeof CONDITIONS)[number];

/** A date as ATOP codes it: the day is missing when the publisher could not identify it. */
export interface AtopDate {
  year: number;
  month: number;
  day: number | null;
}

export interface AtopMember {
  atopid: number;
  phase: number;
  cow: number;
  /** ISO code of the member (null for states the registry does not hold, e.g. Bavaria). */
  iso3: string | null;
  entry: AtopDate;
  /** null while the alliance was still in effect for the member on 31 December 2018. */
  exit: AtopDate | null;
  inEffect: boolean;
  bilat: number;
  cowsys: number;
  obligations: Record<Obligation, 0 | 1>;
  conditions: Record<Condition, 0 | 1>;
  asymm: number;
  obvary: number;
  base: number | null;
  intcom: number | null;
  contrib: number | null;
  termmode: number;
  termcaus: number | null;
  line: number;
}

export interface AtopAlliance {
  atopid: number;
  begin: AtopDate;
  end: AtopDate | null;
  inEffect: boolean;
  bilat: number;
  maxphase: number;
  obligations: Record<Obligation, 0 | 1>;
  conditio: number;
  asymm: number;
  base: number | null;
  intcom: number | null;
  contrib: number | null;
  milaid: number | null;
  milcon: number | null;
  organ1: number | null;
  term: number;
  members: number[];
  line: number;
}

const MEMBER_COLUMNS = [
  'atopid', 'member', 'cowsys', 'yrent', 'moent', 'dayent', 'yrexit', 'moexit', 'dayexit', 'ineffect', 'bilat', 'phase',
  'termmode', 'termcaus', ...OBLIGATIONS, ...CONDITIONS, 'asymm', 'obvary', 'base', 'intcom', 'contrib',
] as const;
const ALLIANCE_COLUMNS = [
  'atopid', 'begyr', 'begmo', 'begday', 'endyr', 'endmo', 'endday', 'ineffect', 'bilat', 'maxphase', 'term',
  ...OBLIGATIONS, 'conditio', 'asymm', 'base', 'intcom', 'contrib', 'milaid', 'milcon', 'organ1', 'mem1',
] as const;

const HINT = 'Replace the file with the publisher\'s original (see atop/SOURCES.txt), or correct the value.';

/** A value the codebook never leaves missing (ids, years, obligations). */
function requiredInteger(where: Where, column: string, raw: string | undefined): number {
  const n = integerAt(where, column, raw);
  if (n === null) throw new SnapshotError(where.file, where.row, column, 'value is missing where ATOP always codes one', HINT);
  return n;
}

/** A codebook dummy: exactly 0 or 1. */
function dummy(where: Where, column: string, raw: string | undefined): 0 | 1 {
  // The plain cells "0" and "1" (nearly all of the member file's 2,500 rows of 114 columns) read
  // as themselves; anything else goes through the full checks and their messages.
  if (raw === '0') return 0;
  if (raw === '1') return 1;
  const n = requiredInteger(where, column, raw);
  if (n !== 0 && n !== 1) throw new SnapshotError(where.file, where.row, column, `"${raw}" is not a 0/1 code (the codebook defines ${column.toUpperCase()} as a dummy)`, HINT);
  return n;
}

/** A code the publisher leaves blank "if we have not located the original agreement" (codebook). */
function optionalCode(where: Where, column: string, raw: string | undefined): number | null {
  return integerAt(where, column, raw);
}

function month(where: Where, column: string, raw: string | undefined): number {
  const m = requiredInteger(where, column, raw);
  if (m < 1 || m > 12) throw new SnapshotError(where.file, where.row, column, `"${raw}" is not a month`, HINT);
  return m;
}

/** A day of the month; blank means the day could not be identified (codebook, DAYENT). */
function day(where: Where, column: string, raw: string | undefined): number | null {
  const d = integerAt(where, column, raw);
  if (d !== null && (d < 1 || d > 31)) throw new SnapshotError(where.file, where.row, column, `"${raw}" is not a day of the month`, HINT);
  return d;
}

function dateAt(where: Where, v: Record<string, string>, y: string, m: string, d: string): AtopDate {
  return { year: requiredInteger(where, y, v[y]), month: month(where, m, v[m]), day: day(where, d, v[d]) };
}

/** An exit or end date; ATOP writes 0/0/0 for alliances still in effect at the end of 2018. */
function openDateAt(where: Where, v: Record<string, string>, y: string, m: string, d: string): AtopDate | null {
  const year = requiredInteger(where, y, v[y]);
  if (year === 0) return null;
  return { year, month: month(where, m, v[m]), day: day(where, d, v[d]) };
}

/** ISO 8601 at the precision ATOP gives: YYYY-MM-DD, or YYYY-MM when the day is unknown. */
export function formatAtopDate(d: AtopDate | null): string {
  if (!d) return '';
  const mm = String(d.month).padStart(2, '0');
  return d.day === null ? `${d.year}-${mm}` : `${d.year}-${mm}-${String(d.day).padStart(2, '0')}`;
}

/** COW's state system, and so the crosswalk, starts in 1816; ATOP's 1815 alliances use the same codes. */
const COW_FIRST_YEAR = 1816;

/**
 * The ISO code for a member's COW code. ATOP dates entry at signature, which can precede the
 * state's entry into the COW system (West Germany signed the NATO protocol in October 1954
 * and entered the system in 1955), so later years of the membership are tried as well.
 */
export function isoForMember(registry: CountryRegistry, cow: number, entryYear: number, exitYear: number | null): string | null {
  const first = Math.max(entryYear, COW_FIRST_YEAR);
  const last = Math.max(first, exitYear ?? ATOP_LAST_YEAR);
  for (let y = first; y <= last; y++) {
    const iso = registry.fromCow(cow, y);
    if (iso) return iso;
  }
  return null;
}

function checkVersion(where: Where, raw: string | undefined): void {
  if ((raw ?? '').trim() !== '5.1') {
    throw new SnapshotError(where.file, where.row, 'version', `expected ATOP version 5.1, found "${raw}"`,
      'This transform reads ATOP 5.1; check the codebook of a newer release before updating the reader.');
  }
}

/*
 * The obligation and condition dummies of a row, written out key by key in the order of
 * OBLIGATIONS and CONDITIONS (so the first bad column is the one reported, and the records keep
 * that key order). Object literals rather than Object.fromEntries over mapped pairs: one object of
 * a fixed shape per row, no intermediate arrays; the return types make the compiler check that
 * every obligation and condition is named.
 */
function obligationsAt(where: Where, v: Record<string, string>): Record<Obligation, 0 | 1> {
  return {
    defense: dummy(where, 'defense', v.defense), offense: dummy(where, 'offense', v.offense), neutral: dummy(where, 'neutral', v.neutral),
    nonagg: dummy(where, 'nonagg', v.nonagg), consul: dummy(where, 'consul', v.consul),
  };
}

function conditionsAt(where: Where, v: Record<string, string>): Record<Condition, 0 | 1> {
  return {
    conditio: dummy(where, 'conditio', v.conditio), defcon: dummy(where, 'defcon', v.defcon), offcon: dummy(where, 'offcon', v.offcon),
    neucon: dummy(where, 'neucon', v.neucon), concon: dummy(where, 'concon', v.concon), defcoadv: dummy(where, 'defcoadv', v.defcoadv),
    defcoloc: dummy(where, 'defcoloc', v.defcoloc), defcocon: dummy(where, 'defcocon', v.defcocon), defconum: dummy(where, 'defconum', v.defconum),
    defcodem: dummy(where, 'defcodem', v.defcodem), defconpr: dummy(where, 'defconpr', v.defconpr), offcoadv: dummy(where, 'offcoadv', v.offcoadv),
    offcoloc: dummy(where, 'offcoloc', v.offcoloc), offcocon: dummy(where, 'offcocon', v.offcocon), offconum: dummy(where, 'offconum', v.offconum),
    offcodem: dummy(where, 'offcodem', v.offcodem), neucoadv: dummy(where, 'neucoadv', v.neucoadv), neucoloc: dummy(where, 'neucoloc', v.neucoloc),
    neucocon: dummy(where, 'neucocon', v.neucocon), neuconum: dummy(where, 'neuconum', v.neuconum), neucodem: dummy(where, 'neucodem', v.neucodem),
    neuconpr: dummy(where, 'neuconpr', v.neuconpr), neucoatt: dummy(where, 'neucoatt', v.neucoatt), concoadv: dummy(where, 'concoadv', v.concoadv),
    concoloc: dummy(where, 'concoloc', v.concoloc), concocon: dummy(where, 'concocon', v.concocon), concoreq: dummy(where, 'concoreq', v.concoreq),
    olimob: dummy(where, 'olimob', v.olimob),
  };
}

export function parseAtopMembers(records: CsvRecord[], registry: CountryRegistry): AtopMember[] {
  const out: AtopMember[] = [];
  for (const { line, values: v } of records) {
    const where = { file: ATOP_FILES.members, row: line };
    checkVersion(where, v.version);
    const cow = requiredInteger(where, 'member', v.member);
    const entry = dateAt(where, v, 'yrent', 'moent', 'dayent');
    const exit = openDateAt(where, v, 'yrexit', 'moexit', 'dayexit');
    const obligations = obligationsAt(where, v);
    const conditions = conditionsAt(where, v);
    out.push({
      atopid: requiredInteger(where, 'atopid', v.atopid),
      phase: requiredInteger(where, 'phase', v.phase),
      cow,
      iso3: isoForMember(registry, cow, entry.year, exit?.year ?? null),
      entry,
      exit,
      inEffect: dummy(where, 'ineffect', v.ineffect) === 1,
      bilat: dummy(where, 'bilat', v.bilat),
      cowsys: dummy(where, 'cowsys', v.cowsys),
      obligations,
      conditions,
      asymm: dummy(where, 'asymm', v.asymm),
      obvary: dummy(where, 'obvary', v.obvary),
      base: optionalCode(where, 'base', v.base),
      intcom: optionalCode(where, 'intcom', v.intcom),
      contrib: optionalCode(where, 'contrib', v.contrib),
      termmode: requiredInteger(where, 'termmode', v.termmode),
      termcaus: optionalCode(where, 'termcaus', v.termcaus),
      line,
    });
  }
  return out;
}

/** The names mem1, mem2, ... of the alliance file's member columns, made once rather than per row. */
const MEM_COLUMN_NAMES: string[] = [];

function memColumn(i: number): string {
  return (MEM_COLUMN_NAMES[i] ??= `mem${i}`);
}

export function parseAtopAlliances(records: CsvRecord[]): AtopAlliance[] {
  const out: AtopAlliance[] = [];
  for (const { line, values: v } of records) {
    const where = { file: ATOP_FILES.alliances, row: line };
    checkVersion(where, v.version);
    const members: number[] = [];
    for (let i = 1, column = memColumn(1); column in v; column = memColumn(++i)) {
      // Most of the 59 member cells of a row are empty, which integerAt reads as no member too.
      const raw = v[column];
      if (raw === '') continue;
      const cow = integerAt(where, column, raw);
      if (cow !== null) members.push(cow);
    }
    out.push({
      atopid: requiredInteger(where, 'atopid', v.atopid),
      begin: dateAt(where, v, 'begyr', 'begmo', 'begday'),
      end: openDateAt(where, v, 'endyr', 'endmo', 'endday'),
      inEffect: dummy(where, 'ineffect', v.ineffect) === 1,
      bilat: dummy(where, 'bilat', v.bilat),
      maxphase: requiredInteger(where, 'maxphase', v.maxphase),
      obligations: obligationsAt(where, v),
      conditio: dummy(where, 'conditio', v.conditio),
      asymm: dummy(where, 'asymm', v.asymm),
      base: optionalCode(where, 'base', v.base),
      intcom: optionalCode(where, 'intcom', v.intcom),
      contrib: optionalCode(where, 'contrib', v.contrib),
      milaid: optionalCode(where, 'milaid', v.milaid),
      milcon: optionalCode(where, 'milcon', v.milcon),
      organ1: optionalCode(where, 'organ1', v.organ1),
      term: requiredInteger(where, 'term', v.term),
      members,
      line,
    });
  }
  return out;
}

/**
 * The member file is read once per snapshot and registry: the atop and commitments transforms
 * both need it, and parsing its 2,500 rows of 114 columns is the slowest step of either.
 */
const membersRead = new WeakMap<object, WeakMap<object, Promise<AtopMember[]>>>();

export function readAtopMembers(ctx: TransformContext): Promise<AtopMember[]> {
  let byRegistry = membersRead.get(ctx.snapshot);
  if (!byRegistry) membersRead.set(ctx.snapshot, (byRegistry = new WeakMap()));
  let read = byRegistry.get(ctx.countries.registry);
  if (!read) {
    read = ctx.snapshot.readCsv(ATOP_FILES.members, ATOP_SOURCE, { requireColumns: [...MEMBER_COLUMNS, 'version'] })
      .then((records) => parseAtopMembers(records, ctx.countries.registry));
    byRegistry.set(ctx.countries.registry, read);
  }
  return read;
}

export async function readAtopAlliances(ctx: TransformContext): Promise<AtopAlliance[]> {
  const records = await ctx.snapshot.readCsv(ATOP_FILES.alliances, ATOP_SOURCE, { requireColumns: [...ALLIANCE_COLUMNS, 'version'] });
  return parseAtopAlliances(records);
}

interface Institutionalization {
  phase: number;
  milinst: number | null;
  formal: number | null;
  line: number;
}

/**
 * atopinst5_1.csv scores each alliance phase; ATOPIDPHASE is written as a float
 * (3180.1001 for phase 1 of 3180), so the phase is the rounded first decimal.
 */
async function readInstitutionalization(ctx: TransformContext): Promise<Map<number, Institutionalization>> {
  const records = await ctx.snapshot.readCsv(ATOP_FILES.institutions, ATOP_SOURCE, { requireColumns: ['atopid', 'atopidphase', 'milinst', 'formal'] });
  const latest = new Map<number, Institutionalization>();
  for (const { line, values: v } of records) {
    const where = { file: ATOP_FILES.institutions, row: line };
    const atopid = requiredInteger(where, 'atopid', v.atopid);
    const idPhase = numberAt(where, 'atopidphase', v.atopidphase);
    if (idPhase === null) throw new SnapshotError(where.file, line, 'atopidphase', 'value is missing', HINT);
    const phase = Math.round((idPhase - atopid) * 10);
    if (phase < 0 || phase > 9) throw new SnapshotError(where.file, line, 'atopidphase', `"${v.atopidphase}" does not belong to alliance ${atopid}`, HINT);
    const row = { phase, milinst: optionalCode(where, 'milinst', v.milinst), formal: optionalCode(where, 'formal', v.formal), line };
    const prior = latest.get(atopid);
    if (!prior || prior.phase < phase) latest.set(atopid, row);
  }
  return latest;
}

interface Depth {
  depth: number | null;
  line: number;
}

async function readDepthScores(ctx: TransformContext): Promise<Map<number, Depth>> {
  const records = await ctx.snapshot.readCsv(ATOP_FILES.depth, DEPTH_SOURCE, { requireColumns: ['atopid', 'Depth.score'] });
  const out = new Map<number, Depth>();
  for (const { line, values: v } of records) {
    const where = { file: ATOP_FILES.depth, row: line };
    const atopid = requiredInteger(where, 'atopid', v.atopid);
    if (out.has(atopid)) throw new SnapshotError(where.file, line, 'atopid', `alliance ${atopid} is scored twice (also row ${out.get(atopid)!.line})`, HINT);
    out.set(atopid, { depth: numberAt(where, 'Depth.score', v['Depth.score']), line });
  }
  return out;
}

const dummyField = (name: string, description: string): FieldDef => ({ name, type: 'integer', description: `${description} (ATOP ${name.toUpperCase()}: 1 yes, 0 no)` });

export const ALLIANCE_FIELDS: FieldDef[] = [
  { name: 'atopid', type: 'integer', description: 'ATOP alliance identifier' },
  { name: 'begin', type: 'string', description: 'date the alliance was signed (ISO 8601; YYYY-MM when ATOP does not know the day)' },
  { name: 'end', type: 'string', description: 'date the alliance ended; empty while in effect on 31 December 2018' },
  dummyField('ineffect', 'in effect on 31 December 2018'),
  dummyField('bilat', 'no more than two members in any phase'),
  { name: 'maxphase', type: 'integer', description: 'number of phases (0: obligations never changed)' },
  dummyField('defense', 'any member promises active support if an ally is attacked'),
  dummyField('offense', 'any member promises active support beyond defense'),
  dummyField('neutral', 'any member promises neutrality'),
  dummyField('nonagg', 'any member promises nonaggression'),
  dummyField('consul', 'any member promises consultation in crises'),
  dummyField('conditio', 'any primary obligation is conditional'),
  dummyField('asymm', 'obligations vary among the members'),
  { name: 'base', type: 'integer', description: 'troop stationing: 0 none, 1 joint on neutral territory, 2 reciprocal, 3 non-reciprocal (ATOP BASE); empty when ATOP has not located the agreement' },
  { name: 'intcom', type: 'integer', description: 'integrated command in peace and war (ATOP INTCOM); empty when unknown' },
  { name: 'contrib', type: 'integer', description: 'agreement specifies contributions (ATOP CONTRIB); empty when unknown' },
  { name: 'milaid', type: 'integer', description: 'military aid: 0 none, 1 general, 2 grants/loans, 3 training/technology, 4 both (ATOP MILAID)' },
  { name: 'milcon', type: 'integer', description: 'military contact: 0 none, 1 in war, 2 in peace, 3 common defense policy (ATOP MILCON)' },
  { name: 'organ1', type: 'integer', description: 'organization: 0 none, 1 regular meetings, 2 named organization, 3 permanent bureaucracy (ATOP ORGAN1)' },
  { name: 'term', type: 'integer', description: 'how the alliance ended: 0 in effect or censored, 1 provisions fulfilled, 2 violation, 3 renegotiated (ATOP TERM)' },
  { name: 'members', type: 'integer', description: 'number of member states over the alliance\'s life (MEM1..MEM59)' },
  { name: 'member_cows', type: 'string', description: 'COW codes of the members, ";"-separated, in ATOP\'s order' },
  { name: 'milinst', type: 'integer', description: 'military institutionalization, 0-2, of the alliance\'s last phase (Leeds & Anac; atopinst5_1.csv)' },
  { name: 'formal', type: 'integer', description: 'formality, 0-2, of the alliance\'s last phase (Leeds & Anac; atopinst5_1.csv)' },
  { name: 'bc_depth', type: 'number', description: 'Benson & Clinton (2016) latent depth score; empty for alliances they do not score', unit: 'latent scale' },
  { name: 'source', type: 'string', description: 'source ids, ";"-separated' },
  { name: 'locator', type: 'string', description: 'rows of the publishers\' files' },
];

export const MEMBER_FIELDS: FieldDef[] = [
  { name: 'atopid', type: 'integer', description: 'ATOP alliance identifier' },
  { name: 'phase', type: 'integer', description: 'alliance phase (0: single-phase alliance)' },
  { name: 'member', type: 'integer', description: 'COW code of the member' },
  { name: 'iso3', type: 'string', description: 'ISO code of the member (evidence/countries.csv); empty for states with no registered code' },
  { name: 'entry', type: 'string', description: 'date the member signed (ISO 8601; YYYY-MM when the day is unknown)' },
  { name: 'exit', type: 'string', description: 'date the alliance ended for the member; empty while in effect on 31 December 2018' },
  dummyField('ineffect', 'in effect for the member on 31 December 2018'),
  dummyField('cowsys', 'member of the COW state system at signature'),
  dummyField('bilat', 'no more than two members in this phase'),
  ...OBLIGATIONS.map((o) => dummyField(o, `this member promises ${o === 'nonagg' ? 'nonaggression' : o === 'consul' ? 'consultation' : o === 'neutral' ? 'neutrality' : `${o} support`}`)),
  ...CONDITIONS.map((c) => dummyField(c, 'condition on this member\'s obligations (codebook 2.33)')),
  dummyField('asymm', 'obligations vary among the members'),
  dummyField('obvary', 'this member has different obligations to different members'),
  { name: 'base', type: 'integer', description: 'troop stationing (ATOP BASE: 0 none, 1 neutral territory, 2 reciprocal, 3 non-reciprocal); empty when unknown' },
  { name: 'intcom', type: 'integer', description: 'integrated command (ATOP INTCOM); empty when unknown' },
  { name: 'contrib', type: 'integer', description: 'contributions specified (ATOP CONTRIB); empty when unknown' },
  { name: 'termmode', type: 'integer', description: 'how the member left: 0 in effect, 1 not renewed, 2 replaced, 3 broken, 4 lost independence, 5 casus foederis ceased, 6 war lost (ATOP TERMMODE)' },
  { name: 'termcaus', type: 'integer', description: 'why the member left (ATOP TERMCAUS 0-8); empty when ATOP could not determine it' },
  { name: 'source', type: 'string', description: 'source id' },
  { name: 'locator', type: 'string', description: 'file and row in the ATOP snapshot' },
];

/**
 * A row of the atop_members table. The obligations and conditions are written out key by key (in
 * the order of OBLIGATIONS and CONDITIONS, as the fields list them) rather than spread in: one
 * object literal of a fixed shape is several times cheaper to make for the 2,500 rows than one
 * grown by two spreads. `satisfies` makes the compiler check that none is left out.
 */
export function memberRow(m: AtopMember): Record<string, string | number | null> {
  const o = m.obligations;
  const c = m.conditions;
  return {
    atopid: m.atopid,
    phase: m.phase,
    member: m.cow,
    iso3: m.iso3 ?? '',
    entry: formatAtopDate(m.entry),
    exit: formatAtopDate(m.exit),
    ineffect: m.inEffect ? 1 : 0,
    cowsys: m.cowsys,
    bilat: m.bilat,
    defense: o.defense, offense: o.offense, neutral: o.neutral, nonagg: o.nonagg, consul: o.consul,
    conditio: c.conditio, defcon: c.defcon, offcon: c.offcon, neucon: c.neucon, concon: c.concon, defcoadv: c.defcoadv,
    defcoloc: c.defcoloc, defcocon: c.defcocon, defconum: c.defconum, defcodem: c.defcodem, defconpr: c.defconpr, offcoadv: c.offcoadv,
    offcoloc: c.offcoloc, offcocon: c.offcocon, offconum: c.offconum, offcodem: c.offcodem, neucoadv: c.neucoadv, neucoloc: c.neucoloc,
    neucocon: c.neucocon, neuconum: c.neuconum, neucodem: c.neucodem, neuconpr: c.neuconpr, neucoatt: c.neucoatt, concoadv: c.concoadv,
    concoloc: c.concoloc, concocon: c.concocon, concoreq: c.concoreq, olimob: c.olimob,
    asymm: m.asymm,
    obvary: m.obvary,
    base: m.base,
    intcom: m.intcom,
    contrib: m.contrib,
    termmode: m.termmode,
    termcaus: m.termcaus,
    source: ATOP_SOURCE,
    locator: `${ATOP_FILES.members} row ${m.line}`,
  } satisfies Record<Obligation | Condition, 0 | 1> & Record<string, string | number | null>;
}

/** A row of the atop_alliances table (obligations written out as in memberRow). */
export function allianceRow(a: AtopAlliance, inst: Institutionalization | undefined, depth: Depth | undefined): Record<string, string | number | null> {
  let locator = `${ATOP_FILES.alliances} row ${a.line}`;
  if (inst) locator += `; ${ATOP_FILES.institutions} row ${inst.line}`;
  if (depth) locator += `; ${ATOP_FILES.depth} row ${depth.line}`;
  const o = a.obligations;
  return {
    atopid: a.atopid,
    begin: formatAtopDate(a.begin),
    end: formatAtopDate(a.end),
    ineffect: a.inEffect ? 1 : 0,
    bilat: a.bilat,
    maxphase: a.maxphase,
    defense: o.defense, offense: o.offense, neutral: o.neutral, nonagg: o.nonagg, consul: o.consul,
    conditio: a.conditio,
    asymm: a.asymm,
    base: a.base,
    intcom: a.intcom,
    contrib: a.contrib,
    milaid: a.milaid,
    milcon: a.milcon,
    organ1: a.organ1,
    term: a.term,
    members: a.members.length,
    member_cows: a.members.join(';'),
    milinst: inst?.milinst ?? null,
    formal: inst?.formal ?? null,
    bc_depth: depth?.depth ?? null,
    source: depth?.depth != null ? `${ATOP_SOURCE};${DEPTH_SOURCE}` : ATOP_SOURCE,
    locator,
  } satisfies Record<Obligation, 0 | 1> & Record<string, string | number | null>;
}

function checkMembersKnown(alliances: AtopAlliance[], members: AtopMember[]): void {
  const byAlliance = new Map<number, Set<number>>();
  for (const m of members) {
    let s = byAlliance.get(m.atopid);
    if (!s) byAlliance.set(m.atopid, (s = new Set()));
    s.add(m.cow);
  }
  for (const a of alliances) {
    const listed = byAlliance.get(a.atopid);
    if (!listed) {
      throw new SnapshotError(ATOP_FILES.alliances, a.line, 'atopid', `alliance ${a.atopid} has no rows in ${ATOP_FILES.members}`,
        'The alliance and member files come from different releases; take both from the same ATOP release.');
    }
  }
}

export const transform: Transform = {
  id: 'atop',
  title: 'ATOP 5.1 alliances and member obligations',
  sources: [ATOP_SOURCE, DEPTH_SOURCE],
  indicators: [],
  needsSnapshot: true,
  async run(ctx) {
    const [alliances, members, institutions, depth] = await Promise.all([
      readAtopAlliances(ctx), readAtopMembers(ctx), readInstitutionalization(ctx), readDepthScores(ctx),
    ]);
    checkMembersKnown(alliances, members);
    const allianceTable: EvidenceTable = {
      name: 'atop_alliances',
      title: 'ATOP 5.1 alliances',
      description: 'One row per alliance in ATOP 5.1 (1815-2018): dates, obligations, institutions, members, with ATOP\'s institutionalization scores and Benson & Clinton\'s depth score. Codes as in the ATOP 5.1 codebook; empty cells are codes ATOP leaves missing.',
      sources: [ATOP_SOURCE, DEPTH_SOURCE],
      fields: ALLIANCE_FIELDS,
      primaryKey: ['atopid'],
      rows: alliances.map((a) => allianceRow(a, institutions.get(a.atopid), depth.get(a.atopid))),
    };
    const memberTable: EvidenceTable = {
      name: 'atop_members',
      title: 'ATOP 5.1 member obligations',
      description: 'One row per alliance member and phase entry in ATOP 5.1: what each member promised (defense, offense, neutrality, nonaggression, consultation), on what conditions, with entry and exit dates and the member\'s ISO code.',
      sources: [ATOP_SOURCE],
      fields: MEMBER_FIELDS,
      primaryKey: ['atopid', 'phase', 'member', 'entry'],
      rows: members.map(memberRow),
    };
    return { observations: [], tables: [allianceTable, memberTable] };
  },
};
