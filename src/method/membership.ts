// The allies of a year. Coverage (curated/allies.yaml) is not alliance in every year: Finland
// joined NATO in 2023, Qatar was designated a major non-NATO ally in 2022, Saudi Arabia was
// never one through 2024. For each covered country and year this module says which standing
// it held, on what basis (commitment ids, dates, source ids), and so which countries a year's
// ledger compares. Pure: the evidence in, standings out; computed once per year and cached
// per evidence table, so every ledger, ranking and report of a year reads the same answer.
//
// The rule (stated to users as MEMBERSHIP_RULE):
//   - Year: a country counts in year Y with the standing it holds on 31 December of Y.
//   - treaty: the United States owes it defense under a treaty in force on that date
//     (evidence/tables/us_commitments.csv: kind treaty, us_defense 1, from in_force_from, the
//     deposit of the instrument of accession for NATO members, to end, exclusive).
//   - mnna: designated a major non-NATO ally under 22 U.S.C. 2321k on or before the date and
//     not revoked (mnna rows of status designated); an announced designation never counts.
//   - treated-as-mnna: treated by statute as though designated (Taiwan, Pub. L. 107-228).
//   - partner: covered but neither, either tied to the United States otherwise (a statute, an
//     executive agreement ATOP codes as a defense obligation) or covered as a partner
//     (curated tier partner). Shown only when asked for, never ranked among the allies.
//   - none: covered but not (yet) tied at all in that year (Finland in 2000): not shown.
import type { Evidence, TableRow } from '../evidence/load.ts';

export type Standing = 'treaty' | 'mnna' | 'treated-as-mnna' | 'partner' | 'none';

/** The standings that make a country one of the year's allies. */
export const ALLIED: readonly Standing[] = ['treaty', 'mnna', 'treated-as-mnna'];

export const MEMBERSHIP_RULE =
  'The allies of a year are the covered countries that hold, on 31 December of that year, a U.S. defense treaty in force ' +
  '(treaty ally), a major non-NATO ally designation under 22 U.S.C. 2321k not revoked (MNNA), or Taiwan\'s statutory ' +
  'treatment as one (since 30 September 2002). NATO members count from the deposit of their instrument of accession ' +
  '(Poland 12 March 1999; Finland 4 April 2023, an ally in 2023; Sweden 7 March 2024, an ally in 2024). A suspended ' +
  'obligation ends on its recorded date (New Zealand: ANZUS to 1986; an MNNA since 1996). Thailand is a treaty ally ' +
  'under the Manila Pact, which continues bilaterally after SEATO (Rusk-Thanat statement, 1962). An executive agreement ' +
  'ATOP codes as a defense obligation (U.S.-Pakistan, 1959) is not a treaty; an announced designation (Saudi Arabia, ' +
  'November 2025) does not count. Covered countries that are neither are partners: left out of the ranking unless asked ' +
  'for, and then shown unranked.';

/** Why 31 December: stated with the rule where the method is explained. */
export const MEMBERSHIP_RULE_WHY =
  'End of year, because every date in the record is known at least to its year (several designations only to the year), ' +
  'so the rule decides every case; because the evidence states commitments the same way (in force in 2024); and because ' +
  'a year\'s ledger compares the allies the United States has as that year closes (NATO counts a member from its accession year).';

/** One U.S. tie to the country that bears on its standing. */
export interface MembershipBasis {
  commitment: string;
  name: string;
  /** treaty | agreement | declaration | memorandum | statute | designation */
  kind: string;
  /** As us_commitments records it (in-force, designated, treated-as, announced, ...). */
  status: string;
  /** What the tie gives: treaty, mnna, treated-as-mnna, or partner (a tie short of both). */
  gives: Exclude<Standing, 'none'>;
  /** Date from which it binds (ISO, at the source's precision); '' when it never took effect. */
  from: string;
  /** Date it ended; '' while in force. */
  to: string;
  sources: string[];
  locator: string;
}

export interface AllyStanding {
  ally: string;
  year: number;
  standing: Standing;
  /** One of the year's allies (treaty, mnna or treated-as-mnna). */
  allied: boolean;
  /** The ties in force on 31 December of the year, the one that sets the standing first. */
  basis: MembershipBasis[];
  /** Date the principal tie began to bind (ISO); null without one. */
  since: string | null;
  /** Short, for badges: "NATO since 2004", "MNNA since 2022", "treated as MNNA since 2002", "partner". */
  label: string;
  /** One sentence with dates: why the country holds this standing in the year. */
  reason: string;
  /** The first later tie that raises the standing (Finland in 2000: NATO, 2023-04-04). */
  next: MembershipBasis | null;
  /** A designation announced but not in force (Saudi Arabia; `from` is the date announced, 2025-11-18). */
  announced: MembershipBasis | null;
  /** Every source id behind the standing. */
  sources: string[];
}

export interface YearMembership {
  year: number;
  /** The reference date of the year (ISO). */
  date: string;
  /** Every covered country, in ISO order. */
  standings: AllyStanding[];
  /** The year's allies (treaty, mnna, treated-as-mnna), in ISO order. */
  allies: string[];
  partners: string[];
  counts: Record<Standing, number>;
}

// ---------------------------------------------------------------------------------------------

interface Tie extends MembershipBasis {
  start: number;
  /** Exclusive end instant (Infinity while in force). */
  end: number;
}

const SHORT: Record<string, string> = {
  nato: 'NATO', rio: 'Rio Treaty', 'oas-charter': 'OAS Charter', anzus: 'ANZUS', 'us-japan': 'U.S.-Japan treaty',
  'us-rok': 'U.S.-ROK treaty', 'us-philippines': 'U.S.-Philippines treaty', 'manila-pact': 'Manila Pact',
  tra: 'Taiwan Relations Act', mnna: 'MNNA',
};

const RANK: Record<Standing, number> = { treaty: 4, mnna: 3, 'treated-as-mnna': 2, partner: 1, none: 0 };

function parts(date: string): [number, number | null, number | null] | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(date);
  return m ? [Number(m[1]), m[2] === undefined ? null : Number(m[2]), m[3] === undefined ? null : Number(m[3])] : null;
}

/** First instant of a (possibly partial) date. */
function startOf(date: string): number {
  const p = parts(date);
  if (!p) return Number.NaN;
  return Date.UTC(p[0], (p[1] ?? 1) - 1, p[2] ?? 1);
}

/** The instant a tie stops binding: its end day (exclusive); a month or year alone ends at its last day. */
function endOf(date: string): number {
  if (date === '') return Infinity;
  const p = parts(date);
  if (!p) return Number.NaN;
  if (p[2] !== null) return Date.UTC(p[0], p[1]! - 1, p[2]);
  if (p[1] !== null) return Date.UTC(p[0], p[1], 0);
  return Date.UTC(p[0], 11, 31);
}

function yearOf(date: string): string {
  return date.slice(0, 4);
}

/** Long dates for sentences: 4 April 2023, March 2022, 2004. */
export function readableDate(date: string): string {
  const p = parts(date);
  if (!p) return date;
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  if (p[1] === null) return String(p[0]);
  return p[2] === null ? `${months[p[1] - 1]} ${p[0]}` : `${p[2]} ${months[p[1] - 1]} ${p[0]}`;
}

/** "on 4 April 2023", "in March 2022", "in 2004": a date at its precision, in a sentence. */
export function onDate(date: string): string {
  const p = parts(date);
  return `${p && p[2] !== null ? 'on' : 'in'} ${readableDate(date)}`;
}

function text(row: TableRow, field: string): string {
  const v = row[field];
  return v === null || v === undefined ? '' : String(v);
}

function givesOf(row: TableRow): MembershipBasis['gives'] | null {
  const kind = text(row, 'kind');
  const status = text(row, 'status');
  const defense = row.us_defense === 1 || row.us_defense === '1' || row.us_defense === true;
  if (text(row, 'commitment') === 'mnna') return status === 'designated' ? 'mnna' : status === 'treated-as' ? 'treated-as-mnna' : null;
  if (kind === 'treaty') return defense ? 'treaty' : null;
  if (kind === 'statute') return 'partner';
  if (defense && (kind === 'agreement' || kind === 'declaration' || kind === 'memorandum')) return 'partner';
  return null;
}

interface Record_ {
  ties: Map<string, Tie[]>;
  announced: Map<string, MembershipBasis>;
  order: Map<string, string[]>;
  tier: Map<string, string>;
  names: Map<string, string>;
  covered: string[];
  recorded: boolean;
}

const records = new WeakMap<object, Record_>();
const years = new WeakMap<object, Map<number, YearMembership>>();

export type MembershipEvidence = Pick<Evidence, 'allies' | 'table' | 'tableNames'>;

/** The evidence table the standings come from (its object identity keys the caches). */
function keyOf(evidence: MembershipEvidence): object {
  return evidence.tableNames().includes('us_commitments') ? evidence.table('us_commitments') : evidence.table('allies');
}

function recordOf(evidence: MembershipEvidence): Record_ {
  const key = keyOf(evidence);
  let r = records.get(key);
  if (r) return r;
  const allies = evidence.allies();
  const recorded = evidence.tableNames().includes('us_commitments');
  r = {
    ties: new Map(), announced: new Map(), recorded,
    order: new Map(allies.map((a) => [a.iso3, a.basis])),
    tier: new Map(allies.map((a) => [a.iso3, a.tier])),
    names: new Map(allies.map((a) => [a.iso3, a.name])),
    covered: allies.map((a) => a.iso3).sort(),
  };
  if (recorded) {
    const hasFrom = evidence.table('us_commitments').some((row) => 'in_force_from' in row);
    for (const row of evidence.table('us_commitments')) {
      const ally = text(row, 'ally');
      const status = text(row, 'status');
      const basis = {
        commitment: text(row, 'commitment'), name: text(row, 'name'), kind: text(row, 'kind'), status,
        to: text(row, 'end'), sources: text(row, 'source').split(';').filter(Boolean), locator: text(row, 'locator'),
      };
      if (basis.commitment === 'mnna' && status === 'announced') {
        r.announced.set(ally, { ...basis, gives: 'mnna', from: text(row, 'begin') });
        continue;
      }
      const gives = givesOf(row);
      if (!gives) continue;
      // Evidence built before in_force_from existed: the begin date, as ATOP dates it.
      const from = hasFrom ? text(row, 'in_force_from') : text(row, 'begin');
      // A suspended obligation without an end date never binds.
      if (from === '' || (status === 'suspended' && basis.to === '')) continue;
      const tie: Tie = { ...basis, gives, from, start: startOf(from), end: endOf(basis.to) };
      r.ties.set(ally, [...(r.ties.get(ally) ?? []), tie]);
    }
  }
  records.set(key, r);
  return r;
}

/** Principal tie first: the strongest, then as allies.yaml lists the basis, then the oldest. */
function ordered(ties: Tie[], basisOrder: readonly string[]): Tie[] {
  const pos = (c: string) => (basisOrder.includes(c) ? basisOrder.indexOf(c) : basisOrder.length);
  return [...ties].sort((a, b) => RANK[b.gives] - RANK[a.gives] || pos(a.commitment) - pos(b.commitment) || a.start - b.start || (a.commitment < b.commitment ? -1 : 1));
}

function plain(t: Tie): MembershipBasis {
  const { start: _s, end: _e, ...rest } = t;
  return rest;
}

function shortName(b: MembershipBasis): string {
  return SHORT[b.commitment] ?? b.name;
}

function labelOf(standing: Standing, principal: MembershipBasis | null, next: MembershipBasis | null): string {
  if (standing === 'treaty') return `${shortName(principal!)} since ${yearOf(principal!.from)}`;
  if (standing === 'mnna') return `MNNA since ${yearOf(principal!.from)}`;
  if (standing === 'treated-as-mnna') return `treated as MNNA since ${yearOf(principal!.from)}`;
  if (standing === 'partner') return 'partner';
  return next ? 'not yet allied' : 'not allied';
}

function cite(b: MembershipBasis): string {
  return b.sources.length ? ` (${b.sources.join(', ')})` : '';
}

/** What a later tie means, in words: "joined NATO on 4 April 2023". */
export function changeText(b: MembershipBasis): string {
  if (b.gives === 'treaty') return b.commitment === 'nato' ? `joined NATO ${onDate(b.from)}` : `became a treaty ally under the ${b.name} ${onDate(b.from)}`;
  if (b.gives === 'mnna') return `was designated a major non-NATO ally ${onDate(b.from)}`;
  if (b.gives === 'treated-as-mnna') return `was treated as a major non-NATO ally by statute from ${readableDate(b.from)}`;
  return `came under the ${b.name} ${onDate(b.from)}`;
}

function reasonOf(name: string, year: number, standing: Standing, basis: MembershipBasis[], next: MembershipBasis | null, announced: MembershipBasis | null, recorded: boolean): string {
  const on = `on 31 December ${year}`;
  if (!recorded) return `${name}: the evidence has no us_commitments table, so the curated tier (${standing}) stands for every year.`;
  const p = basis[0];
  const others = basis.slice(1).filter((b) => b.gives !== 'partner' || standing === 'partner');
  const also = others.length ? `; also ${others.map((b) => `${shortName(b)} from ${readableDate(b.from)}`).join(', ')}` : '';
  const later = next ? `; it ${changeText(next)}${cite(next)}` : '';
  const ann = announced && (!next || next.gives !== 'mnna') ? `; a major non-NATO ally designation was announced ${onDate(announced.from)}${cite(announced)}, not in force in the evidence` : '';
  switch (standing) {
    case 'treaty': return `${name} is a U.S. treaty ally ${on}: the United States owes it defense under the ${p.name}, since ${readableDate(p.from)}${cite(p)}${also}.`;
    case 'mnna': return `${name} is a major non-NATO ally ${on}, designated under 22 U.S.C. 2321k ${onDate(p.from)}${cite(p)}; no U.S. defense treaty is in force${also}.`;
    case 'treated-as-mnna': return `${name} is treated as though designated a major non-NATO ally ${on}, by statute since ${readableDate(p.from)}${cite(p)}, without a treaty or designation${also}.`;
    case 'partner': return `${name} is a partner ${on}: neither a U.S. treaty ally nor a major non-NATO ally${p ? `; in force: ${basis.map((b) => `${b.name} from ${readableDate(b.from)}${cite(b)}`).join('; ')}` : ''}${later}${ann}.`;
    case 'none': return `${name} is not a U.S. ally ${on}: no U.S. treaty, designation or other tie is in force${later}${ann}.`;
  }
}

function standingIn(r: Record_, ally: string, year: number): AllyStanding {
  const name = r.names.get(ally) ?? ally;
  const date = Date.UTC(year, 11, 31);
  if (!r.recorded) {
    const tier = r.tier.get(ally);
    const standing: Standing = tier === 'treaty' ? 'treaty' : tier === 'mnna' ? 'mnna' : 'partner';
    return {
      ally, year, standing, allied: ALLIED.includes(standing), basis: [], since: null, label: standing,
      reason: reasonOf(name, year, standing, [], null, null, false), next: null, announced: null, sources: [],
    };
  }
  const all = r.ties.get(ally) ?? [];
  const order = r.order.get(ally) ?? [];
  const holding = ordered(all.filter((t) => t.start <= date && t.end > date), order);
  const best = holding[0]?.gives;
  const standing: Standing = best && best !== 'partner' ? best : best === 'partner' || r.tier.get(ally) === 'partner' ? 'partner' : 'none';
  const later = all.filter((t) => t.start > date && RANK[t.gives] > RANK[standing]).sort((a, b) => a.start - b.start || RANK[b.gives] - RANK[a.gives]);
  const next = later.length ? plain(later[0]) : null;
  const announced = r.announced.get(ally) ?? null;
  const basis = holding.map(plain);
  const principal = basis[0] ?? null;
  const sources = [...new Set([...basis, ...(next ? [next] : []), ...(announced ? [announced] : [])].flatMap((b) => b.sources))].sort();
  return {
    ally, year, standing, allied: ALLIED.includes(standing), basis,
    since: standing === 'partner' || standing === 'none' ? null : principal!.from,
    label: labelOf(standing, principal, next),
    reason: reasonOf(name, year, standing, basis, next, announced, true),
    next, announced, sources,
  };
}

/** Every covered country's standing in a year; computed once per year and evidence. */
export function membership(evidence: MembershipEvidence, year: number): YearMembership {
  const key = keyOf(evidence);
  let byYear = years.get(key);
  if (!byYear) years.set(key, (byYear = new Map()));
  const hit = byYear.get(year);
  if (hit) return hit;
  const r = recordOf(evidence);
  const standings = r.covered.map((ally) => standingIn(r, ally, year));
  const counts: Record<Standing, number> = { treaty: 0, mnna: 0, 'treated-as-mnna': 0, partner: 0, none: 0 };
  for (const s of standings) counts[s.standing]++;
  const result: YearMembership = {
    year,
    date: `${year}-12-31`,
    standings,
    allies: standings.filter((s) => s.allied).map((s) => s.ally),
    partners: standings.filter((s) => s.standing === 'partner').map((s) => s.ally),
    counts,
  };
  byYear.set(year, result);
  return result;
}

/** The year's allies (treaty, mnna, treated-as-mnna), in ISO order. */
export function alliesOfYear(evidence: MembershipEvidence, year: number): string[] {
  return membership(evidence, year).allies;
}

/** One covered country's standing in a year (undefined when it is not covered). */
export function standingOf(evidence: MembershipEvidence, ally: string, year: number): AllyStanding | undefined {
  return membership(evidence, year).standings.find((s) => s.ally === ally);
}

/** The first year from `from` on in which the country is one of the allies; null if none to `to`. */
export function firstAlliedYear(evidence: MembershipEvidence, ally: string, from: number, to: number): number | null {
  for (let y = from; y <= to; y++) if (standingOf(evidence, ally, y)?.allied) return y;
  return null;
}

/** Why a covered country has no ledger of its own in a year, and whether a flag would show it. */
export interface Absence {
  standing: AllyStanding;
  /** A partner: shown, unranked, when partners are asked for. */
  partner: boolean;
  /** The first year in `range` in which it is one of the allies (null: none). */
  alliedIn: number | null;
  /** "Finland (FIN) is not one of the allies of 2000: ..." */
  message: string;
}

export function absenceOf(evidence: MembershipEvidence, ally: string, year: number, range: { first: number; latest: number }): Absence {
  const standing = standingOf(evidence, ally, year);
  if (!standing) throw new Error(`${ally} is not a covered country`);
  const name = recordOf(evidence).names.get(ally) ?? ally;
  const alliedIn = firstAlliedYear(evidence, ally, Math.max(range.first, year + 1), range.latest) ?? firstAlliedYear(evidence, ally, range.first, range.latest);
  return {
    standing,
    partner: standing.standing === 'partner',
    alliedIn,
    message: `${name} (${ally}) is not one of the U.S. allies of ${year}. ${standing.reason}`,
  };
}
