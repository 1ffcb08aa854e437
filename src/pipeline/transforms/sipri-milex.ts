// SIPRI Military Expenditure Database, 2025 release (figures 1949-2024), read from SIPRI's own
// workbook. One indicator per country sheet; SIPRI's markers become missing values with their
// meaning, its blue and red figures become `estimate` and `uncertain` flags, and the footnotes
// that qualify a country's figures travel in each observation's note.
import { columnName, readXlsx } from '../xlsx.ts';
import type { XlsxCell, XlsxSheet, XlsxWorkbook } from '../xlsx.ts';
import type { Indicator, Observation, ObservationFlag } from '../../evidence/schema.ts';
import { LocatorPattern, ObservationColumns } from '../observation-columns.ts';
import { SnapshotError } from '../snapshot.ts';
import type { Where } from '../snapshot.ts';
import { observation } from '../transform.ts';
import type { Transform, TransformContext } from '../transform.ts';

export const MILEX_FILE = 'sipri-milex/SIPRI-Milex-data-1949-2024_2.xlsx';
export const MILEX_SOURCE = 'sipri-milex-2025';
export const SIPRI_PUBLISHER = 'sipri';

/** How a sheet's figures become an indicator's values. */
interface SheetSpec {
  sheet: string;
  indicator: string;
  /** Multiplier into the indicator's unit: the share sheets hold fractions shown with a % format. */
  scale: number;
  /** The sheet's figures are in local currency, so the currency-redenomination symbol qualifies them. */
  localCurrency: boolean;
}

export const MILEX_SHEETS: readonly SheetSpec[] = [
  { sheet: 'Constant (2023) US$', indicator: 'milex_usd_constant_2023', scale: 1, localCurrency: false },
  { sheet: 'Current US$', indicator: 'milex_usd_current', scale: 1, localCurrency: false },
  { sheet: 'Share of GDP', indicator: 'milex_share_gdp', scale: 100, localCurrency: false },
  { sheet: 'Per capita', indicator: 'milex_per_capita_usd', scale: 1, localCurrency: false },
  { sheet: 'Share of Govt. spending', indicator: 'milex_share_govt', scale: 100, localCurrency: false },
  { sheet: 'Local currency calendar years', indicator: 'milex_local_currency', scale: 1, localCurrency: true },
];
export const FOOTNOTES_SHEET = 'Footnotes';

const COMMON = 'SIPRI military expenditure: all current and capital spending on the armed forces (incl. peacekeeping forces), defence ministries and other government agencies engaged in defence projects, paramilitary forces judged trained and equipped for military operations, and military space activities; includes personnel (incl. military pensions and social services), operations and maintenance, procurement, military R&D and military aid (in the donor\'s figures). Excludes civil defence and current spending on past military activities (veterans\' benefits, demobilization, weapon destruction).';

const INDICATORS: Indicator[] = [
  { id: 'milex_usd_constant_2023', label: 'Military expenditure, constant 2023 US$', unit: 'US$ m (constant 2023 prices and exchange rates)', dyadic: false, min: 0, max: 2_000_000,
    definition: `${COMMON} Sheet "Constant (2023) US$": US$ m. at constant 2023 prices and exchange rates, calendar years.` },
  { id: 'milex_usd_current', label: 'Military expenditure, current US$', unit: 'US$ m (current prices)', dyadic: false, min: 0, max: 2_000_000,
    definition: `${COMMON} Sheet "Current US$": US$ m. in current prices, converted at the exchange rate for the given year.` },
  { id: 'milex_share_gdp', label: 'Military expenditure, % of GDP', unit: '% of GDP', dyadic: false, min: 0, max: 150,
    definition: `${COMMON} Sheet "Share of GDP": military expenditure as a percentage of gross domestic product. The workbook stores a fraction shown with a 0.00% format; stored here as percent (fraction x 100).` },
  { id: 'milex_per_capita_usd', label: 'Military expenditure per capita, current US$', unit: 'US$ per person (current prices)', dyadic: false, min: 0, max: 20_000,
    definition: `${COMMON} Sheet "Per capita": military expenditure per capita in current US$ (the workbook covers 1988 onwards).` },
  { id: 'milex_share_govt', label: 'Military expenditure, % of government spending', unit: '% of general government expenditure', dyadic: false, min: 0, max: 100,
    definition: `${COMMON} Sheet "Share of Govt. spending": military expenditure as a percentage of general government expenditure (IMF World Economic Outlook; all levels of government), calendar years unless the note says otherwise; covers 1988 onwards. The workbook stores a fraction shown with a 0.00% format; stored here as percent (fraction x 100).` },
  { id: 'milex_local_currency', label: 'Military expenditure, local currency', unit: 'local currency units (current prices; the currency is named in the note)', dyadic: false, min: 0, max: null,
    definition: `${COMMON} Sheet "Local currency calendar years": local currency at current prices for calendar years, expressed in the country's current currency (earlier figures of redenominated currencies are converted to the latest one). The currency name as SIPRI gives it is in each note.` },
];

/** SIPRI's markers in figure cells. The sheets' legends print "data unavailable" as ". ."; the cells hold "...". */
const MARKERS: ReadonlyMap<string, string> = new Map([
  ['...', 'SIPRI marker "..." (". ." in the legend): data unavailable'],
  ['. .', 'SIPRI marker ". .": data unavailable'],
  ['..', 'SIPRI marker "..": data unavailable'],
  ['xxx', 'SIPRI marker "xxx": country did not exist or was not independent during all or part of the year in question'],
]);

/**
 * Font colours of figure cells. The legend on every sheet: "Figures in blue are SIPRI
 * estimates. Figures in red indicate highly uncertain data." The 2025 workbook uses exactly
 * FF0000FF (blue) and FFFF0000 (red); other figures carry no colour. Any other colour on a
 * figure stops the build: its meaning would be a guess.
 */
const ESTIMATE_ARGB = 'FF0000FF';
const UNCERTAIN_ARGB = 'FFFF0000';
const PLAIN_ARGB = new Set(['FF000000']);

/** The special notes SIPRI marks with symbols; the currency symbol concerns local-currency figures only. */
const SYMBOLS = ['†', '‡', '§', '¶', '‖'] as const;
const CURRENCY_SYMBOL = '‖';

/** SIPRI's row for a state whose figures belong to another registered state in some years. */
interface PeriodState {
  iso3: string;
  from: number;
  to: number;
  becomes: string;
  why: string;
}

/**
 * SIPRI names Serbia for what was, in 1992-2005, the Federal Republic of Yugoslavia / State Union
 * of Serbia and Montenegro (milex footnote 79; the trade register likewise lists deliveries to
 * "Serbia" from 1992). The registry keeps that state as SCG, so those years move there.
 */
const PERIOD_STATES: readonly PeriodState[] = [
  { iso3: 'SRB', from: 1992, to: 2005, becomes: 'SCG', why: 'SIPRI\'s "Serbia" figures for 1992-2005 are for the Federal Republic of Yugoslavia / State Union of Serbia and Montenegro' },
];

/** The registered state a SIPRI country figure belongs to in a year, with the reason when it moves. */
export function sipriStateInYear(iso3: string, year: number): { iso3: string; why: string } {
  const p = PERIOD_STATES.find((x) => x.iso3 === iso3 && year >= x.from && year <= x.to);
  return p ? { iso3: p.becomes, why: p.why } : { iso3, why: '' };
}

type CellValue = string | number | null;

/** A cell's value as text or number: rich text joined, formulas by their cached result. */
function cellValue(cell: XlsxCell): CellValue {
  const v = cell.value as unknown;
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: unknown };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (o.error !== undefined) return String(o.error);
    if (typeof o.result === 'number' || typeof o.result === 'string') return o.result;
    if (typeof o.text === 'string') return o.text;
  }
  return String(v);
}

function requireSheet(wb: XlsxWorkbook, name: string): XlsxSheet {
  const ws = wb.getWorksheet(name);
  if (!ws) {
    throw new SnapshotError(`${MILEX_FILE} sheet "${name}"`, null, null, `the workbook has no sheet "${name}" (sheets: ${wb.sheetNames.join(', ')})`,
      'Replace the workbook with SIPRI\'s original 2025 release; if SIPRI renamed the sheet, update MILEX_SHEETS in src/pipeline/transforms/sipri-milex.ts.');
  }
  return ws;
}

/** The Footnotes sheet: special-note symbol or footnote number -> its text. */
export function readFootnotes(ws: XlsxSheet): Map<string, string> {
  const out = new Map<string, string>();
  ws.eachRow((row, r) => {
    const key = cellValue(row.getCell(1));
    if (key === null || key === '') return;
    const isSymbol = typeof key === 'string' && (SYMBOLS as readonly string[]).includes(key.trim());
    const isNumber = typeof key === 'number' && Number.isInteger(key);
    if (!isSymbol && !isNumber) return; // headings such as "Footnotes and special notes"
    for (let c = 2; c <= 4; c++) {
      const text = cellValue(row.getCell(c));
      if (typeof text === 'string' && text.trim()) {
        out.set(String(key).trim(), text.replace(/\s+/g, ' ').trim());
        return;
      }
    }
    throw new SnapshotError(`${MILEX_FILE} sheet "${FOOTNOTES_SHEET}"`, r, 'A', `footnote "${key}" has no text`, 'Replace the workbook with SIPRI\'s original.');
  });
  if (out.size === 0) {
    throw new SnapshotError(`${MILEX_FILE} sheet "${FOOTNOTES_SHEET}"`, null, null, 'no footnotes found (expected symbols in column A with their text beside them)', 'Replace the workbook with SIPRI\'s original.');
  }
  return out;
}

/** Split a Notes cell such as "‡§¶16" into its footnote references ("‡", "§", "¶", "16"). */
export function footnoteRefs(text: string, where: () => SnapshotError): string[] {
  const refs: string[] = [];
  for (const token of text.replace(/\s+/g, '').matchAll(/[†‡§¶‖]|\d+|[a-z]|[,;]|./gu)) {
    const t = token[0];
    if (t === ',' || t === ';') continue;
    if ((SYMBOLS as readonly string[]).includes(t) || /^\d+$/.test(t) || /^[a-z]$/.test(t)) refs.push(t);
    else throw where();
  }
  return refs;
}

/** The years a header cell can name: a number outside them is no year column. */
const FIRST_YEAR = 1900;
const LAST_YEAR = 2100;

/** Where the header row of a country sheet is and what its columns hold. */
interface SheetLayout {
  headerRow: number;
  nameCol: number;
  notesCol: number | null;
  currencyCol: number | null;
  reportingYearCol: number | null;
  years: { col: number; year: number }[];
}

/** Find the header row by content (the row whose first cell reads "Country"): layouts differ by sheet. */
export function sheetLayout(ws: XlsxSheet): SheetLayout {
  const max = Math.min(ws.rowCount, 40);
  for (let r = 1; r <= max; r++) {
    const row = ws.getRow(r);
    const first = cellValue(row.getCell(1));
    if (typeof first !== 'string' || first.trim() !== 'Country') continue;
    const layout: SheetLayout = { headerRow: r, nameCol: 1, notesCol: null, currencyCol: null, reportingYearCol: null, years: [] };
    row.eachCell((cell, col) => {
      const v = cellValue(cell);
      const text = typeof v === 'string' ? v.trim() : '';
      const year = typeof v === 'number' ? v : /^\d{4}$/.test(text) ? Number(text) : NaN;
      if (Number.isInteger(year) && year >= FIRST_YEAR && year <= LAST_YEAR) layout.years.push({ col, year });
      else if (text === 'Notes') layout.notesCol = col;
      else if (text === 'Currency') layout.currencyCol = col;
      else if (text === 'Reporting year') layout.reportingYearCol = col;
    });
    if (layout.years.length === 0) break;
    return layout;
  }
  throw new SnapshotError(`${MILEX_FILE} sheet "${ws.name}"`, null, 'A', 'no header row (a row starting "Country" followed by year columns) in the first 40 rows',
    'Replace the workbook with SIPRI\'s original; if SIPRI changed the layout, update src/pipeline/transforms/sipri-milex.ts.');
}

/**
 * The observations read, one per state, indicator and year. Two SIPRI rows can resolve to one
 * state (North Yemen's row ends in 1989 and Yemen's begins in 1990; both are YEM): a figure beats
 * a marker, "data unavailable" beats "did not exist", and two figures for one state-year stop the
 * build. Observations keep the order in which their keys are first met.
 *
 * Figures are merged as they are read (rather than kept as readings and merged after): nested
 * maps lead to a list of slots in `observations` by year (from FIRST_YEAR, which sheetLayout
 * ensures), the last state's and indicator's list kept at hand since consecutive figures are of one row.
 */
export class MergedReadings {
  readonly observations: Observation[] = [];
  /** Per slot, the pattern that made its observation's locator (null: none), and the number it put in. */
  private readonly patterns: (LocatorPattern | null)[] = [];
  private readonly locatorRows: number[] = [];
  /** Per slot, the rank of its observation: 2 a figure, 1 "data unavailable", 0 "did not exist". */
  private readonly ranks: number[] = [];
  /** Per slot, the SIPRI row name its observation was read from. */
  private readonly names: string[] = [];
  private readonly slots = new Map<string, Map<string, number[]>>();
  private lastCountry = '';
  private lastIndicator = '';
  private lastYears: number[] | null = null;
  /**
   * The first state-year given two figures. It is reported once every sheet has been read, as
   * when every figure was read before any was merged: a figure that cannot be read is reported first.
   */
  conflict: SnapshotError | null = null;

  add(obs: Observation, rank: number, sipriName: string, pattern: LocatorPattern | null): void {
    let byYear = this.lastYears;
    if (byYear === null || obs.country !== this.lastCountry || obs.indicator !== this.lastIndicator) {
      let byIndicator = this.slots.get(obs.country);
      if (!byIndicator) this.slots.set(obs.country, (byIndicator = new Map()));
      let years = byIndicator.get(obs.indicator);
      if (!years) byIndicator.set(obs.indicator, (years = []));
      byYear = years;
      this.lastCountry = obs.country;
      this.lastIndicator = obs.indicator;
      this.lastYears = byYear;
    }
    const slot = byYear[obs.year - FIRST_YEAR];
    if (slot === undefined) {
      byYear[obs.year - FIRST_YEAR] = this.observations.length;
      this.observations.push(obs);
      this.ranks.push(rank);
      this.names.push(sipriName);
      this.patterns.push(pattern);
      this.locatorRows.push(pattern?.a ?? 0);
      return;
    }
    const priorRank = this.ranks[slot];
    if (rank > priorRank) {
      this.observations[slot] = obs;
      this.ranks[slot] = rank;
      this.names[slot] = sipriName;
      this.patterns[slot] = pattern;
      this.locatorRows[slot] = pattern?.a ?? 0;
    } else if (rank === 2 && priorRank === 2 && this.conflict === null) {
      const prior = this.observations[slot];
      this.conflict = new SnapshotError(obs.locator, null, null, `SIPRI rows "${this.names[slot]}" and "${sipriName}" both give ${obs.country} a figure for ${obs.year} (also ${prior.locator})`,
        'Check the names in curated/country-names/sipri.yaml: two rows should not resolve to the same country in the same year.');
    }
  }

  /**
   * The observations, written as columns. A locator made by a pattern is made again (the same
   * text), so that it is the pattern's last: the columns then take it from its numbers.
   */
  columns(): ObservationColumns {
    const out = new ObservationColumns();
    for (let i = 0; i < this.observations.length; i++) {
      const o = this.observations[i];
      const pattern = this.patterns[i];
      if (pattern !== null) o.locator = pattern.text(this.locatorRows[i]);
      out.push(o, pattern ?? undefined);
    }
    return out;
  }
}

/**
 * The notes that qualify every figure of a country on a sheet: special-note symbols and numbered
 * footnotes, in full for figures; a missing value gets the marker's meaning and the references
 * only, since no figure is there to qualify (the texts are on the Footnotes sheet).
 */
function rowNotes(refs: string[], spec: SheetSpec, footnotes: Map<string, string>, where: (ref: string) => SnapshotError): { full: string[]; refs: string[] } {
  const full: string[] = [];
  const short: string[] = [];
  for (const ref of refs) {
    const f = footnotes.get(ref);
    if (f === undefined) throw where(ref);
    if (ref === CURRENCY_SYMBOL && !spec.localCurrency) continue;
    // Special notes are short and change how a figure reads, so figures carry their text; the
    // long numbered footnotes repeat on every year of a country, so figures carry the number
    // and the text stands once in tables/sipri_milex_footnotes.csv.
    if (/^\d+$/.test(ref)) full.push(`SIPRI footnote ${ref} (tables/sipri_milex_footnotes.csv)`);
    else full.push(`${ref} ${f}`);
    short.push(ref);
  }
  return { full, refs: short.length ? [`SIPRI footnotes ${short.join(' ')} (${FOOTNOTES_SHEET} sheet)`] : [] };
}

function colourFlag(cell: XlsxCell, sheet: string): ObservationFlag | null {
  const color = cell.font?.color as { argb?: string; theme?: number } | undefined;
  if (!color) return null;
  if (color.argb === ESTIMATE_ARGB) return 'estimate';
  if (color.argb === UNCERTAIN_ARGB) return 'uncertain';
  if ((color.argb && PLAIN_ARGB.has(color.argb)) || color.theme === 1) return null;
  throw new SnapshotError(`${MILEX_FILE} sheet "${sheet}"`, Number(cell.row), cell.address, `figure printed in an unexpected colour ${JSON.stringify(color)}`,
    'SIPRI marks estimates in blue (FF0000FF) and highly uncertain figures in red (FFFF0000); check the sheet\'s legend and update sipri-milex.ts if SIPRI changed its colours.');
}

export type ResolveName = (name: string, where: Where) => string | null;

/** Resolve each SIPRI spelling once: every sheet repeats the same country rows. */
export function cachedResolver(ctx: TransformContext): ResolveName {
  const seen = new Map<string, string | null>();
  return (name, where) => {
    if (!seen.has(name)) seen.set(name, ctx.countries.resolve(SIPRI_PUBLISHER, name, where));
    return seen.get(name)!;
  };
}

/** Read one country sheet into `out` (one figure per country row and year column). */
export function readCountrySheet(resolve: ResolveName, ws: XlsxSheet, spec: SheetSpec, footnotes: Map<string, string>, out: MergedReadings): void {
  const layout = sheetLayout(ws);
  const file = `${MILEX_FILE} sheet "${spec.sheet}"`;
  const locator = `${file} cell `;
  // Each year column's locators: "<file> sheet "..." cell D" and the row.
  const cells = layout.years.map(({ col }) => new LocatorPattern(`${locator}${columnName(col)}`, ''));
  for (let r = layout.headerRow + 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const rawName = cellValue(row.getCell(layout.nameCol));
    if (rawName === null || String(rawName).trim() === '') {
      const stray = layout.years.find(({ col }) => cellValue(row.getCell(col)) !== null);
      if (stray) throw new SnapshotError(file, r, row.getCell(stray.col).address, 'a row with figures but no country name', 'Replace the workbook with SIPRI\'s original.');
      continue;
    }
    // Symbols SIPRI may attach to a name ("Country†") qualify the row like the Notes column does.
    const nameMatch = /^(.*?)\s*([†‡§¶‖]*)$/u.exec(String(rawName).trim())!;
    const name = nameMatch[1];
    const iso = resolve(name, { file, row: r, column: row.getCell(layout.nameCol).address });
    if (iso === null) continue; // a region heading or organization listed in curated/country-names/sipri.yaml
    const notesCell = layout.notesCol ? row.getCell(layout.notesCol) : null;
    const notesText = notesCell ? String(cellValue(notesCell) ?? '') : '';
    const badRef = () => new SnapshotError(file, r, notesCell?.address ?? null, `cannot read footnote references "${notesText}"`, 'Replace the workbook with SIPRI\'s original.');
    const refs = [...footnoteRefs(nameMatch[2], badRef), ...footnoteRefs(notesText, badRef)];
    const notes = rowNotes(refs, spec, footnotes, (ref) => new SnapshotError(file, r, notesCell?.address ?? null,
      `footnote "${ref}" is not on the ${FOOTNOTES_SHEET} sheet`, 'Replace the workbook with SIPRI\'s original.'));
    const context: string[] = [];
    if (layout.currencyCol) {
      const currency = String(cellValue(row.getCell(layout.currencyCol)) ?? '').trim();
      if (spec.localCurrency && !currency) throw new SnapshotError(file, r, row.getCell(layout.currencyCol).address, `no currency for ${name}`, 'Replace the workbook with SIPRI\'s original.');
      if (currency) context.push(`currency: ${currency} (as SIPRI names it)`);
    }
    if (layout.reportingYearCol) {
      const reporting = cellValue(row.getCell(layout.reportingYearCol));
      if (reporting !== null && String(reporting).trim()) context.push(`reporting year: ${String(reporting).trim()}`);
    }
    // Joined once per row: the same note strings are shared by every year's observation.
    const figureNote = [...context, ...notes.full].join(' | ');
    const missingNote = [...context, ...notes.refs].join(' | ');
    const f: RowContext = { spec, locator, iso, name, moves: PERIOD_STATES.some((p) => p.iso3 === iso), figureNote, missingNote, figureNotes: new Map(), missingNotes: new Map() };
    for (let i = 0; i < layout.years.length; i++) readFigure(row.getCell(layout.years[i].col), layout.years[i].year, f, out, cells[i]);
  }
}

/** What every figure of a country row shares. */
interface RowContext {
  spec: SheetSpec;
  /** The start of each figure's locator: the workbook and sheet, then its cell. */
  locator: string;
  iso: string;
  name: string;
  /** The row's state gives some years to another (PERIOD_STATES). */
  moves: boolean;
  figureNote: string;
  missingNote: string;
  /**
   * The notes of the row's figures by colour note, and of its missing values by marker meaning,
   * for the years its state keeps: made once per row, and shared by the observations they annotate.
   */
  figureNotes: Map<string, string>;
  missingNotes: Map<string, string>;
}

/** " | "-joined note parts, empty ones left out (plain concatenation: the row's long footnote text is shared, not copied). */
function noteOf(...parts: string[]): string {
  let note = '';
  for (const p of parts) if (p) note = note ? `${note} | ${p}` : p;
  return note;
}

/** noteOf(first, rest), made once per row and `first`. */
function rowNote(made: Map<string, string>, first: string, rest: string): string {
  let note = made.get(first);
  if (note === undefined) made.set(first, (note = noteOf(first, rest)));
  return note;
}

/**
 * The flags of figures and missing values, one array each shared by the observations it flags
 * (frozen, as the ones observation() gives by default): tens of thousands of figures carry one.
 */
const flagsOf = (...flags: ObservationFlag[]): ObservationFlag[] => Object.freeze(flags) as unknown as ObservationFlag[];
const NO_FLAGS = flagsOf();
const ESTIMATE_FLAGS = flagsOf('estimate');
const UNCERTAIN_FLAGS = flagsOf('uncertain');
const MISSING_FLAGS = flagsOf('missing');

/** One figure cell: a number (with its colour flag), or a SIPRI marker (missing, with the reason). */
function readFigure(cell: XlsxCell, year: number, f: RowContext, out: MergedReadings, pattern: LocatorPattern): void {
  const { spec } = f;
  const v = cellValue(cell);
  // Most rows' states keep every year: no state object is made per figure for them.
  const moved = f.moves ? sipriStateInYear(f.iso, year) : null;
  const country = moved ? moved.iso3 : f.iso;
  const why = moved ? moved.why : '';
  // "<file> sheet "..." cell D100": the column's pattern makes it, but for an address spelt otherwise.
  const located = cell.usualAddress ? pattern : null;
  const where = located ? located.text(cell.row) : f.locator + cell.address;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw notANumber(cell, spec, String(v));
    if (spec.scale !== 1 && !String(cell.numFmt ?? '').includes('%')) {
      throw new SnapshotError(`${MILEX_FILE} sheet "${spec.sheet}"`, Number(cell.row), cell.address, `expected a fraction formatted as a percentage (format "${cell.numFmt}", value ${v})`,
        'SIPRI stores shares as fractions with a % format; if it now stores percentages, change the sheet\'s scale in sipri-milex.ts.');
    }
    const flag = colourFlag(cell, spec.sheet);
    const flagNote = flag === 'estimate' ? 'printed in blue: SIPRI estimate' : flag === 'uncertain' ? 'printed in red: highly uncertain data' : '';
    // A figure in the sheet's own unit is the number as read (v * 1 would only make a copy of it).
    out.add(observation({ country, indicator: spec.indicator, year, value: spec.scale === 1 ? v : v * spec.scale, source: MILEX_SOURCE, locator: where,
      flags: flag === 'estimate' ? ESTIMATE_FLAGS : flag === 'uncertain' ? UNCERTAIN_FLAGS : NO_FLAGS,
      note: why ? noteOf(flagNote, why, f.figureNote) : rowNote(f.figureNotes, flagNote, f.figureNote) }), 2, f.name, located);
    return;
  }
  const text = typeof v === 'string' ? v.trim() : '';
  const meaning = MARKERS.get(text);
  if (meaning === undefined) throw notANumber(cell, spec, v === null ? '' : String(v));
  // A marker cell's colour carries no figure to qualify, so it is not turned into a flag.
  out.add(observation({ country, indicator: spec.indicator, year, value: null, source: MILEX_SOURCE, locator: where,
    flags: MISSING_FLAGS, note: why ? noteOf(meaning, why, f.missingNote) : rowNote(f.missingNotes, meaning, f.missingNote) }), text === 'xxx' ? 0 : 1, f.name, located);
}

function notANumber(cell: XlsxCell, spec: SheetSpec, raw: string): SnapshotError {
  return new SnapshotError(`${MILEX_FILE} sheet "${spec.sheet}"`, Number(cell.row), cell.address,
    `"${raw}" is neither a number nor a SIPRI marker ("...", ". .", "..", "xxx")`,
    'Replace the workbook with SIPRI\'s original, or correct the cell.');
}

export async function loadMilexWorkbook(ctx: TransformContext): Promise<XlsxWorkbook> {
  const buf = await ctx.snapshot.readBuffer(MILEX_FILE, MILEX_SOURCE);
  try {
    // Only the sheets the transform reads: the workbook's others (the front page, regional
    // totals, financial years) are neither inflated nor parsed.
    return readXlsx(buf, { sheets: [...MILEX_SHEETS.map((spec) => spec.sheet), FOOTNOTES_SHEET] });
  } catch (err) {
    throw new SnapshotError(MILEX_FILE, null, null, `not a readable xlsx workbook (${(err as Error).message})`, 'Replace it with SIPRI\'s original workbook.');
  }
}

export const transform: Transform = {
  id: 'sipri-milex',
  title: 'SIPRI Military Expenditure Database (2025 release)',
  sources: [MILEX_SOURCE],
  indicators: INDICATORS,
  needsSnapshot: true,
  async run(ctx) {
    const wb = await loadMilexWorkbook(ctx);
    // Every sheet is looked up before any is read, so a missing one is reported at once.
    const sheets = MILEX_SHEETS.map((spec) => ({ spec, ws: requireSheet(wb, spec.sheet) }));
    const footnotes = readFootnotes(requireSheet(wb, FOOTNOTES_SHEET));
    const resolve = cachedResolver(ctx);
    const merged = new MergedReadings();
    for (const { spec, ws } of sheets) readCountrySheet(resolve, ws, spec, footnotes, merged);
    if (merged.conflict) throw merged.conflict;
    return {
      observations: merged.columns(),
      tables: [{
        name: 'sipri_milex_footnotes',
        title: 'SIPRI military expenditure footnotes',
        description: 'The special notes (symbols) and numbered footnotes of the SIPRI workbook\'s Footnotes sheet, which observation notes refer to.',
        sources: [MILEX_SOURCE],
        fields: [
          { name: 'footnote', type: 'string', description: 'symbol or footnote number as SIPRI prints it' },
          { name: 'text', type: 'string', description: 'the footnote text' },
          { name: 'source', type: 'string', description: 'source id' },
          { name: 'locator', type: 'string', description: 'where in the workbook' },
        ],
        primaryKey: ['footnote'],
        rows: [...footnotes].map(([footnote, text]) => ({ footnote, text, source: MILEX_SOURCE, locator: `${MILEX_FILE} sheet "${FOOTNOTES_SHEET}"` })),
      }],
    };
  },
};
