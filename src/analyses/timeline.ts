// An ally over time: its net, assets, liabilities and rank in the ledger of every year (the
// same ledgers the API serves year by year), the events that moved them, each with its source:
// the ties that made it an ally (accession, treaty, designation: from the membership record),
// the years its standing changed, and year-over-year jumps of the net or the rank above a
// threshold, with the lines that moved most and their sources. Also the two alliance ages a
// reader meets (the ledger's line and the History page's), each with its definition.
import { readableAllianceName } from './alliance-names.ts';
import type { UsAllianceAge } from './history.ts';
import type { AllyLedger, LedgerLine, YearLedger } from '../method/ledger.ts';
import { readableDate, standingOf } from '../method/membership.ts';
import type { MembershipBasis, MembershipEvidence } from '../method/membership.ts';

/** Year-over-year moves worth an event: the net by this many points, or the rank by this many places. */
export const DEFAULT_THRESHOLDS = { net: 5, rank: 5 } as const;

export const TIMELINE_DEFINITIONS = {
  series: 'Each year\'s values come from that year\'s ledger: the allies of that year, each line scored 0-100 among them. A level compares the ally with the other allies of the same year; a move from one year to the next mixes the ally\'s own data with the others\' (and with who the allies are).',
  rank: 'Rank by net among the ranked allies of the year (1 = highest); the number of ranked allies changes as allies join.',
  ties: 'Ties: the U.S. treaties, accessions and designations that made the country an ally (us_commitments, ATOP), at the date each began to bind.',
  standing: 'Standing changes: a year whose standing on 31 December differs from the year before\'s (src/method/membership.ts).',
  jumps: 'Moves: a change of the net of at least {net} points or of the rank of at least {rank} places from one year to the next, with the three line items whose points moved most (their sources given); a line missing in either year is named as such.',
} as const;

export interface TimelineYear {
  year: number;
  /** One of the year's allies (it has a ledger in the year). */
  allied: boolean;
  standing: string;
  net: number | null;
  assets: number | null;
  liabilities: number | null;
  rank: number | null;
  rankedCount: number;
  coverage: number | null;
}

export interface LineMove {
  item: string;
  label: string;
  side: 'asset' | 'liability';
  /** Points the line gave the net (liabilities negative) the year before and in the year; null: no score. */
  before: number | null;
  after: number | null;
  change: number;
  rawBefore: number | null;
  rawAfter: number | null;
  unit: string;
  sources: string[];
}

export type TimelineEventKind = 'tie' | 'standing' | 'move';

export interface TimelineEvent {
  year: number;
  /** ISO date where the record gives one. */
  date: string | null;
  kind: TimelineEventKind;
  title: string;
  detail: string;
  sources: string[];
  locator: string | null;
  /** For a move: the lines that moved most. */
  lines?: LineMove[];
}

export interface AgeDefinition {
  where: string;
  value: number;
  unit: string;
  definition: string;
  sources: string[];
  locator: string | null;
}

export interface AllyTimeline {
  ally: string;
  name: string;
  years: TimelineYear[];
  events: TimelineEvent[];
  thresholds: { net: number; rank: number };
  /** The ages a reader meets for the ally's alliance, each with its definition (empty without an alliance age). */
  ages: AgeDefinition[];
  agesExplained: string | null;
  definitions: Record<keyof typeof TIMELINE_DEFINITIONS, string>;
}

const SIGN = { asset: 1, liability: -1 } as const;
const yearOfDate = (date: string) => Number(date.slice(0, 4));
const fmt = (x: number, d = 1) => x.toFixed(d).replace(/^-/, '−');
const signed = (x: number, d = 1) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(d)}`;

function points(line: LedgerLine | undefined): number | null {
  return line && line.score !== null && line.contribution !== null ? SIGN[line.side] * line.contribution : null;
}

function tieTitle(b: MembershipBasis): string {
  if (b.gives === 'treaty') return b.commitment === 'nato' ? 'Joins NATO' : `Treaty: ${b.name}`;
  if (b.gives === 'mnna') return 'Designated a major non-NATO ally';
  if (b.gives === 'treated-as-mnna') return 'Treated as a major non-NATO ally by statute';
  return b.name;
}

/** The lines whose points moved most between two of the ally's ledgers. */
export function lineMoves(before: AllyLedger, after: AllyLedger, top = 3): LineMove[] {
  return after.lines.map((l) => {
    const prior = before.lines.find((x) => x.item === l.item);
    const a = points(prior);
    const b = points(l);
    return {
      item: l.item, label: l.label, side: l.side, before: a, after: b, change: (b ?? 0) - (a ?? 0),
      rawBefore: prior?.raw ?? null, rawAfter: l.raw, unit: l.unit,
      sources: [...new Set([...(prior?.sources ?? []), ...l.sources])].sort(),
    };
  }).sort((x, y) => Math.abs(y.change) - Math.abs(x.change) || x.item.localeCompare(y.item)).slice(0, top);
}

/**
 * The ally across the given ledgers (one per year, in order): its values each year, and the
 * events that moved them.
 */
export function allyTimeline(evidence: MembershipEvidence, ledgers: readonly YearLedger[], ally: string, options: { thresholds?: { net: number; rank: number } } = {}): AllyTimeline {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const sheets = ledgers.map((l) => ({ ledger: l, sheet: l.allies.find((a) => a.ally === ally && !a.partner) ?? null }));
  const standings = ledgers.map((l) => standingOf(evidence, ally, l.year));
  const name = sheets.find((s) => s.sheet)?.sheet?.name ?? ally;
  const years: TimelineYear[] = sheets.map(({ ledger, sheet }, i) => ({
    year: ledger.year,
    allied: sheet !== null,
    standing: standings[i]?.label ?? 'not covered',
    net: sheet?.net ?? null,
    assets: sheet?.assets ?? null,
    liabilities: sheet?.liabilities ?? null,
    rank: sheet?.rank ?? null,
    rankedCount: ledger.rankedCount,
    coverage: sheet ? sheet.coverage.overall : null,
  }));

  const events: TimelineEvent[] = [];
  // Ties: every basis the record gives in any year, once, at the date it began to bind.
  const seen = new Set<string>();
  const latest = ledgers.length ? standingOf(evidence, ally, ledgers[ledgers.length - 1].year) : undefined;
  const bases = [...standings.flatMap((s) => s?.basis ?? []), ...(latest?.next ? [latest.next] : [])];
  for (const b of bases) {
    const key = `${b.commitment}|${b.from}`;
    if (seen.has(key) || b.from === '' || b.gives === 'partner') continue;
    seen.add(key);
    events.push({
      year: yearOfDate(b.from), date: b.from, kind: 'tie', title: tieTitle(b),
      detail: `${b.name}, binding from ${readableDate(b.from)}${b.to ? ` to ${readableDate(b.to)}` : ''} (${b.kind}, ${b.status}).`,
      sources: b.sources, locator: b.locator || null,
    });
  }
  // Standing changes from one ledger year to the next.
  for (let i = 1; i < standings.length; i++) {
    const a = standings[i - 1];
    const b = standings[i];
    if (!a || !b || a.standing === b.standing) continue;
    events.push({
      year: b.year, date: null, kind: 'standing', title: `Standing: ${a.label} → ${b.label}`,
      detail: b.reason, sources: b.sources, locator: null,
    });
  }
  // Moves of the net or the rank above the thresholds.
  for (let i = 1; i < sheets.length; i++) {
    const a = sheets[i - 1].sheet;
    const b = sheets[i].sheet;
    if (!a || !b || a.net === null || b.net === null) continue;
    const dNet = b.net - a.net;
    const dRank = a.rank !== null && b.rank !== null ? b.rank - a.rank : null;
    if (Math.abs(dNet) < thresholds.net && (dRank === null || Math.abs(dRank) < thresholds.rank)) continue;
    const lines = lineMoves(a, b);
    const year = sheets[i].ledger.year;
    const grew = sheets[i].ledger.rankedCount - sheets[i - 1].ledger.rankedCount;
    const lineText = lines.map((l) => `${l.label} ${l.before === null ? 'missing' : signed(l.before)} → ${l.after === null ? 'missing' : signed(l.after)}`).join('; ');
    events.push({
      year, date: null, kind: 'move',
      title: `Net ${signed(dNet)} points${dRank !== null && dRank !== 0 ? `, rank ${a.rank} → ${b.rank}` : ''}`,
      detail: `From ${year - 1} to ${year} the net went from ${fmt(a.net)} to ${fmt(b.net)}. Lines that moved most (points to the net): ${lineText}.${grew !== 0 ? ` The ranked allies went from ${sheets[i - 1].ledger.rankedCount} to ${sheets[i].ledger.rankedCount}, which moves ranks and the 0-100 scores of every line.` : ''}`,
      sources: [...new Set(lines.flatMap((l) => l.sources))].sort(), locator: null, lines,
    });
  }
  events.sort((x, y) => x.year - y.year || (x.date ?? '').localeCompare(y.date ?? '') || x.kind.localeCompare(y.kind));

  const definitions = Object.fromEntries(Object.entries(TIMELINE_DEFINITIONS).map(([k, v]) => [k, v.replace('{net}', String(thresholds.net)).replace('{rank}', String(thresholds.rank))])) as AllyTimeline['definitions'];
  return { ally, name, years, events, thresholds, ages: [], agesExplained: null, definitions };
}

/**
 * The two alliance ages a reader meets, with their definitions: the ledger's line (the
 * unbroken run of U.S. defense commitments, whole years to the ledger's year) and the History
 * page's (the age of each ATOP alliance in force with the ally, from its signature to
 * 31 December of the year, in fractional years).
 */
export function allianceAges(sheet: AllyLedger | null, historyAges: readonly UsAllianceAge[], ally: string, names: ReadonlyMap<number, string> = new Map(), countryName: (iso3: string) => string | undefined = () => undefined): { ages: AgeDefinition[]; explained: string | null } {
  const ages: AgeDefinition[] = [];
  const line = sheet?.lines.find((l) => l.item === 'alliance_age');
  const obs = line?.observations[0];
  if (line && line.raw !== null) {
    const since = /since (\d{4}-\d{2}-\d{2})/.exec(obs?.note ?? '')?.[1] ?? null;
    ages.push({
      where: 'this page (the ledger line "Age of the U.S. defense commitment")',
      value: line.raw, unit: line.unit,
      definition: `Whole years from the start of the unbroken run of U.S. defense commitments to ${sheet!.name}${since ? ` (${readableDate(since)})` : ''} to the ledger's year ${sheet!.year}, counting every commitment that continued the run (ATOP, extended by the curated record after 2018).`,
      sources: line.sources, locator: obs?.locator ?? null,
    });
  }
  // The History page's rows for the ally: its defense pacts with the U.S. (else any alliance it holds with it).
  const withAlly = historyAges.filter((a) => a.partners.includes(ally));
  const pacts = withAlly.filter((a) => a.defensePact);
  for (const a of pacts.length ? pacts : withAlly) {
    ages.push({
      where: `the History page (ATOP ${a.atopid})`,
      value: a.age, unit: 'years',
      definition: `The age of one alliance in force${a.partners.length > 1 ? ` (${a.partners.length} members besides the U.S.)` : ''}, ${readableAllianceName(a, names, countryName)}, from its signature (${a.signed.year}${a.signed.month ? `-${String(a.signed.month).padStart(2, '0')}` : ''}${a.signed.day ? `-${String(a.signed.day).padStart(2, '0')}` : ''}) to 31 December ${a.asOfYear}, in fractional years; an earlier alliance it replaced is a separate record.`,
      sources: ['atop-5.1'], locator: `ATOP 5.1 alliance ${a.atopid}`,
    });
  }
  if (ages.length < 2) return { ages, explained: null };
  const [ledgerAge, ...others] = ages;
  const differ = others.filter((o) => Math.abs(o.value - ledgerAge.value) >= 0.5);
  const explained = differ.length
    ? `${fmt(ledgerAge.value, 0)} years here and ${differ.map((o) => `${fmt(o.value)} years on ${o.where}`).join(', ')} measure different things: this page counts the run of U.S. defense commitments to the ally itself (from its own first commitment or accession), in whole years; History ages a single alliance record from the alliance's own signature, whoever joined later, in fractional years.`
    : null;
  return { ages, explained };
}
