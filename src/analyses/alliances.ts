// ATOP alliances and member obligations as typed records, read from the evidence tables
// (atop_alliances, atop_members) that the pipeline writes. Every analysis of alliances starts
// here, so a table that lacks a field or holds a malformed value is reported once, by table,
// row and field, instead of surfacing as a wrong number later.
import type { Evidence, TableRow } from '../evidence/load.ts';

/** A date at the precision ATOP gives: month and day may be unknown. */
export interface CalendarDate {
  year: number;
  month: number | null;
  day: number | null;
}

/** ATOP 5.1 observes alliances until 31 December 2018 (codebook, INEFFECT). */
export const ATOP_COVERAGE_END: CalendarDate = { year: 2018, month: 12, day: 31 };

export const OBLIGATION_KINDS = ['defense', 'offense', 'neutrality', 'nonaggression', 'consultation'] as const;
export type ObligationKind = (typeof OBLIGATION_KINDS)[number];
/** ATOP's variable for each obligation. */
export const ATOP_OBLIGATION_FIELD: Record<ObligationKind, string> = {
  defense: 'defense', offense: 'offense', neutrality: 'neutral', nonaggression: 'nonagg', consultation: 'consul',
};

export type Obligations = Record<ObligationKind, boolean>;

export interface AllianceRecord {
  atopid: number;
  /** A readable name: the members' ISO codes and the year signed (ATOP ships no treaty names). */
  name: string;
  begin: CalendarDate;
  /** null while in force on 31 December 2018. */
  end: CalendarDate | null;
  inForce: boolean;
  /** ATOP TERM: 0 in force or censored, 1 fulfilled, 2 violation/abrogation, 3 renegotiated. */
  termination: number;
  bilateral: boolean;
  /** Obligations any member undertakes (alliance level). */
  obligations: Obligations;
  asymmetric: boolean | null;
  /** ATOP BASE: 0 none, 1 joint troops on neutral territory, 2 reciprocal, 3 non-reciprocal; null unknown. */
  base: number | null;
  intcom: number | null;
  /** Members as ISO codes; states without a registered code appear as "COW<code>". */
  members: string[];
  source: string;
  locator: string;
}

/** One member's obligations in one phase of an alliance (ATOP member level). */
export interface MemberObligations {
  atopid: number;
  phase: number;
  member: string;
  cow: number;
  entry: CalendarDate;
  exit: CalendarDate | null;
  inForce: boolean;
  obligations: Obligations;
  /** Condition dummies that are 1 for this member (ATOP names, e.g. defcoloc). */
  conditions: string[];
  /** This member owes different things to different partners (ATOP OBVARY). */
  variesByPartner: boolean;
  base: number | null;
  termmode: number;
  source: string;
  locator: string;
}

/** The evidence tables lack something the analyses need; the message names table, row and field. */
export class EvidenceTableError extends Error {
  constructor(table: string, row: number | null, field: string, problem: string) {
    super(`evidence table ${table}${row !== null ? ` row ${row}` : ''}, field "${field}": ${problem}. Rebuild the evidence with: npx allies data build`);
    this.name = 'EvidenceTableError';
  }
}

/** Typed access to one table's rows; row numbers count the CSV header as row 1. */
export class TableReader {
  constructor(readonly table: string, readonly rows: readonly TableRow[]) {}

  static from(evidence: Pick<Evidence, 'table' | 'tableNames'>, table: string): TableReader {
    if (!evidence.tableNames().includes(table)) throw new EvidenceTableError(table, null, '*', 'the table is missing from the evidence');
    return new TableReader(table, evidence.table(table));
  }

  private raw(i: number, field: string): string | number | boolean | null {
    const row = this.rows[i];
    if (!(field in row)) throw new EvidenceTableError(this.table, i + 2, field, 'no such field');
    return row[field];
  }

  integer(i: number, field: string): number {
    const v = this.optionalInteger(i, field);
    if (v === null) throw new EvidenceTableError(this.table, i + 2, field, 'value is missing');
    return v;
  }

  optionalInteger(i: number, field: string): number | null {
    const v = this.raw(i, field);
    if (v === null || v === '') return null;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isInteger(n)) throw new EvidenceTableError(this.table, i + 2, field, `"${String(v)}" is not an integer`);
    return n;
  }

  number(i: number, field: string): number | null {
    const v = this.raw(i, field);
    if (v === null || v === '') return null;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) throw new EvidenceTableError(this.table, i + 2, field, `"${String(v)}" is not a number`);
    return n;
  }

  flag(i: number, field: string): boolean {
    const v = this.raw(i, field);
    if (v === true || v === 1 || v === '1' || v === 'true') return true;
    if (v === false || v === 0 || v === '0' || v === 'false') return false;
    throw new EvidenceTableError(this.table, i + 2, field, `"${String(v)}" is not a 0/1 code`);
  }

  optionalFlag(i: number, field: string): boolean | null {
    const v = this.raw(i, field);
    return v === null || v === '' ? null : this.flag(i, field);
  }

  text(i: number, field: string): string {
    const v = this.raw(i, field);
    return v === null ? '' : String(v);
  }

  date(i: number, field: string): CalendarDate | null {
    const v = this.text(i, field);
    if (v === '') return null;
    const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(v);
    if (!m) throw new EvidenceTableError(this.table, i + 2, field, `"${v}" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)`);
    return { year: Number(m[1]), month: m[2] ? Number(m[2]) : null, day: m[3] ? Number(m[3]) : null };
  }
}

function obligationsAt(reader: TableReader, i: number): Obligations {
  return Object.fromEntries(OBLIGATION_KINDS.map((k) => [k, reader.flag(i, ATOP_OBLIGATION_FIELD[k])])) as Obligations;
}

/** Condition dummies of the ATOP member level (codebook 2.33), detail only (not the summaries). */
export const CONDITION_FIELDS: Record<string, string> = {
  defcoadv: 'defense only against a particular adversary',
  defcoloc: 'defense only for conflict in a particular location',
  defcocon: 'defense only in a particular ongoing conflict',
  defconum: 'defense depends on the number of adversaries',
  defcodem: 'defense depends on demands being met',
  defconpr: 'defense only if the ally did not provoke the attack',
  offcoadv: 'offense only against a particular adversary',
  offcoloc: 'offense only in a particular location',
  offcocon: 'offense only in a particular ongoing conflict',
  offconum: 'offense depends on the number of adversaries',
  offcodem: 'offense depends on demands being met',
  neucoadv: 'neutrality only toward a particular adversary',
  neucoloc: 'neutrality only for conflict in a particular location',
  neucocon: 'neutrality only in a particular ongoing conflict',
  neuconum: 'neutrality depends on the number of adversaries',
  neucodem: 'neutrality depends on demands being met',
  neuconpr: 'neutrality only if the ally did not provoke',
  neucoatt: 'neutrality only if the ally is attacked',
  concoadv: 'consultation only about a particular adversary',
  concoloc: 'consultation only for crises in a particular location',
  concocon: 'consultation only in a particular ongoing conflict',
  concoreq: 'consultation upon an ally\'s request',
  olimob: 'another condition',
};

/** Member codes of the atop_members table, keyed by alliance: ISO where registered, else COW<code>. */
function membersByAlliance(members: readonly MemberObligations[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const m of members) {
    const list = out.get(m.atopid) ?? [];
    if (!list.includes(m.member)) list.push(m.member);
    out.set(m.atopid, list);
  }
  return out;
}

export function readMemberObligations(evidence: Pick<Evidence, 'table' | 'tableNames'>): MemberObligations[] {
  const t = TableReader.from(evidence, 'atop_members');
  return t.rows.map((_, i) => {
    const cow = t.integer(i, 'member');
    const iso = t.text(i, 'iso3');
    const entry = t.date(i, 'entry');
    if (!entry) throw new EvidenceTableError(t.table, i + 2, 'entry', 'value is missing');
    return {
      atopid: t.integer(i, 'atopid'),
      phase: t.integer(i, 'phase'),
      member: iso || `COW${cow}`,
      cow,
      entry,
      exit: t.date(i, 'exit'),
      inForce: t.flag(i, 'ineffect'),
      obligations: obligationsAt(t, i),
      conditions: Object.keys(CONDITION_FIELDS).filter((c) => t.flag(i, c)),
      variesByPartner: t.flag(i, 'obvary'),
      base: t.optionalInteger(i, 'base'),
      termmode: t.integer(i, 'termmode'),
      source: t.text(i, 'source'),
      locator: t.text(i, 'locator'),
    };
  });
}

export function readAlliances(evidence: Pick<Evidence, 'table' | 'tableNames'>, members: readonly MemberObligations[] = readMemberObligations(evidence)): AllianceRecord[] {
  const t = TableReader.from(evidence, 'atop_alliances');
  const memberCodes = membersByAlliance(members);
  return t.rows.map((_, i) => {
    const atopid = t.integer(i, 'atopid');
    const begin = t.date(i, 'begin');
    if (!begin) throw new EvidenceTableError(t.table, i + 2, 'begin', 'value is missing');
    const listed = memberCodes.get(atopid);
    if (!listed) throw new EvidenceTableError('atop_members', null, 'atopid', `alliance ${atopid} has no member rows`);
    const codes = [...listed].sort((a, b) => (a === 'USA' ? -1 : b === 'USA' ? 1 : a < b ? -1 : a > b ? 1 : 0));
    return {
      atopid,
      name: allianceName(codes, begin.year),
      begin,
      end: t.date(i, 'end'),
      inForce: t.flag(i, 'ineffect'),
      termination: t.integer(i, 'term'),
      bilateral: t.flag(i, 'bilat'),
      obligations: obligationsAt(t, i),
      asymmetric: t.optionalFlag(i, 'asymm'),
      base: t.optionalInteger(i, 'base'),
      intcom: t.optionalInteger(i, 'intcom'),
      members: codes,
      source: t.text(i, 'source'),
      locator: t.text(i, 'locator'),
    };
  });
}

function allianceName(members: readonly string[], year: number): string {
  const shown = members.length <= 4 ? members.join('-') : `${members.slice(0, 3).join('-')} +${members.length - 3}`;
  return `${shown} ${year}`;
}

/** ATOP's NNA rule: the only obligation is nonaggression (codebook 2.2). */
export function isNonaggressionOnly(a: Pick<AllianceRecord, 'obligations'>): boolean {
  const o = a.obligations;
  return o.nonaggression && !o.defense && !o.offense && !o.neutrality && !o.consultation;
}

/** One row of us_commitments: a tie between the United States and a covered ally. */
export interface UsCommitment {
  ally: string;
  commitment: string;
  name: string;
  /** treaty | declaration | agreement | memorandum | designation | statute | none */
  kind: string;
  atopid: number | null;
  /** in-force | ended | suspended | designated | treated-as | no-treaty | announced | none */
  status: string;
  usOwes: Obligations;
  allyOwes: Obligations;
  usConditions: string[];
  allyConditions: string[];
  asymmetric: boolean | null;
  base: number | null;
  begin: CalendarDate | null;
  end: CalendarDate | null;
  inForce2024: boolean | null;
  /** atop | curated | atop+curated: where the row's coding comes from. */
  basis: string;
  source: string;
  locator: string;
  note: string;
}

function prefixedObligations(t: TableReader, i: number, prefix: 'us' | 'ally'): Obligations {
  return Object.fromEntries(OBLIGATION_KINDS.map((k) => [k, t.flag(i, `${prefix}_${ATOP_OBLIGATION_FIELD[k]}`)])) as Obligations;
}

export function readUsCommitments(evidence: Pick<Evidence, 'table' | 'tableNames'>): UsCommitment[] {
  const t = TableReader.from(evidence, 'us_commitments');
  const list = (s: string) => s.split(';').filter(Boolean);
  return t.rows.map((_, i) => ({
    ally: t.text(i, 'ally'),
    commitment: t.text(i, 'commitment'),
    name: t.text(i, 'name'),
    kind: t.text(i, 'kind'),
    atopid: t.optionalInteger(i, 'atopid'),
    status: t.text(i, 'status'),
    usOwes: prefixedObligations(t, i, 'us'),
    allyOwes: prefixedObligations(t, i, 'ally'),
    usConditions: list(t.text(i, 'us_conditions')),
    allyConditions: list(t.text(i, 'ally_conditions')),
    asymmetric: t.optionalFlag(i, 'asymm'),
    base: t.optionalInteger(i, 'base'),
    begin: t.date(i, 'begin'),
    end: t.date(i, 'end'),
    inForce2024: t.optionalFlag(i, 'in_force_2024'),
    basis: t.text(i, 'basis'),
    source: t.text(i, 'source'),
    locator: t.text(i, 'locator'),
    note: t.text(i, 'note'),
  }));
}

/** Everything the alliance analyses read from the evidence, read and checked once. */
export interface AllianceEvidence {
  alliances: AllianceRecord[];
  members: MemberObligations[];
  commitments: UsCommitment[];
}

export function readAllianceEvidence(evidence: Pick<Evidence, 'table' | 'tableNames'>): AllianceEvidence {
  const members = readMemberObligations(evidence);
  return { alliances: readAlliances(evidence, members), members, commitments: readUsCommitments(evidence) };
}

/** Readable names of ATOP alliances the United States belongs to, from us_commitments. */
export function commitmentNames(commitments: readonly UsCommitment[]): Map<number, string> {
  const names = new Map<number, string>();
  for (const c of commitments) if (c.atopid !== null && !names.has(c.atopid)) names.set(c.atopid, c.name);
  return names;
}
