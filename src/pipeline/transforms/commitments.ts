// U.S. commitments to each covered ally: ATOP 5.1's member-level obligations for every alliance
// the United States shares with the ally, extended past ATOP's 2018 cut-off and beyond its scope
// by curated/commitments.yaml (NATO accessions, the Taiwan Relations Act, MNNA designations),
// plus the curated alliance structure of curated/groupings.yaml (minilaterals, access and
// basing agreements, EDCA sites).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CuratedFileError, loadSourceRegistry, parseYamlFile } from '../../evidence/sources.ts';
import type { CountryRegistry } from '../../evidence/countries.ts';
import type { Indicator, ObservationFlag } from '../../evidence/schema.ts';
import { ObservationColumns } from '../observation-columns.ts';
import { integerAt, SnapshotError } from '../snapshot.ts';
import type { Where } from '../snapshot.ts';
import { observation } from '../transform.ts';
import type { EvidenceTable, FieldDef, Transform, TransformContext } from '../transform.ts';
import {
  ATOP_FILES, ATOP_LAST_YEAR, ATOP_SOURCE, CONDITIONS, OBLIGATIONS, USA_COW, formatAtopDate, readAtopMembers,
} from './atop.ts';
import type { AtopDate, AtopMember, Obligation } from './atop.ts';

export const FIRST_YEAR = 1946;
/** The last year the evidence describes ("in force as of 2024"). */
export const LAST_YEAR = 2024;
const SYSTEM_FILE = 'cow-states/cow_states2016_peacesciencer.csv';
const SYSTEM_SOURCE = 'cow-states-2016';
const SYSTEM_LAST_YEAR = 2016;
const HINT = 'Fix the entry (see the comments at the top of the file).';

// ---------------------------------------------------------------------------------------------
// Dates: ISO 8601 at the precision the source gives (YYYY, YYYY-MM or YYYY-MM-DD).

interface PartialDate {
  year: number;
  month: number | null;
  day: number | null;
}

function parseIsoDate(text: string): PartialDate | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = m[2] === undefined ? null : Number(m[2]);
  const day = m[3] === undefined ? null : Number(m[3]);
  if (month !== null && (month < 1 || month > 12)) return null;
  if (day !== null && (day < 1 || day > daysInMonth(year, month!))) return null;
  return { year, month, day };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** First instant of a (possibly partial) date, in ms since 1970. */
function startOf(d: PartialDate | AtopDate): number {
  return Date.UTC(d.year, (d.month ?? 1) - 1, d.day ?? 1);
}

/** The instant a commitment ends: its exit date (unknown days read as the month's last). */
function endOf(d: AtopDate | null): number {
  if (!d) return Infinity;
  return Date.UTC(d.year, d.month - 1, d.day ?? daysInMonth(d.year, d.month));
}

function yearOfInstant(ms: number): number {
  return new Date(ms).getUTCFullYear();
}

/**
 * In force at any time during the year that starts at `yearStart` and ends where the next starts
 * (ATOP's state-year convention); the end day is excluded. The year's bounds are computed once
 * per year by the caller, not per span.
 */
function overlapsYear(start: number, end: number, yearStart: number, yearEnd: number): boolean {
  return start < yearEnd && end > yearStart;
}

// ---------------------------------------------------------------------------------------------
// Curated files, validated with zod; problems are reported with file, line and field.

const IsoDate = z.preprocess(
  (v) => (typeof v === 'number' ? String(v) : v),
  z.string().refine((s) => parseIsoDate(s) !== null, { error: (iss) => `"${String(iss.input)}" is not a date as YYYY, YYYY-MM or YYYY-MM-DD` }),
);
const CommitmentId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case id such as nato or us-japan');
const ObligationName = z.enum(OBLIGATIONS);

interface CuratedContext {
  allies: Set<string>;
  sources: Set<string>;
  registry: CountryRegistry;
}

function allyCode(c: CuratedContext) {
  return z.string().refine((v) => c.allies.has(v), { error: (iss) => `"${String(iss.input)}" is not a covered ally in curated/allies.yaml` });
}

function sourceId(c: CuratedContext) {
  return z.string().refine((v) => c.sources.has(v), { error: (iss) => `"${String(iss.input)}" is not a source id in curated/sources.yaml or curated/sources/*.yaml` });
}

function countryCode(c: CuratedContext) {
  return z.string().refine((v) => c.registry.has(v), { error: (iss) => `"${String(iss.input)}" is not a registered country code (evidence/countries.csv)` });
}

function citation(c: CuratedContext) {
  return { source: sourceId(c), locator: z.string().min(1), rationale: z.string().min(1) };
}

const AlliesFile = z.object({
  allies: z.array(z.looseObject({ iso3: z.string().regex(/^[A-Z]{3}$/), basis: z.array(z.string()).min(1) })),
});
type AlliesFile = z.infer<typeof AlliesFile>;

/** What ATOP tells the curated-file checks: which covered allies share which alliance with the U.S. */
interface AtopFacts {
  alliesByAtopid: Map<number, Set<string>>;
  /** The U.S. member row of each alliance's last phase. */
  usRow: Map<number, AtopMember>;
}

function commitmentsSchema(c: CuratedContext, atop: AtopFacts) {
  // The field schemas shared by the entries, made once per file rather than once per list.
  const ally = allyCode(c);
  const cite = citation(c);
  return z.strictObject({
    atop: z.array(z.strictObject({
      atopid: z.number().int(),
      commitment: CommitmentId,
      name: z.string().min(1),
      kind: z.enum(['treaty', 'agreement', 'declaration', 'memorandum']),
      ...cite,
    })),
    notes: z.array(z.strictObject({ ally, commitment: CommitmentId, status: z.enum(['in-force', 'ended', 'suspended']), ...cite })),
    accessions: z.array(z.strictObject({
      ally, commitment: CommitmentId, date: IsoDate, signed: IsoDate.optional(),
      us_owes: z.array(ObligationName), ally_owes: z.array(ObligationName), ...cite,
    })),
    // When a member ATOP codes became bound (deposit of the instrument of accession), where
    // ATOP's entry date (the later signature) is earlier: the row's in_force_from.
    entries: z.array(z.strictObject({ ally, commitment: CommitmentId, date: IsoDate, ...cite })).default([]),
    statutes: z.array(z.strictObject({
      ally, commitment: CommitmentId, name: z.string().min(1), date: IsoDate,
      us_owes: z.array(ObligationName), ally_owes: z.array(ObligationName), ...cite,
    })),
    designations: z.array(z.strictObject({
      ally, date: IsoDate, status: z.enum(['designated', 'announced', 'treated-as']).default('designated'),
      /** A termination under 22 U.S.C. 2321k(a)(2). */
      revoked: IsoDate.optional(), ...cite,
    })),
  }).superRefine((doc, ctx) => {
    // Repeats are found with sets of the values seen so far (not a search of the list per entry),
    // which flag the same entries: every one after the first with its value.
    const byCommitment = new Map<string, number>();
    const atopids = new Set<number>();
    doc.atop.forEach((a, i) => {
      if (!atop.alliesByAtopid.has(a.atopid)) ctx.addIssue({ code: 'custom', path: ['atop', i, 'atopid'], message: `ATOP 5.1 has no alliance ${a.atopid} between the United States and a covered ally after 1945` });
      if (byCommitment.has(a.commitment)) ctx.addIssue({ code: 'custom', path: ['atop', i, 'commitment'], message: `commitment "${a.commitment}" is already used for ATOP ${byCommitment.get(a.commitment)}` });
      if (atopids.has(a.atopid)) ctx.addIssue({ code: 'custom', path: ['atop', i, 'atopid'], message: `ATOP ${a.atopid} is listed twice` });
      byCommitment.set(a.commitment, a.atopid);
      atopids.add(a.atopid);
    });
    doc.notes.forEach((n, i) => {
      const atopid = byCommitment.get(n.commitment);
      if (atopid === undefined) ctx.addIssue({ code: 'custom', path: ['notes', i, 'commitment'], message: `"${n.commitment}" is not an ATOP commitment listed under atop` });
      else if (!atop.alliesByAtopid.get(atopid)?.has(n.ally)) ctx.addIssue({ code: 'custom', path: ['notes', i, 'ally'], message: `ATOP ${atopid} does not pair the United States with ${n.ally}` });
    });
    doc.accessions.forEach((a, i) => {
      const atopid = byCommitment.get(a.commitment);
      if (atopid === undefined) {
        ctx.addIssue({ code: 'custom', path: ['accessions', i, 'commitment'], message: `"${a.commitment}" is not an ATOP commitment listed under atop` });
        return;
      }
      if (atop.alliesByAtopid.get(atopid)?.has(a.ally)) ctx.addIssue({ code: 'custom', path: ['accessions', i, 'ally'], message: `ATOP ${atopid} already codes ${a.ally} as a member; an accession is for members ATOP does not cover` });
      const us = atop.usRow.get(atopid)!;
      const usCoded = OBLIGATIONS.filter((o) => us.obligations[o] === 1);
      if (!sameObligations(a.us_owes, usCoded)) ctx.addIssue({ code: 'custom', path: ['accessions', i, 'us_owes'], message: `ATOP codes the U.S. obligations in ${atopid} as [${usCoded.join(', ')}]` });
      if (us.asymm === 0 && !sameObligations(a.ally_owes, usCoded)) ctx.addIssue({ code: 'custom', path: ['accessions', i, 'ally_owes'], message: `ATOP codes ${atopid} as symmetric (ASYMM 0): every member owes [${usCoded.join(', ')}]` });
    });
    const entered = new Map<string, Set<string>>();
    doc.entries.forEach((e, i) => {
      const atopid = byCommitment.get(e.commitment);
      if (atopid === undefined) ctx.addIssue({ code: 'custom', path: ['entries', i, 'commitment'], message: `"${e.commitment}" is not an ATOP commitment listed under atop` });
      else if (!atop.alliesByAtopid.get(atopid)?.has(e.ally)) ctx.addIssue({ code: 'custom', path: ['entries', i, 'ally'], message: `ATOP ${atopid} does not code ${e.ally} as a member; members after ATOP's cut-off go under accessions` });
      let allies = entered.get(e.commitment);
      if (!allies) entered.set(e.commitment, (allies = new Set()));
      if (allies.has(e.ally)) ctx.addIssue({ code: 'custom', path: ['entries', i, 'ally'], message: `${e.ally} ${e.commitment} is listed twice` });
      allies.add(e.ally);
    });
    const designated = new Set<string>();
    doc.designations.forEach((d, i) => {
      if (designated.has(d.ally)) ctx.addIssue({ code: 'custom', path: ['designations', i, 'ally'], message: `${d.ally} is designated twice` });
      if (d.revoked !== undefined && startOf(parseIsoDate(d.revoked)!) < startOf(parseIsoDate(d.date)!)) ctx.addIssue({ code: 'custom', path: ['designations', i, 'revoked'], message: `revoked ${d.revoked} precedes the designation (${d.date})` });
      if (d.revoked !== undefined && d.status !== 'designated') ctx.addIssue({ code: 'custom', path: ['designations', i, 'revoked'], message: `only a designation in force (status designated) can be revoked, not one ${d.status}` });
      designated.add(d.ally);
    });
  });
}
type CommitmentsFile = z.infer<ReturnType<typeof commitmentsSchema>>;

function sameObligations(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function groupingsSchema(c: CuratedContext) {
  const country = countryCode(c);
  const source = sourceId(c);
  return z.strictObject({
    groupings: z.array(z.strictObject({
      id: CommitmentId,
      name: z.string().min(1),
      kind: z.enum(['minilateral', 'access-agreement', 'basing-agreement', 'treaty']),
      founded: IsoDate,
      in_force_from: IsoDate.optional(),
      in_force_2024: z.boolean(),
      description: z.string().min(1),
      source,
      locator: z.string().min(1),
      members: z.array(z.strictObject({ iso3: country, role: z.string().min(1), since: IsoDate })).min(2),
    })),
    sites: z.array(z.strictObject({
      grouping: CommitmentId,
      name: z.string().min(1),
      province: z.string().min(1),
      municipality: z.string().min(1),
      lat: z.number().min(-90).max(90),
      lon: z.number().min(-180).max(180),
      added: z.number().int().min(1900).max(2100),
      source,
      locator: z.string().min(1),
    })),
  }).superRefine((doc, ctx) => {
    const ids = new Set<string>();
    doc.groupings.forEach((g, i) => {
      if (ids.has(g.id)) ctx.addIssue({ code: 'custom', path: ['groupings', i, 'id'], message: `grouping "${g.id}" is listed twice` });
      ids.add(g.id);
      // Every member after the first with its code is a repeat.
      const members = new Set<string>();
      g.members.forEach((m, j) => {
        if (members.has(m.iso3)) ctx.addIssue({ code: 'custom', path: ['groupings', i, 'members', j, 'iso3'], message: `${m.iso3} is listed twice` });
        members.add(m.iso3);
      });
    });
    doc.sites.forEach((s, i) => {
      if (!ids.has(s.grouping)) ctx.addIssue({ code: 'custom', path: ['sites', i, 'grouping'], message: `"${s.grouping}" is not a grouping in this file` });
    });
  });
}

async function readCurated<T>(ctx: TransformContext, name: string, schema: z.ZodType<T>): Promise<T> {
  const file = path.join(ctx.curatedDir, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new CuratedFileError(file, null, '', 'file not found', 'Restore it from the repository.');
  }
  return parseYamlFile(file, text, schema, HINT);
}

// ---------------------------------------------------------------------------------------------
// Commitments: ATOP dyads with the United States, then curated additions.

/** A stretch of time during which one commitment binds the U.S. and one ally. */
interface Span {
  start: number;
  end: number;
  usDefense: boolean;
  allyDefense: boolean;
  /** ATOP codes different obligations to different members (OBVARY), so the row may not be about this ally. */
  uncertain: boolean;
  source: string;
  locator: string;
  commitment: string;
}

interface Commitment {
  ally: string;
  id: string;
  name: string;
  kind: string;
  atopid: number | null;
  status: string;
  usOwes: Record<Obligation, 0 | 1>;
  allyOwes: Record<Obligation, 0 | 1>;
  usConditions: string;
  allyConditions: string;
  asymm: number | null;
  base: number | null;
  begin: string;
  end: string;
  /** Date the commitment bound the pair (deposit of accession, designation); '' when it never took effect. */
  inForceFrom: string;
  inForce2024: boolean | null;
  basis: 'atop' | 'atop+curated' | 'curated';
  sources: string[];
  locator: string;
  note: string;
  spans: Span[];
}

interface Dyad {
  atopid: number;
  ally: string;
  us: AtopMember;
  partner: AtopMember;
  start: number;
  end: number;
}

const NO_OBLIGATIONS: Record<Obligation, 0 | 1> = { defense: 0, offense: 0, neutral: 0, nonagg: 0, consul: 0 };

function obligationsFrom(list: readonly Obligation[]): Record<Obligation, 0 | 1> {
  const has = (o: Obligation): 0 | 1 => (list.includes(o) ? 1 : 0);
  return { defense: has('defense'), offense: has('offense'), neutral: has('neutral'), nonagg: has('nonagg'), consul: has('consul') };
}

function conditionsOf(m: AtopMember): string {
  let out = '';
  for (const c of CONDITIONS) if (m.conditions[c] === 1) out = out ? `${out};${c}` : c;
  return out;
}

/**
 * Every pairing of the U.S. with a covered ally in the same alliance phase, cut to the time
 * both were members, keeping those in force at some point from 1946 on.
 */
function usDyads(members: AtopMember[], allies: Set<string>): Dyad[] {
  const usRows = members.filter((m) => m.cow === USA_COW);
  const usByPhase = new Map(usRows.map((m) => [`${m.atopid}:${m.phase}`, m]));
  const from1946 = Date.UTC(FIRST_YEAR, 0, 1);
  const out: Dyad[] = [];
  for (const partner of members) {
    if (partner.cow === USA_COW || !partner.iso3 || !allies.has(partner.iso3)) continue;
    const us = usByPhase.get(`${partner.atopid}:${partner.phase}`);
    if (!us) continue;
    const start = Math.max(startOf(us.entry), startOf(partner.entry));
    const end = Math.min(endOf(us.exit), endOf(partner.exit));
    if (start < end && end > from1946) out.push({ atopid: partner.atopid, ally: partner.iso3, us, partner, start, end });
  }
  return out;
}

function atopFacts(members: AtopMember[], dyads: Dyad[]): AtopFacts {
  const alliesByAtopid = new Map<number, Set<string>>();
  for (const d of dyads) {
    let s = alliesByAtopid.get(d.atopid);
    if (!s) alliesByAtopid.set(d.atopid, (s = new Set()));
    s.add(d.ally);
  }
  const usRow = new Map<number, AtopMember>();
  for (const m of members) {
    if (m.cow !== USA_COW) continue;
    const prior = usRow.get(m.atopid);
    if (!prior || prior.phase < m.phase) usRow.set(m.atopid, m);
  }
  return { alliesByAtopid, usRow };
}

function dyadLocator(d: Dyad): string {
  return `${ATOP_FILES.members} rows ${d.us.line} (USA) and ${d.partner.line} (${d.ally}), ATOP ${d.atopid}${d.us.phase ? ` phase ${d.us.phase}` : ''}`;
}

function atopCommitments(dyads: Dyad[], curated: CommitmentsFile): Commitment[] {
  const out: Commitment[] = [];
  const groups = new Map<string, Dyad[]>();
  for (const d of dyads) {
    const key = `${d.ally}|${d.atopid}`;
    const group = groups.get(key);
    if (group) group.push(d);
    else groups.set(key, [d]);
  }
  // The curated entries by key, the first of each as a search of the lists would find it.
  const namedOf = new Map<number, CommitmentsFile['atop'][number]>();
  for (const a of curated.atop) if (!namedOf.has(a.atopid)) namedOf.set(a.atopid, a);
  const curatedNotes = firstByAllyAndCommitment(curated.notes);
  const curatedEntries = firstByAllyAndCommitment(curated.entries);
  for (const group of groups.values()) {
    group.sort((a, b) => a.start - b.start || a.us.phase - b.us.phase);
    const { ally, atopid } = group[0];
    const named = namedOf.get(atopid)!;
    const latest = group[group.length - 1];
    const note = curatedNotes.get(named.commitment)?.get(ally);
    const entry = curatedEntries.get(named.commitment)?.get(ally);
    const open = group.some((d) => d.end === Infinity);
    const status = note?.status ?? (open ? 'in-force' : 'ended');
    const uncertain = group.some((d) => d.us.obvary === 1 || d.partner.obvary === 1);
    const locators = group.map(dyadLocator);
    const spans = group.map((d, i): Span => ({
      start: d.start,
      end: d.end,
      usDefense: d.us.obligations.defense === 1,
      allyDefense: d.partner.obligations.defense === 1,
      uncertain: d.us.obvary === 1 || d.partner.obvary === 1,
      source: ATOP_SOURCE,
      locator: locators[i],
      commitment: named.commitment,
    }));
    const notes = [named.rationale];
    if (note) notes.push(note.rationale);
    if (entry) notes.push(`In force for ${ally} from ${entry.date}: ${entry.rationale}`);
    if (uncertain) notes.push('ATOP codes different obligations to different members (OBVARY 1): the member rows may not describe the obligation toward this ally.');
    out.push({
      ally,
      id: named.commitment,
      name: named.name,
      kind: named.kind,
      atopid,
      status,
      usOwes: { ...latest.us.obligations },
      allyOwes: { ...latest.partner.obligations },
      usConditions: conditionsOf(latest.us),
      allyConditions: conditionsOf(latest.partner),
      asymm: latest.us.asymm,
      base: latest.us.base,
      begin: formatAtopDate(entryOf(group[0])),
      end: open ? '' : formatAtopDate(exitOf(group.reduce((a, b) => (b.end > a.end ? b : a)))),
      inForceFrom: entry ? entry.date : formatAtopDate(entryOf(group[0])),
      inForce2024: status === 'in-force',
      basis: note || entry ? 'atop+curated' : 'atop',
      sources: unique([ATOP_SOURCE, named.source, ...(note ? [note.source] : []), ...(entry ? [entry.source] : [])]),
      locator: [
        locators.join('; '), `${named.source}: ${named.locator}`, ...(note ? [`${note.source}: ${note.locator}`] : []),
        ...(entry ? [`in force from: curated/commitments.yaml entries ${ally}: ${entry.source}: ${entry.locator}`] : []),
      ].join('; '),
      note: notes.join(' '),
      spans,
    });
  }
  return out;
}

/** The first of the entries for each commitment and ally: commitment -> ally -> entry. */
function firstByAllyAndCommitment<T extends { ally: string; commitment: string }>(entries: T[]): Map<string, Map<string, T>> {
  const out = new Map<string, Map<string, T>>();
  for (const e of entries) {
    let byAlly = out.get(e.commitment);
    if (!byAlly) out.set(e.commitment, (byAlly = new Map()));
    if (!byAlly.has(e.ally)) byAlly.set(e.ally, e);
  }
  return out;
}

/** The entry that starts a dyad: whichever of the two members signed last. */
function entryOf(d: Dyad): AtopDate {
  return startOf(d.us.entry) >= startOf(d.partner.entry) ? d.us.entry : d.partner.entry;
}

/** The exit that ends a dyad: whichever of the two members left first. */
function exitOf(d: Dyad): AtopDate | null {
  if (!d.us.exit) return d.partner.exit;
  if (!d.partner.exit) return d.us.exit;
  return endOf(d.us.exit) <= endOf(d.partner.exit) ? d.us.exit : d.partner.exit;
}

function accessionCommitments(curated: CommitmentsFile, atop: AtopFacts): Commitment[] {
  return curated.accessions.map((a) => {
    const named = curated.atop.find((x) => x.commitment === a.commitment)!;
    const us = atop.usRow.get(named.atopid)!;
    const symmetric = us.asymm === 0;
    const start = startOf(parseIsoDate(a.date)!);
    return {
      ally: a.ally,
      id: a.commitment,
      name: named.name,
      kind: named.kind,
      atopid: named.atopid,
      status: 'in-force',
      usOwes: obligationsFrom(a.us_owes),
      allyOwes: obligationsFrom(a.ally_owes),
      usConditions: conditionsOf(us),
      // A symmetric alliance (ATOP ASYMM 0) puts every member under the same conditions.
      allyConditions: symmetric ? conditionsOf(us) : '',
      asymm: us.asymm,
      base: us.base,
      begin: a.date,
      end: '',
      inForceFrom: a.date,
      inForce2024: true,
      basis: 'curated',
      sources: unique([a.source, named.source]),
      locator: `curated/commitments.yaml accessions ${a.ally}: ${a.source}: ${a.locator}; ${named.source}: ${named.locator}`,
      note: `${a.rationale}${a.signed ? ` Accession protocol signed ${a.signed}; ATOP's convention would date entry then.` : ''} Post-2018 change not in ATOP 5.1.`,
      spans: [{
        start, end: Infinity, usDefense: a.us_owes.includes('defense'), allyDefense: a.ally_owes.includes('defense'), uncertain: false,
        source: a.source, locator: `curated/commitments.yaml accessions ${a.ally} (${a.source}: ${a.locator})`, commitment: a.commitment,
      }],
    };
  });
}

function statuteCommitments(curated: CommitmentsFile): Commitment[] {
  return curated.statutes.map((s) => ({
    ally: s.ally,
    id: s.commitment,
    name: s.name,
    kind: 'statute',
    atopid: null,
    status: 'no-treaty',
    usOwes: obligationsFrom(s.us_owes),
    allyOwes: obligationsFrom(s.ally_owes),
    usConditions: '',
    allyConditions: '',
    asymm: null,
    base: null,
    begin: s.date,
    end: '',
    inForceFrom: s.date,
    inForce2024: true,
    basis: 'curated',
    sources: [s.source],
    locator: `curated/commitments.yaml statutes ${s.ally}: ${s.source}: ${s.locator}`,
    note: s.rationale,
    spans: s.us_owes.includes('defense') || s.ally_owes.includes('defense')
      ? [{ start: startOf(parseIsoDate(s.date)!), end: Infinity, usDefense: s.us_owes.includes('defense'), allyDefense: s.ally_owes.includes('defense'), uncertain: false, source: s.source, locator: `curated/commitments.yaml statutes ${s.ally}`, commitment: s.commitment }]
      : [],
  }));
}

function designationCommitments(curated: CommitmentsFile): Commitment[] {
  return curated.designations.map((d) => ({
    ally: d.ally,
    id: 'mnna',
    name: d.status === 'treated-as' ? 'Treated as a major non-NATO ally (by statute)' : 'Major non-NATO ally designation',
    kind: 'designation',
    atopid: null,
    status: d.status,
    usOwes: { ...NO_OBLIGATIONS },
    allyOwes: { ...NO_OBLIGATIONS },
    usConditions: '',
    allyConditions: '',
    asymm: null,
    base: null,
    begin: d.date,
    end: d.revoked ?? '',
    inForceFrom: d.status === 'announced' ? '' : d.date,
    inForce2024: d.status !== 'announced' && parseIsoDate(d.date)!.year <= LAST_YEAR && (d.revoked === undefined || startOf(parseIsoDate(d.revoked)!) > Date.UTC(LAST_YEAR, 0, 1)),
    basis: 'curated',
    sources: [d.source],
    locator: `curated/commitments.yaml designations ${d.ally}: ${d.source}: ${d.locator}`,
    note: `${d.rationale}${d.revoked ? ` Designation terminated ${d.revoked}.` : ''} A designation confers defense-trade and cooperation benefits, not a security guarantee.`,
    spans: [],
  }));
}

/** The explicit "no U.S. defense commitment" row for allies the U.S. owes no defense in 2024. */
function noneCommitment(ally: string, name: string, own: Commitment[]): Commitment {
  const describe = (c: Commitment) => `${c.id} (${c.status}${c.begin ? `, from ${c.begin}` : ''}${c.end ? ` to ${c.end}` : ''})`;
  const others = own.length ? ` Recorded ties: ${own.map(describe).join('; ')}.` : ' No treaty, agreement, statute or designation with the United States is recorded.';
  return {
    ally,
    id: 'none',
    name: 'No U.S. defense commitment',
    kind: 'none',
    atopid: null,
    status: 'none',
    usOwes: { ...NO_OBLIGATIONS },
    allyOwes: { ...NO_OBLIGATIONS },
    usConditions: '',
    allyConditions: '',
    asymm: null,
    base: null,
    begin: '',
    end: '',
    inForceFrom: '',
    inForce2024: null,
    basis: 'atop+curated',
    sources: unique([ATOP_SOURCE, ...own.flatMap((c) => c.sources)]),
    locator: `${ATOP_FILES.members}: no row in effect at 31 December 2018 in which COW ${USA_COW} owes ${ally} defense; curated/commitments.yaml: no later change adds one`,
    note: `Neither ATOP 5.1 nor the curated changes record a U.S. obligation to defend ${name} in force in ${LAST_YEAR}.${others}`,
    spans: [],
  };
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

// ---------------------------------------------------------------------------------------------
// Tables

const OWES_FIELDS = (side: 'us' | 'ally', who: string): FieldDef[] => OBLIGATIONS.map((o) => ({
  name: `${side}_${o}`,
  type: 'integer',
  description: `${who} promises ${o === 'nonagg' ? 'nonaggression' : o === 'consul' ? 'consultation in crises' : o === 'neutral' ? 'neutrality' : `${o} support`} (ATOP ${o.toUpperCase()} of its member row: 1 yes, 0 no)`,
}));

export const COMMITMENT_FIELDS: FieldDef[] = [
  { name: 'ally', type: 'string', description: 'ISO code of the covered ally (curated/allies.yaml)' },
  { name: 'commitment', type: 'string', description: 'commitment id (nato, rio, anzus, us-japan, us-rok, us-philippines, manila-pact, tra, mnna, ...; none: no U.S. defense commitment in force)' },
  { name: 'name', type: 'string', description: 'treaty, agreement, statute or designation' },
  { name: 'kind', type: 'string', description: 'treaty | agreement | declaration | memorandum | statute | designation | none' },
  { name: 'atopid', type: 'integer', description: 'ATOP alliance id; empty when ATOP does not code it' },
  { name: 'status', type: 'string', description: 'in-force | ended | suspended | no-treaty | designated | announced | treated-as | none (as of 2024)' },
  ...OWES_FIELDS('us', 'the United States'),
  { name: 'us_conditions', type: 'string', description: 'ATOP condition dummies coded 1 in the U.S. member row, ";"-separated (e.g. defcon;defcoloc)' },
  ...OWES_FIELDS('ally', 'the ally'),
  { name: 'ally_conditions', type: 'string', description: 'ATOP condition dummies coded 1 in the ally\'s member row, ";"-separated' },
  { name: 'asymm', type: 'integer', description: 'obligations vary among members (ATOP ASYMM)' },
  { name: 'base', type: 'integer', description: 'troop stationing (ATOP BASE: 0 none, 1 neutral territory, 2 reciprocal, 3 non-reciprocal)' },
  { name: 'begin', type: 'string', description: 'date the commitment began for the pair (ATOP: signature of the later signer; accessions: deposit of the instrument; designations: date designated)' },
  { name: 'end', type: 'string', description: 'date it ended for the pair (designations: terminated); empty while in force' },
  { name: 'in_force_from', type: 'string', description: 'date from which it bound the pair: for NATO members the deposit of the instrument of accession (curated entries and accessions; ATOP\'s begin is the protocol signature), for designations the date designated, otherwise begin; empty when it never took effect (an announced designation, "none" rows)' },
  { name: 'in_force_2024', type: 'boolean', description: 'in force in 2024 (ATOP\'s 2018 status extended by the curated changes); empty for "none" rows' },
  { name: 'basis', type: 'string', description: 'atop: derived from ATOP 5.1; curated: curated/commitments.yaml; atop+curated: both' },
  { name: 'source', type: 'string', description: 'source ids, ";"-separated' },
  { name: 'locator', type: 'string', description: 'ATOP rows and curated entries the row rests on' },
  { name: 'note', type: 'string', description: 'what the commitment says and how the row was derived' },
];

/**
 * A row of us_commitments. The obligations are written out key by key, in the order of
 * OBLIGATIONS (as OWES_FIELDS lists them): one object literal of a fixed shape instead of one
 * grown by spreading records that Object.fromEntries made with computed keys.
 */
function commitmentRow(c: Commitment): Record<string, string | number | boolean | null> {
  const us = c.usOwes;
  const ally = c.allyOwes;
  return {
    ally: c.ally,
    commitment: c.id,
    name: c.name,
    kind: c.kind,
    atopid: c.atopid,
    status: c.status,
    us_defense: us.defense, us_offense: us.offense, us_neutral: us.neutral, us_nonagg: us.nonagg, us_consul: us.consul,
    us_conditions: c.usConditions,
    ally_defense: ally.defense, ally_offense: ally.offense, ally_neutral: ally.neutral, ally_nonagg: ally.nonagg, ally_consul: ally.consul,
    ally_conditions: c.allyConditions,
    asymm: c.asymm,
    base: c.base,
    begin: c.begin,
    end: c.end,
    in_force_from: c.inForceFrom,
    in_force_2024: c.inForce2024,
    basis: c.basis,
    source: c.sources.join(';'),
    locator: c.locator,
    note: c.note,
  };
}

function sourcesOf(rows: Record<string, unknown>[]): string[] {
  return unique(rows.flatMap((r) => String(r.source).split(';'))).sort();
}

function groupingTables(doc: z.infer<ReturnType<typeof groupingsSchema>>): EvidenceTable[] {
  const groupings = doc.groupings.map((g) => ({
    id: g.id, name: g.name, kind: g.kind, founded: g.founded, in_force_from: g.in_force_from ?? '', in_force_2024: g.in_force_2024,
    members: g.members.length, description: g.description, source: g.source, locator: `curated/groupings.yaml ${g.id}: ${g.locator}`,
  }));
  const members = doc.groupings.flatMap((g) => g.members.map((m) => ({
    grouping: g.id, iso3: m.iso3, role: m.role, since: m.since, source: g.source, locator: `curated/groupings.yaml ${g.id}: ${g.locator}`,
  })));
  const sites = doc.sites.map((s) => ({
    grouping: s.grouping, name: s.name, province: s.province, municipality: s.municipality, lat: s.lat, lon: s.lon, added: s.added,
    source: `${s.source};alliance-ledger-site-coordinates`, locator: `${s.source}: ${s.locator}; coordinates: curated/groupings.yaml (approximate, about 0.1 degree)`,
  }));
  const str = (name: string, description: string): FieldDef => ({ name, type: 'string', description });
  return [
    {
      name: 'groupings',
      title: 'Alliance groupings',
      description: 'Minilateral groupings, reciprocal access and basing agreements among U.S. allies (curated/groupings.yaml), for the alliance network.',
      sources: sourcesOf(groupings),
      fields: [
        str('id', 'grouping id'), str('name', 'name'), str('kind', 'minilateral | access-agreement | basing-agreement | treaty'),
        str('founded', 'date founded or signed (ISO 8601)'), str('in_force_from', 'date an agreement entered into force; empty when not recorded or not a treaty'),
        { name: 'in_force_2024', type: 'boolean', description: 'met, or in force, in 2024' },
        { name: 'members', type: 'integer', description: 'number of members (grouping_members)' },
        str('description', 'what the grouping is'), str('source', 'source id'), str('locator', 'where in the source'),
      ],
      primaryKey: ['id'],
      rows: groupings,
    },
    {
      name: 'grouping_members',
      title: 'Members of alliance groupings',
      description: 'One row per grouping and member country (curated/groupings.yaml).',
      sources: sourcesOf(members),
      fields: [
        str('grouping', 'grouping id (groupings)'), str('iso3', 'ISO code of the member'), str('role', 'member, party, host, access, stationing, ...'),
        str('since', 'date the member joined (ISO 8601 at the precision the source gives)'), str('source', 'source id'), str('locator', 'where in the source'),
      ],
      primaryKey: ['grouping', 'iso3'],
      rows: members,
    },
    {
      name: 'access_sites',
      title: 'Agreed access sites',
      description: 'Locations U.S. forces may use under an access agreement (EDCA: five agreed in 2016, four added in 2023). Coordinates are approximate positions of the named base or municipality, for maps only.',
      sources: sourcesOf(sites),
      fields: [
        str('grouping', 'grouping id (groupings)'), str('name', 'site'), str('province', 'province'), str('municipality', 'city or municipality'),
        { name: 'lat', type: 'number', description: 'latitude, approximate (about 0.1 degree)', unit: 'degrees' },
        { name: 'lon', type: 'number', description: 'longitude, approximate (about 0.1 degree)', unit: 'degrees' },
        { name: 'added', type: 'integer', description: 'year the site was agreed' },
        str('source', 'source ids: the site list and the coordinates'), str('locator', 'where in the source'),
      ],
      primaryKey: ['grouping', 'name'],
      rows: sites,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Observations

export const INDICATORS: Indicator[] = [
  {
    id: 'us_defense_commitment',
    label: 'U.S. owes the ally defense',
    definition: 'Whether, at any time during the year, an alliance was in force in which the United States promises active military support if the ally is attacked (ATOP 5.1 DEFENSE = 1 in the U.S. member row, for the phase both belong to; a member\'s exit date ends it), extended after 2018 by curated/commitments.yaml (NATO accessions). Years before the ally entered the COW state system are not observed.',
    unit: 'indicator (1 yes, 0 no)',
    dyadic: false,
    min: 0,
    max: 1,
  },
  {
    id: 'ally_owes_us_defense',
    label: 'Ally owes the U.S. defense',
    definition: 'Whether, at any time during the year, an alliance with the United States was in force in which the ally promises active military support if the United States is attacked (ATOP 5.1 DEFENSE = 1 in the ally\'s member row), extended after 2018 by curated/commitments.yaml.',
    unit: 'indicator (1 yes, 0 no)',
    dyadic: false,
    min: 0,
    max: 1,
  },
  {
    id: 'us_alliance_age_years',
    label: 'Age of the U.S. defense commitment',
    definition: 'Years from the start of the current unbroken run of U.S. defense commitments to the ally (successive or overlapping commitments form one run, e.g. the 1951 and 1960 U.S.-Japan treaties; start dates are ATOP signature dates or curated accession dates) to the year. Missing when no U.S. defense commitment to the ally is in force.',
    unit: 'years',
    dyadic: false,
    min: 0,
    max: LAST_YEAR - 1940,
  },
];

/** Spells of COW state-system membership (states of 2016 are taken to continue). */
async function systemSpells(ctx: TransformContext): Promise<Map<number, [number, number][]>> {
  const records = await ctx.snapshot.readCsv(SYSTEM_FILE, SYSTEM_SOURCE, { requireColumns: ['ccode', 'styear', 'endyear'] });
  const out = new Map<number, [number, number][]>();
  for (const { line, values: v } of records) {
    const where = { file: SYSTEM_FILE, row: line };
    const cow = systemInteger(where, 'ccode', v.ccode);
    const from = systemInteger(where, 'styear', v.styear);
    const to = systemInteger(where, 'endyear', v.endyear);
    const spells = out.get(cow);
    if (spells) spells.push([from, to]);
    else out.set(cow, [[from, to]]);
  }
  return out;
}

/** A whole number the COW state list always gives (code, first and last year of a spell). */
function systemInteger(where: Where, column: string, raw: string | undefined): number {
  const n = integerAt(where, column, raw);
  if (n === null) throw new SnapshotError(SYSTEM_FILE, where.row, column, 'value is missing', 'Replace the file with the publisher\'s original.');
  return n;
}

function observedYears(registry: CountryRegistry, iso3: string, system: Map<number, [number, number][]>): number[] {
  // registry.cowOf searches the whole crosswalk on every call. It answers from the country's
  // crosswalk entries, so its answer can change only in a year one of them starts or the year after
  // one ends: it is asked for the first year and those years only, and its answer kept in between.
  const changes = new Set<number>();
  for (const x of registry.crosswalk) {
    if (x.iso3 === iso3) changes.add(x.from_year).add(x.to_year + 1);
  }
  let spells: [number, number][] | undefined;
  const years: number[] = [];
  for (let y = FIRST_YEAR; y <= LAST_YEAR; y++) {
    const probe = Math.min(y, SYSTEM_LAST_YEAR);
    if (y === FIRST_YEAR || (probe === y && changes.has(y))) {
      const cow = registry.cowOf(iso3, probe);
      spells = cow === null ? undefined : system.get(cow);
    }
    if (spells && inSpell(spells, probe)) years.push(y);
  }
  return years;
}

function inSpell(spells: [number, number][], year: number): boolean {
  for (const [from, to] of spells) if (year >= from && year <= to) return true;
  return false;
}

/** Merge spans that overlap or touch into unbroken runs. */
function runsOf(spans: Span[]): { start: number; end: number }[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const runs: { start: number; end: number }[] = [];
  for (const s of sorted) {
    const last = runs[runs.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else runs.push({ start: s.start, end: s.end });
  }
  return runs;
}

const EXTENSION_NOTE = `Extends ATOP 5.1 (coded to 31 December ${ATOP_LAST_YEAR}): commitments in force at the end of ${ATOP_LAST_YEAR} are taken to continue unless curated/commitments.yaml records a change.`;

/*
 * The flags an observation here can carry, one frozen array per combination shared by all the
 * observations that carry it (as transform.ts does for observations without flags): fewer
 * objects for the garbage collector, and a consumer that pushed onto one would fail loudly.
 */
const frozenFlags = (...flags: ObservationFlag[]): ObservationFlag[] => Object.freeze(flags) as ObservationFlag[];
const FLAGS_NONE = frozenFlags();
const FLAGS_DERIVED = frozenFlags('derived');
const FLAGS_UNCERTAIN = frozenFlags('uncertain');
const FLAGS_DERIVED_UNCERTAIN = frozenFlags('derived', 'uncertain');
const FLAGS_MISSING = frozenFlags('missing');
const FLAGS_MISSING_DERIVED = frozenFlags('missing', 'derived');

/** Flags of a year's observation: derived after ATOP's cut-off, uncertain when a span in force is. */
function flagsOf(derived: boolean, uncertain: boolean): ObservationFlag[] {
  if (derived) return uncertain ? FLAGS_DERIVED_UNCERTAIN : FLAGS_DERIVED;
  return uncertain ? FLAGS_UNCERTAIN : FLAGS_NONE;
}

/**
 * The spans of one side of the pair (those in which the U.S. owes the ally defense, or the ally
 * the U.S.) in force in a year, with the note and flags of the year's observation. The spans in
 * force change only in the few years a commitment begins or ends, so the note and flags are kept
 * from the previous year when the spans and the derived flag are the same: one string for a run
 * of years instead of one (and the arrays that made it) per year.
 */
class InForce {
  /** The spans in force, by start (spans starting together in their original order). */
  spans: Span[] = [];
  /** "In force: <commitments>." or '' when none is; the first part of the note. */
  listed = '';
  note = '';
  flags: ObservationFlag[] = FLAGS_NONE;
  private derived = false;
  private scratch: Span[] = [];

  constructor(private readonly usDefense: boolean) {}

  /** Collect the spans of this side in force during [yearStart, yearEnd) (see overlapsYear). */
  update(sorted: Span[], yearStart: number, yearEnd: number, derived: boolean): void {
    const next = this.scratch;
    next.length = 0;
    for (const s of sorted) {
      if ((this.usDefense ? s.usDefense : s.allyDefense) && overlapsYear(s.start, s.end, yearStart, yearEnd)) next.push(s);
    }
    if (derived === this.derived && sameSpans(next, this.spans)) return;
    this.scratch = this.spans;
    this.spans = next;
    this.derived = derived;
    let uncertain = false;
    const commitments: string[] = [];
    for (const s of next) {
      if (s.uncertain) uncertain = true;
      if (!commitments.includes(s.commitment)) commitments.push(s.commitment);
    }
    this.listed = next.length ? `In force: ${commitments.join(', ')}.` : '';
    this.note = noteOf(this.listed, '', derived);
    this.flags = flagsOf(derived, uncertain);
  }
}

function sameSpans(a: Span[], b: Span[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The non-empty parts of a note, space-separated: the commitments in force, more, the extension. */
function noteOf(listed: string, extra: string, derived: boolean): string {
  let note = listed;
  if (extra) note = note ? `${note} ${extra}` : extra;
  if (derived) note = note ? `${note} ${EXTENSION_NOTE}` : EXTENSION_NOTE;
  return note;
}

/** The locator of a year in which `who` (e.g. "COW 2 owes JPN") defense is in force under no commitment. */
function noneLocator(who: string, year: number, derived: boolean): string {
  return `${ATOP_FILES.members}: no member row in which ${who} defense covers ${year}${derived ? '; curated/commitments.yaml: no change adds one' : ''}`;
}

/** An unbroken run of U.S. defense commitments, with what its observations say of it. */
interface Run {
  start: number;
  end: number;
  /** The first U.S. defense span (in the ally's order) that starts the run. */
  opening: Span;
  startYear: number;
  /** "Run of U.S. defense commitments since <date> (<commitment>)." */
  text: string;
}

/**
 * The ally's three observations per observed year, appended to `out`. The spans are sorted by
 * start once, and the notes, locators and flags are made once per distinct set of spans in force
 * (see InForce) rather than per year.
 */
function allyObservations(out: ObservationColumns, ally: string, years: number[], spans: Span[]): void {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const usRuns: Run[] = runsOf(spans.filter((s) => s.usDefense)).map(({ start, end }) => {
    // The first in the ally's order: a stable sort keeps spans with the same start in that order.
    const opening = spans.find((s) => s.usDefense && s.start === start)!;
    return {
      start, end, opening, startYear: yearOfInstant(start),
      text: `Run of U.S. defense commitments since ${new Date(start).toISOString().slice(0, 10)} (${opening.commitment}).`,
    };
  });
  const usOwes = new InForce(true);
  const allyOwes = new InForce(false);
  const usWho = `COW ${USA_COW} owes ${ally}`;
  const allyWho = `${ally} owes COW ${USA_COW}`;
  // The age observation's locator and note, kept while the run, the spans in force and the note are.
  let ageRun: Run | null = null;
  let ageCurrent: Span | null = null;
  let ageListed = '';
  let ageDerived = false;
  let ageLocator = '';
  let ageNote = '';
  for (const year of years) {
    const derived = year > ATOP_LAST_YEAR;
    const yearStart = Date.UTC(year, 0, 1);
    const yearEnd = Date.UTC(year + 1, 0, 1);
    usOwes.update(sorted, yearStart, yearEnd, derived);
    allyOwes.update(sorted, yearStart, yearEnd, derived);
    // Made once for the two observations that cite it (no run in force means no U.S. span is).
    const usNone = usOwes.spans.length ? '' : noneLocator(usWho, year, derived);

    out.push(observation({
      country: ally, indicator: 'us_defense_commitment', year, value: usOwes.spans.length ? 1 : 0,
      source: usOwes.spans.length ? usOwes.spans[0].source : ATOP_SOURCE,
      locator: usOwes.spans.length ? usOwes.spans[0].locator : usNone,
      flags: usOwes.flags, note: usOwes.note,
    }));
    out.push(observation({
      country: ally, indicator: 'ally_owes_us_defense', year, value: allyOwes.spans.length ? 1 : 0,
      source: allyOwes.spans.length ? allyOwes.spans[0].source : ATOP_SOURCE,
      locator: allyOwes.spans.length ? allyOwes.spans[0].locator : noneLocator(allyWho, year, derived),
      flags: allyOwes.flags, note: allyOwes.note,
    }));
    // The current run is the latest one in force during the year.
    let run: Run | null = null;
    for (let k = usRuns.length - 1; k >= 0 && !run; k--) {
      if (overlapsYear(usRuns[k].start, usRuns[k].end, yearStart, yearEnd)) run = usRuns[k];
    }
    if (run) {
      const { opening } = run;
      const current = usOwes.spans[usOwes.spans.length - 1];
      if (run !== ageRun || current !== ageCurrent) {
        ageLocator = current === opening ? opening.locator : `run opened by ${opening.locator}; in force now: ${current.locator}`;
      }
      if (run !== ageRun || usOwes.listed !== ageListed || derived !== ageDerived) ageNote = noteOf(usOwes.listed, run.text, derived);
      ageRun = run;
      ageCurrent = current;
      ageListed = usOwes.listed;
      ageDerived = derived;
      out.push(observation({
        country: ally, indicator: 'us_alliance_age_years', year, value: year - run.startYear,
        source: opening.source, locator: ageLocator, flags: usOwes.flags, note: ageNote,
      }));
    } else {
      out.push(observation({
        country: ally, indicator: 'us_alliance_age_years', year, value: null,
        source: ATOP_SOURCE, locator: usNone,
        flags: derived ? FLAGS_MISSING_DERIVED : FLAGS_MISSING,
        note: noteOf(`Not applicable: no U.S. defense commitment to ${ally} in force in ${year}.`, '', derived),
      }));
    }
  }
}

// ---------------------------------------------------------------------------------------------

async function readAllies(ctx: TransformContext): Promise<AlliesFile['allies']> {
  const schema = AlliesFile.superRefine((doc, issue) => {
    doc.allies.forEach((a, i) => {
      if (!ctx.countries.registry.has(a.iso3)) issue.addIssue({ code: 'custom', path: ['allies', i, 'iso3'], message: `"${a.iso3}" is not a registered country code` });
    });
  });
  return (await readCurated(ctx, 'allies.yaml', schema)).allies;
}

/** Every commitment an ally's `basis` in curated/allies.yaml names must have evidence here. */
async function checkAlliesBasis(ctx: TransformContext, allyList: AlliesFile['allies'], commitments: Commitment[]): Promise<void> {
  const have = new Set(commitments.map((c) => `${c.ally}|${c.id}`));
  // readAllies has read and checked the file: it is read again, for the line of the error, only
  // when a basis lacks evidence.
  if (allyList.every((a) => a.basis.every((b) => have.has(`${a.iso3}|${b}`)))) return;
  const schema = AlliesFile.superRefine((doc, issue) => {
    doc.allies.forEach((a, i) => a.basis.forEach((b, j) => {
      if (!have.has(`${a.iso3}|${b}`)) issue.addIssue({ code: 'custom', path: ['allies', i, 'basis', j], message: `no evidence for commitment "${b}" to ${a.iso3} in ATOP 5.1 or curated/commitments.yaml` });
    }));
  });
  await readCurated(ctx, 'allies.yaml', schema);
}

function checkAtopNamed(ctx: TransformContext, dyads: Dyad[], curated: CommitmentsFile): void {
  const named = new Set(curated.atop.map((a) => a.atopid));
  const missing = unique(dyads.filter((d) => !named.has(d.atopid)).map((d) => `${d.atopid} (${d.ally}, ${ATOP_FILES.members} row ${d.partner.line})`));
  if (missing.length) {
    throw new CuratedFileError(path.join(ctx.curatedDir, 'commitments.yaml'), null, 'atop',
      `ATOP 5.1 pairs the United States with covered allies in alliances the file does not name: ${missing.join(', ')}`,
      'Add an entry under atop for each (commitment id, name, source, locator, rationale).');
  }
}

export const transform: Transform = {
  id: 'commitments',
  title: 'U.S. commitments to allies and alliance groupings',
  sources: [ATOP_SOURCE, SYSTEM_SOURCE, 'nato-news-mkd-2020', 'nato-news-fin-2023', 'nato-news-swe-2024'],
  indicators: INDICATORS,
  needsSnapshot: true,
  async run(ctx) {
    const registry = ctx.countries.registry;
    const [allyList, members, sourceList, system] = await Promise.all([
      readAllies(ctx), readAtopMembers(ctx), loadSourceRegistry(ctx.curatedDir), systemSpells(ctx),
    ]);
    const allies = new Set(allyList.map((a) => a.iso3));
    const curatedContext: CuratedContext = { allies, sources: new Set(sourceList.map((s) => s.id)), registry };
    const dyads = usDyads(members, allies);
    const facts = atopFacts(members, dyads);
    const curated = await readCurated(ctx, 'commitments.yaml', commitmentsSchema(curatedContext, facts));
    checkAtopNamed(ctx, dyads, curated);

    const found = [
      ...atopCommitments(dyads, curated),
      ...accessionCommitments(curated, facts),
      ...statuteCommitments(curated),
      ...designationCommitments(curated),
    ];
    // Each ally's commitments in the order found, and the spans of all of them in that order.
    const ownOf = new Map<string, Commitment[]>();
    const spansOf = new Map<string, Span[]>();
    for (const c of found) {
      let own = ownOf.get(c.ally);
      if (!own) ownOf.set(c.ally, (own = []));
      own.push(c);
      let spans = spansOf.get(c.ally);
      if (!spans) spansOf.set(c.ally, (spans = []));
      for (const s of c.spans) spans.push(s);
    }
    const commitments = [...found];
    for (const ally of allies) {
      const own = ownOf.get(ally) ?? [];
      if (!own.some((c) => c.inForce2024 && c.usOwes.defense === 1)) {
        commitments.push(noneCommitment(ally, registry.get(ally)?.name ?? ally, own));
      }
    }
    await checkAlliesBasis(ctx, allyList, commitments);

    // The "none" rows added above have no spans, so the spans of `found` are all there are.
    const observations = new ObservationColumns();
    for (const ally of [...allies].sort()) {
      allyObservations(observations, ally, observedYears(registry, ally, system), spansOf.get(ally) ?? []);
    }
    const commitmentRows = commitments.map(commitmentRow);
    const groupings = await readCurated(ctx, 'groupings.yaml', groupingsSchema(curatedContext));
    return {
      observations,
      tables: [
        {
          name: 'us_commitments',
          title: 'U.S. commitments to covered allies',
          description: 'One row per covered ally and commitment: what the United States owes the ally and what the ally owes the United States (ATOP 5.1 member rows), conditions, basing, dates and status in 2024, extended by curated post-2018 changes, the Taiwan Relations Act and MNNA designations. An ally the United States owes no defense in 2024 has an explicit "none" row.',
          sources: sourcesOf(commitmentRows),
          fields: COMMITMENT_FIELDS,
          primaryKey: ['ally', 'commitment'],
          rows: commitmentRows,
        },
        ...groupingTables(groupings),
      ],
    };
  },
};
