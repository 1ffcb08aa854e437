// SIPRI Arms Transfers Database, trade register of 13 March 2025 (all suppliers, all recipients,
// deliveries 1950-2024). The register gives one row per deal with the years in which weapons were
// delivered and the TIV of everything delivered, but not how much was delivered in which year:
// each deal's delivered TIV is split evenly over its listed delivery years (flag `derived`).
import type { Indicator, Observation, ObservationFlag } from '../../evidence/schema.ts';
import { SnapshotError, integerAt, numberAt } from '../snapshot.ts';
import type { Where } from '../snapshot.ts';
import { observation } from '../transform.ts';
import type { Transform, TransformContext } from '../transform.ts';
import { SIPRI_PUBLISHER, sipriStateInYear } from './sipri-milex.ts';

export const REGISTER_FILE = 'sipri-arms/sipri_trade_register_all_1950_2024_generated_2025-03-13.csv';
export const ARMS_SOURCE = 'sipri-arms-2025';
/** The register's years: deliveries 1950-2024 ("Data generated: 13 Mar 2025"). */
export const FIRST_YEAR = 1950;
export const LAST_YEAR = 2024;
const US = 'USA';
const WINDOW = 10;

/**
 * The register's header, by position: three columns have a blank name and hold SIPRI's "?"
 * (uncertain) flag for the column before them, so they cannot be read by name.
 */
const COLUMNS = [
  'Recipient', 'Supplier', 'Year of order', '', 'Number ordered', '', 'Weapon designation', 'Weapon description',
  'Number delivered', '', 'Year(s) of delivery', 'status', 'Comments', 'SIPRI TIV per unit', 'SIPRI TIV for total order',
  'SIPRI TIV of delivered weapons',
] as const;
const COL = { recipient: 0, supplier: 1, orderFlag: 3, orderedFlag: 5, deliveredFlag: 9, years: 10, comments: 12, tivDelivered: 15 } as const;
const FLAG_NAMES: Record<number, string> = {
  3: '"?" flag of "Year of order"',
  5: '"?" flag of "Number ordered"',
  9: '"?" flag of "Number delivered"',
};

const SPLIT_RULE = 'The register gives, per deal, the years of delivery and the TIV of all weapons delivered, not the TIV delivered in each year; each deal\'s delivered TIV is split evenly across its listed delivery years (flag "derived" when a value includes such a split).';
const TIV = 'SIPRI trend-indicator value (TIV): SIPRI\'s measure of the volume of transfers of major conventional arms, based on known unit production costs of a core set of weapons, not their financial value; in millions.';
const UNCERTAIN_RULE = 'Flag "uncertain" when a contributing deal\'s "Number delivered" carries SIPRI\'s "?" (uncertain data), since the delivered TIV is the number delivered times the TIV per unit.';

const INDICATORS: Indicator[] = [
  { id: 'arms_imports_tiv', label: 'Arms imports from a supplier (TIV)', unit: 'TIV m', dyadic: true, min: 0, max: 20_000,
    definition: `${TIV} Deliveries of major conventional arms to the country (recipient) from the counterpart (supplier) in the year. ${SPLIT_RULE} ${UNCERTAIN_RULE} Rows only for dyad-years with identified deliveries; non-state and unknown parties have no rows (see arms_imports_tiv_total).` },
  { id: 'arms_imports_tiv_total', label: 'Arms imports, all suppliers (TIV)', unit: 'TIV m', dyadic: false, min: 0, max: 40_000,
    definition: `${TIV} Deliveries to the country from all suppliers in the year, including unknown suppliers, non-state suppliers and international organizations. ${SPLIT_RULE} ${UNCERTAIN_RULE} Every year from the country's first identified delivery to 2024 (or the state's last year) has a row; 0 means SIPRI identified no deliveries that year.` },
  { id: 'arms_imports_us_share_10y', label: 'Share of arms imports from the U.S., 10 years', unit: '% of TIV imports', dyadic: false, min: 0, max: 100,
    definition: `${TIV} Percentage of the country's TIV imports (all suppliers) delivered in the 10 years ending in the observation year that came from the United States; windows before 1959 start in 1950, the register's first year. Missing when the country imported nothing in the window. Computed from the yearly split (flag "derived"). ${UNCERTAIN_RULE} Not given for the United States itself.` },
  { id: 'arms_exports_tiv', label: 'Arms exports, all recipients (TIV)', unit: 'TIV m', dyadic: false, min: 0, max: 40_000,
    definition: `${TIV} Deliveries from the country to all recipients in the year, including unknown recipients, non-state armed groups and international organizations. ${SPLIT_RULE} ${UNCERTAIN_RULE} Every year from the country's first identified delivery to 2024 (or the state's last year) has a row; 0 means SIPRI identified no deliveries that year.` },
];

/** One deal of the trade register, as far as the indicators need it. */
export interface Deal {
  line: number;
  recipient: string;
  supplier: string;
  recipientIso: string | null;
  supplierIso: string | null;
  years: number[];
  /** TIV of delivered weapons, millions (0 when no deliveries are identified). */
  tiv: number;
  /** SIPRI flags "Number delivered" with "?": the delivered TIV is uncertain. */
  uncertain: boolean;
}

interface RawRecord {
  line: number;
  fields: string[];
}

/** The header is found by content: the preamble (11 lines in this release) is SIPRI's description of the query. */
function headerIndex(lines: string[]): number {
  const i = lines.findIndex((l) => l.startsWith('Recipient,Supplier,'));
  if (i < 0) {
    throw new SnapshotError(REGISTER_FILE, null, 'Recipient', 'no header line starting "Recipient,Supplier," (expected after SIPRI\'s preamble)',
      'Replace the file with the trade register as exported from SIPRI (CSV, all suppliers and recipients).');
  }
  return i;
}

const chomp = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);

/**
 * Split CSV lines into records (RFC 4180: double quotes around fields with commas, quotes or line
 * breaks). A small reader rather than csv-parse: csv-parse needs 0.4-1 s for the 29,500 deals,
 * a third of the transform's time budget, and the register is plain (this release quotes nothing).
 */
export function splitCsvLines(lines: string[], from: number): RawRecord[] {
  const out: RawRecord[] = [];
  for (let i = from; i < lines.length; i++) {
    const first = chomp(lines[i]);
    if (first.trim() === '') continue;
    if (!first.includes('"')) {
      out.push({ line: i + 1, fields: first.split(',') });
      continue;
    }
    const start = i;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let text = first;
    for (let p = 0; ; p++) {
      if (p === text.length) {
        if (!quoted) break;
        if (++i >= lines.length) {
          throw new SnapshotError(REGISTER_FILE, start + 1, null, 'a quoted field is not closed before the end of the file',
            'The file may be truncated; replace it with SIPRI\'s original export.');
        }
        field += '\n';
        text = chomp(lines[i]);
        p = -1;
        continue;
      }
      const ch = text[p];
      if (quoted) {
        if (ch !== '"') field += ch;
        else if (text[p + 1] === '"') field += text[++p];
        else quoted = false;
      } else if (ch === '"' && field === '') quoted = true;
      else if (ch === ',') {
        fields.push(field);
        field = '';
      } else field += ch;
    }
    fields.push(field);
    out.push({ line: start + 1, fields });
  }
  return out;
}

/** Parse the register into records with their line numbers; the header is checked column by column. */
export function parseRegister(text: string): RawRecord[] {
  const lines = text.split('\n');
  const header = headerIndex(lines);
  const [head, ...records] = splitCsvLines(lines, header);
  const names = head.fields.map((h) => h.trim());
  COLUMNS.forEach((expected, i) => {
    if (names[i] !== expected) {
      throw new SnapshotError(REGISTER_FILE, head.line, expected || FLAG_NAMES[i], `column ${i + 1} is "${names[i] ?? ''}", expected "${expected}"`,
        'SIPRI may have changed the export layout; check the file against SOURCES.txt and update sipri-arms.ts.');
    }
  });
  return joinBrokenRecords(records);
}

/**
 * SIPRI's export writes a line break inside four deals' Comments without quoting it, so the
 * deal arrives as 13 fields (through Comments) and a next line of 4 (the rest of the comment
 * and the three TIV columns). Such a pair is joined back into one deal; any other field count
 * stops the build.
 */
function joinBrokenRecords(records: RawRecord[]): RawRecord[] {
  const out: RawRecord[] = [];
  const n = COLUMNS.length;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.fields.length === n) {
      out.push(r);
      continue;
    }
    const next = records[i + 1];
    const tail = n - COL.comments; // comment continuation + the three TIV columns
    if (r.fields.length === COL.comments + 1 && next && next.fields.length === tail) {
      const comment = `${r.fields[COL.comments].trim()} ${next.fields[0].trim()}`.trim();
      out.push({ line: r.line, fields: [...r.fields.slice(0, COL.comments), comment, ...next.fields.slice(1)] });
      i++;
      continue;
    }
    throw new SnapshotError(REGISTER_FILE, r.line, null, `expected ${n} fields, found ${r.fields.length}`,
      'The file may be truncated or edited by hand; replace it with SIPRI\'s original export.');
  }
  return out;
}

function uncertaintyFlag(where: Where, col: number, raw: string): boolean {
  const v = raw.trim();
  if (v !== '' && v !== '?') {
    throw new SnapshotError(where.file, where.row, FLAG_NAMES[col], `"${v}" is not SIPRI's uncertainty flag (empty or "?")`, 'Replace the file with SIPRI\'s original export.');
  }
  return v === '?';
}

const NO_DELIVERIES: ReadonlySet<string> = new Set(['']);

/** Read one deal: names through the registry, years and TIV checked. */
export function readDeal(rec: RawRecord, resolve: (name: string, where: Where) => string | null): Deal {
  const f = rec.fields;
  const at = (column: string): Where => ({ file: REGISTER_FILE, row: rec.line, column });
  const recipient = f[COL.recipient].trim();
  const supplier = f[COL.supplier].trim();
  const recipientIso = resolve(recipient, at('Recipient'));
  const supplierIso = resolve(supplier, at('Supplier'));
  for (const col of [COL.orderFlag, COL.orderedFlag]) uncertaintyFlag(at(''), col, f[col]);
  const uncertain = uncertaintyFlag(at(''), COL.deliveredFlag, f[COL.deliveredFlag]);
  const yearsText = f[COL.years].trim();
  const years = yearsText === '' ? [] : yearsText.split(';').map((y) => {
    const year = integerAt(at('Year(s) of delivery'), 'Year(s) of delivery', y)!;
    if (year < FIRST_YEAR || year > LAST_YEAR) {
      throw new SnapshotError(REGISTER_FILE, rec.line, 'Year(s) of delivery', `delivery year ${year} is outside the register's ${FIRST_YEAR}-${LAST_YEAR}`, 'Replace the file with SIPRI\'s original export.');
    }
    return year;
  });
  // The preamble: an empty TIV of delivered weapons "indicates that no deliveries have been identified".
  const tiv = numberAt(at('SIPRI TIV of delivered weapons'), 'SIPRI TIV of delivered weapons', f[COL.tivDelivered], NO_DELIVERIES) ?? 0;
  if (tiv < 0) throw new SnapshotError(REGISTER_FILE, rec.line, 'SIPRI TIV of delivered weapons', `negative TIV ${tiv}`, 'Replace the file with SIPRI\'s original export.');
  if (tiv > 0 && years.length === 0) {
    throw new SnapshotError(REGISTER_FILE, rec.line, 'Year(s) of delivery', `TIV ${tiv} delivered but no delivery year`, 'The deliveries cannot be placed in time; replace the file with SIPRI\'s original export.');
  }
  return { line: rec.line, recipient, supplier, recipientIso, supplierIso, years: [...new Set(years)], tiv, uncertain };
}

/** TIV delivered in one year, with what the note and flags need. */
interface Tally {
  tiv: number;
  uncertainTiv: number;
  /** Some of the TIV comes from a deal spread over several years. */
  split: boolean;
  /** Register lines of the contributing deals (each deal once: its delivery years are distinct). */
  lines: number[];
}

/** Tallies by year, indexed from FIRST_YEAR. */
type Series = (Tally | undefined)[];

const emptyTally = (): Tally => ({ tiv: 0, uncertainTiv: 0, split: false, lines: [] });

function add(map: Map<string, Series>, key: string, year: number, share: number, deal: Deal): void {
  let series = map.get(key);
  if (!series) map.set(key, (series = []));
  const t = (series[year - FIRST_YEAR] ??= emptyTally());
  t.tiv += share;
  if (deal.uncertain) t.uncertainTiv += share;
  if (deal.years.length > 1) t.split = true;
  t.lines.push(deal.line);
}

/** Yearly TIV by dyad ("REC|SUP"), by recipient (all suppliers), by recipient from the U.S., and by supplier. */
export interface ArmsTallies {
  dyads: Map<string, Series>;
  imports: Map<string, Series>;
  importsFromUs: Map<string, Series>;
  exports: Map<string, Series>;
  /** SIPRI spellings behind each registered state, for locators. */
  recipientNames: Map<string, Set<string>>;
  supplierNames: Map<string, Set<string>>;
}

export function tallyDeliveries(deals: Deal[]): ArmsTallies {
  const t: ArmsTallies = { dyads: new Map(), imports: new Map(), importsFromUs: new Map(), exports: new Map(), recipientNames: new Map(), supplierNames: new Map() };
  const remember = (m: Map<string, Set<string>>, iso: string, name: string) => {
    if (!m.has(iso)) m.set(iso, new Set());
    m.get(iso)!.add(name);
  };
  for (const deal of deals) {
    if (deal.tiv === 0) continue;
    const share = deal.tiv / deal.years.length;
    for (const year of deal.years) {
      const rec = deal.recipientIso ? sipriStateInYear(deal.recipientIso, year).iso3 : null;
      const sup = deal.supplierIso ? sipriStateInYear(deal.supplierIso, year).iso3 : null;
      if (rec) {
        add(t.imports, rec, year, share, deal);
        remember(t.recipientNames, rec, deal.recipient);
        if (sup === US) add(t.importsFromUs, rec, year, share, deal);
      }
      if (sup) {
        add(t.exports, sup, year, share, deal);
        remember(t.supplierNames, sup, deal.supplier);
      }
      if (rec && sup && rec !== sup) add(t.dyads, `${rec}|${sup}`, year, share, deal);
    }
  }
  return t;
}

/** TIV sums carry the float noise of the even split; six decimals keep them exact to 1 TIV unit. */
const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** "12, 15-17, 30": the register lines behind a value. */
export function lineRanges(lines: number[]): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j;
  }
  return parts.join(', ');
}

function tallyFlags(t: Tally): ObservationFlag[] {
  const flags: ObservationFlag[] = [];
  if (t.split) flags.push('derived');
  if (t.uncertainTiv > 0) flags.push('uncertain');
  return flags;
}

function tallyNote(t: Tally): string {
  const deals = t.lines.length;
  const parts = [`${deals} deal${deals === 1 ? '' : 's'}`];
  if (t.split) parts.push('deals delivered over several years split evenly across their delivery years');
  if (t.uncertainTiv > 0) parts.push(`${round(t.uncertainTiv)} TIV m from deals whose number delivered SIPRI marks uncertain ("?")`);
  return parts.join('; ');
}

const quoted = (names: Set<string> | undefined) => [...(names ?? [])].sort().map((n) => `"${n}"`).join(' or ');

function dyadObservations(t: ArmsTallies): Observation[] {
  const out: Observation[] = [];
  for (const [key, series] of t.dyads) {
    const [country, counterpart] = key.split('|');
    series.forEach((tally, i) => {
      if (!tally) return;
      const year = FIRST_YEAR + i;
      out.push(observation({
        country, counterpart, indicator: 'arms_imports_tiv', year, value: round(tally.tiv), source: ARMS_SOURCE,
        locator: `${REGISTER_FILE} line${tally.lines.length === 1 ? '' : 's'} ${lineRanges(tally.lines)} (deliveries in ${year})`,
        flags: tallyFlags(tally), note: tallyNote(tally),
      }));
    });
  }
  return out;
}

/** The years a state gets yearly totals: from its first identified delivery to 2024, or to the state's last year. */
function activeYears(ctx: TransformContext, iso: string, series: Series): number[] {
  const first = series.findIndex((x) => x !== undefined);
  const last = series.length - 1;
  const end = Math.max(last, Math.min(LAST_YEAR, ctx.countries.registry.get(iso)?.to_year ?? LAST_YEAR) - FIRST_YEAR);
  return Array.from({ length: end - first + 1 }, (_, i) => FIRST_YEAR + first + i);
}

function totalObservations(ctx: TransformContext, map: Map<string, Series>, indicator: string, role: 'Recipient' | 'Supplier', names: Map<string, Set<string>>): Observation[] {
  const out: Observation[] = [];
  for (const [iso, series] of map) {
    const who = quoted(names.get(iso));
    for (const year of activeYears(ctx, iso, series)) {
      const tally = series[year - FIRST_YEAR];
      const locator = `${REGISTER_FILE}: deals with ${role} ${who} and ${year} among "Year(s) of delivery"`;
      out.push(tally
        ? observation({ country: iso, indicator, year, value: round(tally.tiv), source: ARMS_SOURCE, locator, flags: tallyFlags(tally), note: tallyNote(tally) })
        : observation({ country: iso, indicator, year, value: 0, source: ARMS_SOURCE, locator, note: 'no deliveries identified by SIPRI in this year (the register lists none)' }));
    }
  }
  return out;
}

function usShareObservations(ctx: TransformContext, t: ArmsTallies): Observation[] {
  const out: Observation[] = [];
  for (const [iso, series] of t.imports) {
    if (iso === US) continue;
    const fromUs = t.importsFromUs.get(iso) ?? [];
    const who = quoted(t.recipientNames.get(iso));
    for (const year of activeYears(ctx, iso, series)) {
      const from = Math.max(FIRST_YEAR, year - WINDOW + 1);
      let total = 0;
      let uncertain = 0;
      let us = 0;
      for (let y = from; y <= year; y++) {
        total += series[y - FIRST_YEAR]?.tiv ?? 0;
        uncertain += series[y - FIRST_YEAR]?.uncertainTiv ?? 0;
        us += fromUs[y - FIRST_YEAR]?.tiv ?? 0;
      }
      const window = `${from}-${year}`;
      const truncated = year - WINDOW + 1 < FIRST_YEAR ? `; the window starts in ${FIRST_YEAR}, the register's first year` : '';
      const locator = `${REGISTER_FILE}: deals with Recipient ${who} (all suppliers, and Supplier "United States") delivered in ${window}`;
      if (total === 0) {
        out.push(observation({ country: iso, indicator: 'arms_imports_us_share_10y', year, value: null, source: ARMS_SOURCE, locator,
          note: `no arms imports identified by SIPRI in ${window}, so no share can be computed${truncated}` }));
        continue;
      }
      const flags: ObservationFlag[] = uncertain > 0 ? ['derived', 'uncertain'] : ['derived'];
      const uncertainNote = uncertain > 0 ? `; ${round(uncertain)} TIV m from deals whose number delivered SIPRI marks uncertain ("?")` : '';
      out.push(observation({
        country: iso, indicator: 'arms_imports_us_share_10y', year, value: round((100 * us) / total), source: ARMS_SOURCE, locator, flags,
        note: `U.S. ${round(us)} of ${round(total)} TIV m delivered in ${window}${uncertainNote}${truncated}`,
      }));
    }
  }
  return out;
}

export async function readRegister(ctx: TransformContext): Promise<Deal[]> {
  const text = await ctx.snapshot.readText(REGISTER_FILE, ARMS_SOURCE);
  const seen = new Map<string, string | null>();
  // Each spelling is resolved once (the register repeats names thousands of times).
  const resolve = (name: string, where: Where) => {
    if (!seen.has(name)) seen.set(name, ctx.countries.resolve(SIPRI_PUBLISHER, name, where));
    return seen.get(name)!;
  };
  return parseRegister(text).map((rec) => readDeal(rec, resolve));
}

export const transform: Transform = {
  id: 'sipri-arms',
  title: 'SIPRI Arms Transfers Database (trade register, 2025-03-13)',
  sources: [ARMS_SOURCE],
  indicators: INDICATORS,
  needsSnapshot: true,
  async run(ctx) {
    const tallies = tallyDeliveries(await readRegister(ctx));
    return {
      observations: [
        ...dyadObservations(tallies),
        ...totalObservations(ctx, tallies.imports, 'arms_imports_tiv_total', 'Recipient', tallies.recipientNames),
        ...usShareObservations(ctx, tallies),
        ...totalObservations(ctx, tallies.exports, 'arms_exports_tiv', 'Supplier', tallies.supplierNames),
      ],
    };
  },
};
