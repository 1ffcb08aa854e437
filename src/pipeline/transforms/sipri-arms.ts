// SIPRI Arms Transfers Database, trade register of 13 March 2025 (all suppliers, all recipients,
// deliveries 1950-2024). The register gives one row per deal with the years in which weapons were
// delivered and the TIV of everything delivered, but not how much was delivered in which year:
// each deal's delivered TIV is split evenly over its listed delivery years (flag `derived`).
import type { Indicator, Observation, ObservationFlag } from '../../evidence/schema.ts';
import { LocatorPattern, ObservationColumns } from '../observation-columns.ts';
import { SnapshotError, integerAt, numberAt } from '../snapshot.ts';
import type { Where } from '../snapshot.ts';
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

const HEADER = 'Recipient,Supplier,';

/** Where the header line starts, found by content: the preamble (11 lines in this release) is SIPRI's description of the query. */
function headerStart(text: string): number {
  if (text.startsWith(HEADER)) return 0;
  const nl = text.indexOf(`\n${HEADER}`);
  if (nl < 0) {
    throw new SnapshotError(REGISTER_FILE, null, 'Recipient', 'no header line starting "Recipient,Supplier," (expected after SIPRI\'s preamble)',
      'Replace the file with the trade register as exported from SIPRI (CSV, all suppliers and recipients).');
  }
  return nl + 1;
}

/** 1-based number of the line that starts at `offset`. */
function lineNumberAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * A reader of CSV records (RFC 4180: double quotes around fields with commas, quotes or line
 * breaks; blank lines skipped; a "\r" before "\n" dropped), one record at a time from `offset`, the
 * start of line `line`. A small reader rather than csv-parse: csv-parse needs 0.4-1 s for the
 * 29,500 deals, a third of the transform's time budget, and the register is plain (this release
 * quotes nothing). A record without quotes is not split: its fields are read from the text by
 * position, and only those the transform needs are copied out (a string for each of the 16 fields
 * of every record was most of the transform's allocation).
 */
class CsvRecords {
  /** Line the current record starts on. */
  line = 0;
  /** Number of fields of the current record. */
  count = 0;
  /** Where the next line starts (-1 after the last line), and its number. */
  private pos: number;
  private nextLine: number;
  /** Field i of an unquoted record spans starts[i] to starts[i + 1] - 1 (the comma or the line's end). */
  private readonly starts: number[] = [];
  /** The fields of a quoted or joined record, or null when they are read from the text. */
  private fields: string[] | null = null;
  /** The first quote at or after `pos` (-1: none), searched again only once passed. */
  private nextQuote: number;

  constructor(private readonly text: string, offset: number, line: number) {
    this.pos = offset;
    this.nextLine = line;
    this.nextQuote = text.indexOf('"', offset);
  }

  /** The next line, without its line break. */
  private take(): string {
    const { text } = this;
    let nl = text.indexOf('\n', this.pos);
    const last = nl < 0;
    if (last) nl = text.length;
    const end = nl > this.pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    const l = text.slice(this.pos, end);
    this.pos = last ? -1 : nl + 1;
    this.nextLine++;
    return l;
  }

  /** Move to the next record; false at the end of the file. */
  next(): boolean {
    const { text } = this;
    while (this.pos >= 0) {
      const start = this.pos;
      this.line = this.nextLine;
      let nl = text.indexOf('\n', start);
      if (nl < 0) nl = text.length;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (this.nextQuote >= 0 && this.nextQuote < start) this.nextQuote = text.indexOf('"', start);
      if (this.nextQuote >= 0 && this.nextQuote < end) return this.readQuoted(this.take());
      this.pos = nl < text.length ? nl + 1 : -1;
      this.nextLine++;
      if (isBlank(text, start, end)) continue;
      this.fields = null;
      const starts = this.starts;
      let count = 0;
      starts[count++] = start;
      for (let c = text.indexOf(',', start); c >= 0 && c < end; c = text.indexOf(',', c + 1)) starts[count++] = c + 1;
      starts[count] = end + 1;
      this.count = count;
      return true;
    }
    return false;
  }

  /** Split a record with quotes, which may go on over the next lines. */
  private readQuoted(first: string): boolean {
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let text = first;
    for (let p = 0; ; p++) {
      if (p === text.length) {
        if (!quoted) break;
        if (this.pos < 0) {
          throw new SnapshotError(REGISTER_FILE, this.line, null, 'a quoted field is not closed before the end of the file',
            'The file may be truncated; replace it with SIPRI\'s original export.');
        }
        field += '\n';
        text = this.take();
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
    this.use(fields, this.line);
    return true;
  }

  /** Make `fields` the current record (a record joined from two lines). */
  use(fields: string[], line: number): void {
    this.fields = fields;
    this.count = fields.length;
    this.line = line;
  }

  /** Field i of the current record. */
  field(i: number): string {
    return this.fields ? this.fields[i] : this.text.slice(this.starts[i], this.starts[i + 1] - 1);
  }

  /** Field i, or `known` when the field is that text (no copy of a name the previous record had too). */
  fieldOr(i: number, known: string): string {
    if (this.fields) return this.fields[i];
    const from = this.starts[i];
    return this.starts[i + 1] - 1 - from === known.length && this.text.startsWith(known, from) ? known : this.field(i);
  }

  /** All fields of the current record. */
  all(): string[] {
    return this.fields ?? Array.from({ length: this.count }, (_, i) => this.field(i));
  }
}

/** The line from..to holds only whitespace, as String.prototype.trim() sees it (a line starting with printable ASCII is not copied to tell). */
function isBlank(text: string, from: number, to: number): boolean {
  if (from === to) return true;
  const c = text.charCodeAt(from);
  if (c > 32 && c < 127) return false;
  return text.slice(from, to).trim() === '';
}

function uncertaintyFlag(where: Where, col: number, raw: string): boolean {
  const v = raw.trim();
  if (v !== '' && v !== '?') {
    throw new SnapshotError(where.file, where.row, FLAG_NAMES[col], `"${v}" is not SIPRI's uncertainty flag (empty or "?")`, 'Replace the file with SIPRI\'s original export.');
  }
  return v === '?';
}

const NO_DELIVERIES: ReadonlySet<string> = new Set(['']);
const YEARS_COLUMN = 'Year(s) of delivery';

/** A party's name as the register spells it, resolved to a registered state (null: not a state). */
type Resolve = (name: string, line: number, column: 'Recipient' | 'Supplier') => string | null;

/** The year written with four digits between `from` and `to` (spaces around them aside), or -1 for anything else. */
function fourDigitYear(text: string, from: number, to: number): number {
  while (from < to && text.charCodeAt(from) === 32) from++;
  while (to > from && text.charCodeAt(to - 1) === 32) to--;
  if (to - from !== 4) return -1;
  let n = 0;
  for (let k = from; k < to; k++) {
    const d = text.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * The distinct delivery years of "1979; 1980; 1980", in order: years of four digits are read in
 * place (no substring for each), anything else through integerAt, which reads or rejects it.
 */
function deliveryYears(where: Where, text: string): number[] {
  const years: number[] = [];
  if (text === '') return years;
  for (let from = 0; from <= text.length; ) {
    let to = text.indexOf(';', from);
    if (to < 0) to = text.length;
    const digits = fourDigitYear(text, from, to);
    const year = digits >= 0 ? digits : integerAt(where, YEARS_COLUMN, text.slice(from, to));
    if (year === null || year < FIRST_YEAR || year > LAST_YEAR) {
      throw new SnapshotError(REGISTER_FILE, where.row, YEARS_COLUMN, `delivery year ${year} is outside the register's ${FIRST_YEAR}-${LAST_YEAR}`, 'Replace the file with SIPRI\'s original export.');
    }
    if (!years.includes(year)) years.push(year);
    from = to + 1;
  }
  return years;
}

/**
 * Read the current record's deal: names through the registry, years and TIV checked. `previous` is
 * the deal of the record before, whose names most records repeat (the register is sorted by
 * recipient and supplier).
 */
function readDeal(r: CsvRecords, resolve: Resolve, previous: Deal | null): Deal {
  const line = r.line;
  const recipient = (previous ? r.fieldOr(COL.recipient, previous.recipient) : r.field(COL.recipient)).trim();
  const supplier = (previous ? r.fieldOr(COL.supplier, previous.supplier) : r.field(COL.supplier)).trim();
  const recipientIso = resolve(recipient, line, 'Recipient');
  const supplierIso = resolve(supplier, line, 'Supplier');
  // One Where for the deal's checks: they name their column themselves.
  const where: Where = { file: REGISTER_FILE, row: line };
  uncertaintyFlag(where, COL.orderFlag, r.field(COL.orderFlag));
  uncertaintyFlag(where, COL.orderedFlag, r.field(COL.orderedFlag));
  const uncertain = uncertaintyFlag(where, COL.deliveredFlag, r.field(COL.deliveredFlag));
  const years = deliveryYears(where, r.field(COL.years).trim());
  // The preamble: an empty TIV of delivered weapons "indicates that no deliveries have been identified".
  const tiv = numberAt(where, 'SIPRI TIV of delivered weapons', r.field(COL.tivDelivered), NO_DELIVERIES) ?? 0;
  if (tiv < 0) throw new SnapshotError(REGISTER_FILE, line, 'SIPRI TIV of delivered weapons', `negative TIV ${tiv}`, 'Replace the file with SIPRI\'s original export.');
  if (tiv > 0 && years.length === 0) {
    throw new SnapshotError(REGISTER_FILE, line, YEARS_COLUMN, `TIV ${tiv} delivered but no delivery year`, 'The deliveries cannot be placed in time; replace the file with SIPRI\'s original export.');
  }
  return { line, recipient, supplier, recipientIso, supplierIso, years, tiv, uncertain };
}

function fieldCountError(line: number, found: number): SnapshotError {
  return new SnapshotError(REGISTER_FILE, line, null, `expected ${COLUMNS.length} fields, found ${found}`,
    'The file may be truncated or edited by hand; replace it with SIPRI\'s original export.');
}

/**
 * Read the register's deals in order and hand each to `visit` as soon as it is read: none is kept
 * (the records, fields and deals of the whole register alive at once were most of the
 * transform's garbage-collection time). The header is checked column by column.
 *
 * SIPRI's export writes a line break inside four deals' Comments without quoting it, so the
 * deal arrives as 13 fields (through Comments) and a next line of 4 (the rest of the comment
 * and the three TIV columns). Such a pair is joined back into one deal; any other field count
 * stops the build.
 *
 * The errors are those of splitting the whole file before reading its deals, in the same order of
 * precedence: a quoted field never closed, then the header, then the first record with a wrong
 * field count, then the first deal that cannot be read. So an error is kept, not thrown, until the
 * file has been split, and no deal is read after one.
 */
function eachDeal(text: string, resolve: Resolve, visit: (deal: Deal) => void): void {
  const headerAt = headerStart(text);
  const records = new CsvRecords(text, headerAt, lineNumberAt(text, headerAt));
  const n = COLUMNS.length;
  const tail = n - COL.comments; // comment continuation + the three TIV columns
  let layoutError: SnapshotError | null = null;
  let dealError: unknown = null;
  let previous: Deal | null = null;
  /** A 13-field record waiting for the rest of its comment on the next line. */
  let broken: { fields: string[]; line: number } | null = null;
  if (records.next()) {
    for (let i = 0; i < n && !layoutError; i++) {
      const name = i < records.count ? records.field(i).trim() : undefined;
      const expected = COLUMNS[i];
      if (name !== expected) {
        layoutError = new SnapshotError(REGISTER_FILE, records.line, expected || FLAG_NAMES[i], `column ${i + 1} is "${name ?? ''}", expected "${expected}"`,
          'SIPRI may have changed the export layout; check the file against SOURCES.txt and update sipri-arms.ts.');
      }
    }
  }
  while (records.next()) {
    if (layoutError) continue;
    if (broken) {
      const { fields, line } = broken;
      broken = null;
      if (records.count !== tail) {
        layoutError = fieldCountError(line, fields.length);
        continue;
      }
      const rest = records.all();
      const comment = `${fields[COL.comments].trim()} ${rest[0].trim()}`.trim();
      records.use([...fields.slice(0, COL.comments), comment, ...rest.slice(1)], line);
    } else if (records.count === COL.comments + 1) {
      broken = { fields: records.all(), line: records.line };
      continue;
    } else if (records.count !== n) {
      layoutError = fieldCountError(records.line, records.count);
      continue;
    }
    if (dealError !== null) continue;
    try {
      previous = readDeal(records, resolve, previous);
    } catch (e) {
      dealError = e;
      continue;
    }
    visit(previous);
  }
  if (broken && !layoutError) layoutError = fieldCountError(broken.line, broken.fields.length);
  if (layoutError) throw layoutError;
  if (dealError !== null) throw dealError;
}

/** Each spelling is resolved once (the register repeats names thousands of times). */
function memoizedResolver(ctx: TransformContext): Resolve {
  const seen = new Map<string, string | null>();
  return (name, line, column) => {
    let iso = seen.get(name);
    if (iso === undefined) seen.set(name, (iso = ctx.countries.resolve(SIPRI_PUBLISHER, name, { file: REGISTER_FILE, row: line, column })));
    return iso;
  };
}

export async function readRegister(ctx: TransformContext): Promise<Deal[]> {
  const text = await ctx.snapshot.readText(REGISTER_FILE, ARMS_SOURCE);
  const deals: Deal[] = [];
  eachDeal(text, memoizedResolver(ctx), (deal) => deals.push(deal));
  return deals;
}

/** TIV delivered in one year, with what the note and flags need. */
interface Tally {
  tiv: number;
  uncertainTiv: number;
  /** Some of the TIV comes from a deal spread over several years. */
  split: boolean;
  /** Contributing deals (each deal once: its delivery years are distinct). */
  deals: number;
}

/**
 * A dyad's tally, with the register lines of its deals for the locator. The lines arrive in
 * increasing order (deals are read in order, and each adds once to a year), so they are kept as
 * the locator's text of ranges rather than as a list to sort later.
 */
interface DyadTally extends Tally {
  /** Closed ranges of register lines, "12, 15-17". */
  ranges: string;
  /** The open range of lines, first to last. */
  from: number;
  to: number;
}

/** Tallies by year, indexed from FIRST_YEAR. */
type Series<T extends Tally = Tally> = (T | undefined)[];

interface Dyad {
  country: string;
  counterpart: string;
  series: Series<DyadTally>;
}

const range = (from: number, to: number) => (from === to ? String(from) : `${from}-${to}`);

function add(series: Series, i: number, share: number, deal: Deal): void {
  let t = series[i];
  if (!t) series[i] = t = { tiv: 0, uncertainTiv: 0, split: false, deals: 0 };
  t.tiv += share;
  if (deal.uncertain) t.uncertainTiv += share;
  if (deal.years.length > 1) t.split = true;
  t.deals++;
}

function addToDyad(series: Series<DyadTally>, i: number, share: number, deal: Deal): void {
  let t = series[i];
  if (!t) series[i] = t = { tiv: 0, uncertainTiv: 0, split: false, deals: 0, ranges: '', from: deal.line, to: deal.line };
  else if (deal.line === t.to + 1) t.to = deal.line;
  else {
    t.ranges = t.ranges === '' ? range(t.from, t.to) : `${t.ranges}, ${range(t.from, t.to)}`;
    t.from = t.to = deal.line;
  }
  t.tiv += share;
  if (deal.uncertain) t.uncertainTiv += share;
  if (deal.years.length > 1) t.split = true;
  t.deals++;
}

/** "12, 15-17, 30": the register lines behind a dyad's tally. */
const tallyLines = (t: DyadTally) => (t.ranges === '' ? range(t.from, t.to) : `${t.ranges}, ${range(t.from, t.to)}`);

function seriesOf(map: Map<string, Series>, key: string): Series {
  let series = map.get(key);
  if (!series) map.set(key, (series = []));
  return series;
}

function remember(map: Map<string, Set<string>>, iso: string, name: string): void {
  let names = map.get(iso);
  if (!names) map.set(iso, (names = new Set()));
  names.add(name);
}

/** Yearly TIV by dyad (in order of first delivery), by recipient (all suppliers), by recipient from the U.S., and by supplier. */
class ArmsTallies {
  readonly dyads: Dyad[] = [];
  readonly imports = new Map<string, Series>();
  readonly importsFromUs = new Map<string, Series>();
  readonly exports = new Map<string, Series>();
  /** SIPRI spellings behind each registered state, for locators. */
  readonly recipientNames = new Map<string, Set<string>>();
  readonly supplierNames = new Map<string, Set<string>>();
  /** Dyads by recipient, then supplier. */
  private readonly dyadIndex = new Map<string, Map<string, Series<DyadTally>>>();
  /** A registered state's state in each register year (SIPRI's "Serbia" is SCG in 1992-2005), by ISO code, filled as the years come. */
  private readonly states = new Map<string, string[]>();

  private statesOf(iso: string): string[] {
    let states = this.states.get(iso);
    if (!states) this.states.set(iso, (states = []));
    return states;
  }

  private dyad(rec: string, sup: string): Series<DyadTally> {
    let bySupplier = this.dyadIndex.get(rec);
    if (!bySupplier) this.dyadIndex.set(rec, (bySupplier = new Map()));
    let series = bySupplier.get(sup);
    if (!series) {
      bySupplier.set(sup, (series = []));
      this.dyads.push({ country: rec, counterpart: sup, series });
    }
    return series;
  }

  /**
   * Add a deal's delivered TIV, split evenly over its delivery years. A deal's parties are the
   * same states in most or all of its years, so their series are looked up again only when the
   * state of a party changes from one delivery year to the next.
   */
  add(deal: Deal): void {
    if (deal.tiv === 0) return;
    const share = deal.tiv / deal.years.length;
    let rec: string | null | undefined;
    let sup: string | null | undefined;
    let imports: Series | null = null;
    let fromUs: Series | null = null;
    let exports: Series | null = null;
    let dyad: Series<DyadTally> | null = null;
    const { recipientIso, supplierIso } = deal;
    const recStates = recipientIso ? this.statesOf(recipientIso) : null;
    const supStates = supplierIso ? this.statesOf(supplierIso) : null;
    for (const year of deal.years) {
      const i = year - FIRST_YEAR;
      const r = recStates ? (recStates[i] ??= sipriStateInYear(recipientIso!, year).iso3) : null;
      const s = supStates ? (supStates[i] ??= sipriStateInYear(supplierIso!, year).iso3) : null;
      if (r !== rec || s !== sup) {
        if (r !== rec && r) {
          imports = seriesOf(this.imports, r);
          remember(this.recipientNames, r, deal.recipient);
        }
        if (s !== sup && s) {
          exports = seriesOf(this.exports, s);
          remember(this.supplierNames, s, deal.supplier);
        }
        fromUs = r && s === US ? seriesOf(this.importsFromUs, r) : null;
        dyad = r && s && r !== s ? this.dyad(r, s) : null;
        rec = r;
        sup = s;
      }
      if (rec) {
        add(imports!, i, share, deal);
        if (fromUs) add(fromUs, i, share, deal);
      }
      if (sup) add(exports!, i, share, deal);
      if (dyad) addToDyad(dyad, i, share, deal);
    }
  }
}

/** TIV sums carry the float noise of the even split; six decimals keep them exact to 1 TIV unit. */
const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** "12, 15-17, 30": the register lines behind a value. */
export function lineRanges(lines: number[]): string {
  let ascending = true;
  for (let i = 1; i < lines.length && ascending; i++) ascending = lines[i] > lines[i - 1];
  const sorted = ascending ? lines : [...new Set(lines)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(range(sorted[i], sorted[j]));
    i = j;
  }
  return parts.join(', ');
}

/**
 * An observation as observation() makes it, with the same fields in the same order, made here
 * without the argument object observation() takes (one object, not two, for each of 50,000).
 */
function arms(country: string, counterpart: string, indicator: string, year: number, value: number | null, locator: string, flags: ObservationFlag[], note: string): Observation {
  return { country, counterpart, indicator, year, value, low: null, high: null, source: ARMS_SOURCE, locator, flags, note };
}

/** The flags observations share (frozen, like observation()'s defaults: one array each rather than one per observation). */
const freeze = (flags: ObservationFlag[]) => Object.freeze(flags) as unknown as ObservationFlag[];
const NO_FLAGS = freeze([]);
const MISSING = freeze(['missing']);
const DERIVED = freeze(['derived']);
const UNCERTAIN = freeze(['uncertain']);
const DERIVED_UNCERTAIN = freeze(['derived', 'uncertain']);

function tallyFlags(t: Tally): ObservationFlag[] {
  if (t.uncertainTiv > 0) return t.split ? DERIVED_UNCERTAIN : UNCERTAIN;
  return t.split ? DERIVED : NO_FLAGS;
}

const SPLIT_NOTE = '; deals delivered over several years split evenly across their delivery years';
/** Notes of tallies with nothing uncertain, by split (0 or 1) and number of deals: a few hundred texts shared by most observations. */
const plainNotes: string[][] = [[], []];

function tallyNote(t: Tally): string {
  if (t.uncertainTiv > 0) {
    return `${t.deals} deal${t.deals === 1 ? '' : 's'}${t.split ? SPLIT_NOTE : ''}; ${round(t.uncertainTiv)} TIV m from deals whose number delivered SIPRI marks uncertain ("?")`;
  }
  const notes = plainNotes[t.split ? 1 : 0];
  return (notes[t.deals] ??= `${t.deals} deal${t.deals === 1 ? '' : 's'}${t.split ? SPLIT_NOTE : ''}`);
}

const quoted = (names: Set<string> | undefined) => [...(names ?? [])].sort().map((n) => `"${n}"`).join(' or ');

/**
 * The parts of locators and notes that depend only on the year, made once for the register's
 * years: each observation's text is then a join of a few shared pieces rather than of many new
 * ones (fewer objects kept until the observations are written).
 */
const byYear = <T>(f: (year: number) => T): T[] => Array.from({ length: LAST_YEAR - FIRST_YEAR + 1 }, (_, i) => f(FIRST_YEAR + i));
const DEALS_LINE = `${REGISTER_FILE} line `;
const DEALS_LINES = `${REGISTER_FILE} lines `;
const DELIVERIES_IN = byYear((year) => ` (deliveries in ${year})`);
/** A deal's line and the year ("<file> line 12 (deliveries in 1996)"): the locator of most dyad-years. */
const DEAL_IN_YEAR = new LocatorPattern(DEALS_LINE, ' (deliveries in ', ')');
const AMONG_YEARS_TEXT = ' among "Year(s) of delivery"';
/** The U.S. share's 10-year window ending in a year, "2015-2024", and what its notes say of it. */
const SHARE_WINDOW = byYear((year) => `${Math.max(FIRST_YEAR, year - WINDOW + 1)}-${year}`);
const SHARE_TRUNCATED = byYear((year) => (year - WINDOW + 1 < FIRST_YEAR ? `; the window starts in ${FIRST_YEAR}, the register's first year` : ''));
const SHARE_NONE = byYear((year) => `no arms imports identified by SIPRI in ${SHARE_WINDOW[year - FIRST_YEAR]}, so no share can be computed${SHARE_TRUNCATED[year - FIRST_YEAR]}`);
const SHARE_DELIVERED = byYear((year) => ` TIV m delivered in ${SHARE_WINDOW[year - FIRST_YEAR]}`);
const SHARE_DELIVERED_TRUNCATED = byYear((year) => SHARE_DELIVERED[year - FIRST_YEAR] + SHARE_TRUNCATED[year - FIRST_YEAR]);

function dyadObservations(t: ArmsTallies): ObservationColumns {
  const out = new ObservationColumns();
  for (const { country, counterpart, series } of t.dyads) {
    for (let i = 0; i < series.length; i++) {
      const tally = series[i];
      if (!tally) continue;
      const oneLine = tally.deals === 1 && tally.ranges === '' && tally.from === tally.to;
      const locator = oneLine ? DEAL_IN_YEAR.text(tally.from, FIRST_YEAR + i) : (tally.deals === 1 ? DEALS_LINE : DEALS_LINES) + tallyLines(tally) + DELIVERIES_IN[i];
      out.push(arms(country, counterpart, 'arms_imports_tiv', FIRST_YEAR + i, round(tally.tiv), locator, tallyFlags(tally), tallyNote(tally)), oneLine ? DEAL_IN_YEAR : undefined);
    }
  }
  return out;
}

/** The years a state gets yearly totals, first and last: from its first identified delivery to 2024, or to the state's last year. */
function activeYears(ctx: TransformContext, iso: string, series: Series): [number, number] {
  const first = series.findIndex((x) => x !== undefined);
  const last = series.length - 1;
  const end = Math.max(last, Math.min(LAST_YEAR, ctx.countries.registry.get(iso)?.to_year ?? LAST_YEAR) - FIRST_YEAR);
  return [FIRST_YEAR + first, FIRST_YEAR + end];
}

const NO_DELIVERIES_NOTE = 'no deliveries identified by SIPRI in this year (the register lists none)';

function totalObservations(ctx: TransformContext, map: Map<string, Series>, indicator: string, role: 'Recipient' | 'Supplier', names: Map<string, Set<string>>, out: ObservationColumns): void {
  for (const [iso, series] of map) {
    const deals = new LocatorPattern(`${REGISTER_FILE}: deals with ${role} ${quoted(names.get(iso))} and `, AMONG_YEARS_TEXT);
    const [first, last] = activeYears(ctx, iso, series);
    for (let year = first; year <= last; year++) {
      const tally = series[year - FIRST_YEAR];
      const locator = deals.text(year);
      out.push(tally
        ? arms(iso, '', indicator, year, round(tally.tiv), locator, tallyFlags(tally), tallyNote(tally))
        : arms(iso, '', indicator, year, 0, locator, NO_FLAGS, NO_DELIVERIES_NOTE), deals);
    }
  }
}

function usShareObservations(ctx: TransformContext, t: ArmsTallies, out: ObservationColumns): void {
  const none: Series = [];
  for (const [iso, series] of t.imports) {
    if (iso === US) continue;
    const fromUs = t.importsFromUs.get(iso) ?? none;
    // "... delivered in 1987-1996": the window's first and last years.
    const deals = new LocatorPattern(`${REGISTER_FILE}: deals with Recipient ${quoted(t.recipientNames.get(iso))} (all suppliers, and Supplier "United States") delivered in `, '-', '');
    const [first, last] = activeYears(ctx, iso, series);
    for (let year = first; year <= last; year++) {
      const i = year - FIRST_YEAR;
      let total = 0;
      let uncertain = 0;
      let us = 0;
      for (let y = Math.max(0, i - WINDOW + 1); y <= i; y++) {
        const tally = series[y];
        total += tally?.tiv ?? 0;
        uncertain += tally?.uncertainTiv ?? 0;
        us += fromUs[y]?.tiv ?? 0;
      }
      const locator = deals.text(Math.max(FIRST_YEAR, year - WINDOW + 1), year);
      if (total === 0) {
        out.push(arms(iso, '', 'arms_imports_us_share_10y', year, null, locator, MISSING, SHARE_NONE[i]), deals);
        continue;
      }
      const delivered = uncertain > 0
        ? `${SHARE_DELIVERED[i]}; ${round(uncertain)} TIV m from deals whose number delivered SIPRI marks uncertain ("?")${SHARE_TRUNCATED[i]}`
        : SHARE_DELIVERED_TRUNCATED[i];
      out.push(arms(iso, '', 'arms_imports_us_share_10y', year, round((100 * us) / total), locator, uncertain > 0 ? DERIVED_UNCERTAIN : DERIVED,
        `U.S. ${round(us)} of ${round(total)}${delivered}`), deals);
    }
  }
}

export const transform: Transform = {
  id: 'sipri-arms',
  title: 'SIPRI Arms Transfers Database (trade register, 2025-03-13)',
  sources: [ARMS_SOURCE],
  indicators: INDICATORS,
  needsSnapshot: true,
  async run(ctx) {
    const text = await ctx.snapshot.readText(REGISTER_FILE, ARMS_SOURCE);
    const tallies = new ArmsTallies();
    eachDeal(text, memoizedResolver(ctx), (deal) => tallies.add(deal));
    const observations = dyadObservations(tallies);
    totalObservations(ctx, tallies.imports, 'arms_imports_tiv_total', 'Recipient', tallies.recipientNames, observations);
    usShareObservations(ctx, tallies, observations);
    totalObservations(ctx, tallies.exports, 'arms_exports_tiv', 'Supplier', tallies.supplierNames, observations);
    return { observations };
  },
};
