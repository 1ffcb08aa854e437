// U.S. military personnel stationed in each host country, one DMDC report a year, read from
// the report lines that the troopdata package transcribes (troopdata-rebuild-reports.csv).
//
// Why the report lines and not troopdata's country-year file: at this snapshot that file's
// `troops_ad` is active duty plus Selected Reserve (Japan 2024: 55,154 = March 2024's 54,774
// active duty + 380 reserve), its annual figure is the largest of the year's quarters, it sets
// every unreported figure to 0, and it counts some country-years twice (Germany 2008: 110,855).
// The report lines keep the reports' own missing markers and the Navy figures the derived
// columns lose after 2008, and each value can be traced to one line of one report.
import type { Indicator, Observation } from '../../evidence/schema.ts';
import { LocatorPattern, ObservationColumns } from '../observation-columns.ts';
import type { CountryRegistry } from '../../evidence/countries.ts';
import type { CsvRecord } from '../snapshot.ts';
import { NA_MARKERS, SnapshotError, integerAt } from '../snapshot.ts';
import type { Transform, TransformContext } from '../transform.ts';

export const REPORTS_FILE = 'us-troops-bases/troopdata-rebuild-reports.csv';
const PUBLISHER = 'dmdc';
const SOURCE = 'dmdc-personnel';

/** The report that gives a year's figure: DMDC's end-of-fiscal-year (September) report; June before 1957, when the reports were dated June. */
const ANNUAL_REPORT_MONTHS = ['September', 'June'] as const;
/** From the September 2008 report DMDC prints active duty, Selected Reserve and civilians per service. */
const COMPONENT_FORMAT_FROM = 2008;

type Measure = 'total' | 'army' | 'navy' | 'air_force' | 'marine_corps' | 'reserve' | 'civilians';

const INDICATOR_OF: Record<Measure, string> = {
  total: 'us_troops_active_duty',
  army: 'us_troops_army',
  navy: 'us_troops_navy',
  air_force: 'us_troops_air_force',
  marine_corps: 'us_troops_marine_corps',
  reserve: 'us_troops_reserve',
  civilians: 'us_dod_civilians',
};

/** Columns of the 2008+ report format, as DMDC heads them. */
const COMPONENT_COLUMNS: Record<Measure, string> = {
  total: 'Total Active Duty',
  army: 'Army Active Duty',
  navy: 'Navy Active Duty',
  air_force: 'Air Force Active Duty',
  marine_corps: 'Marine Corps Active Duty',
  reserve: 'Total Selected Reserve',
  civilians: 'Total Civilian',
};

/**
 * Before 2008: troopdata's reading of the report (lower-case column) and the report's own
 * columns that feed it. When every report column is NA the report printed no figure, except
 * in reports troopdata read from PDF (2003, 2004), which have only the lower-case columns.
 */
const EARLY_COLUMNS: Partial<Record<Measure, { value: string; report: string[] }>> = {
  total: { value: 'troops_ad', report: ['Total', 'Total Ashore', 'Total Afloat'] },
  army: { value: 'army_ad', report: ['Army Total'] },
  navy: { value: 'navy_ad', report: ['Navy Total', 'Navy Ashore', 'Navy Temporary Ashore', 'Navy Other', 'Navy Afloat'] },
  air_force: { value: 'air_force_ad', report: ['Air Force Total'] },
  marine_corps: { value: 'marine_corps_ad', report: ['Marine Corps Total', 'Marine Corps Ashore', 'Marine Corps Afloat'] },
};

const REQUIRED_COLUMNS = [
  'year', 'month', 'source', 'Location',
  ...new Set([...Object.values(COMPONENT_COLUMNS), ...Object.values(EARLY_COLUMNS).flatMap((c) => [c.value, ...c.report])]),
];

/**
 * Lines on which a report names a location but gives its count elsewhere or not at all
 * (war zones 2003-2007; the asterisked Iraq and Syria lines of 2021, printed as 0 while
 * U.S. forces were there): their figures are missing, not zero.
 */
const WITHHELD_LINE = /\(see oif table\)|\(not available\)|\(see deployment/i;
const ASTERISKED_ZERO_FROM = 2008;

/**
 * Where and when the reports' country lines leave out the forces deployed in contingency
 * operations (Operations Iraqi and Enduring Freedom, 2002-2007, given in a separate section;
 * Iraq, Syria and Afghanistan from December 2017, no longer published): a printed figure
 * there understates the U.S. presence and is flagged uncertain.
 */
const CONTINGENCY_UNDERCOUNT: Record<string, [number, number][]> = {
  IRQ: [[2002, 2007], [2018, 9999]],
  AFG: [[2002, 2005], [2018, 9999]], // 2006-2007: the report's own "in/around Afghanistan" total
  KWT: [[2002, 2007]],
  SYR: [[2018, 9999]],
};

function undercountsContingency(iso3: string, year: number): boolean {
  const periods = CONTINGENCY_UNDERCOUNT[iso3];
  if (!periods) return false;
  for (const [from, to] of periods) if (year >= from && year <= to) return true;
  return false;
}

/** Eritrea was part of Ethiopia until 1993; the reports list Asmara (Kagnew Station) separately. */
const PART_OF_UNTIL: Record<string, { state: string; until: number }> = {
  ERI: { state: 'ETH', until: 1993 },
};

/**
 * Report lines for a part of a state (curated/country-names/dmdc.yaml maps them to the state).
 * The file keeps one line per troopdata code and report, so in some years it has the part's
 * line without the state's own (Japan 1964 and 1966-1972: only the Ryukyu Islands): a part
 * alone is not the state's figure.
 */
const PART_LINES = /^(ryukyu islands|ryukyus \(okinawa\)|england \(& wales\)|azores|azore islands|easter island|sarawak)$/i;

export const TROOP_INDICATORS: Indicator[] = [
  {
    id: 'us_troops_active_duty',
    label: 'U.S. active-duty military personnel in the country',
    definition:
      'Active-duty U.S. military personnel (Army, Navy, Marine Corps, Air Force, Coast Guard, and from September 2023 Space Force) that the Defense Manpower Data Center ' +
      'lists at the location, as of 30 September of the year (DMDC\'s end-of-fiscal-year report; the June report for 1950 and 1953-1956; no report for 1951-1952). ' +
      '(troopdata\'s own country-year file differs: at this snapshot its troops_ad is the March 2024 report\'s active duty plus Selected Reserve for 2024, e.g. Japan 55,154 = 54,774 + 380, and troopdata documents its annual figure as the largest of the year\'s quarterly values.) ' +
      'Permanently assigned personnel only: DMDC counts exclude rotational and temporary deployments (e.g. most U.S. forces in Poland and the Baltic states since 2017) and, ' +
      'personnel deployed in contingency operations (Iraq and Kuwait 2002-2007, Afghanistan 2002-2005; Iraq, Syria and Afghanistan from December 2017): lines that give no count are missing, and printed figures there are flagged uncertain (they understate the presence). ' +
      'Before 2008 Navy and Marine personnel afloat are counted where the report attributes them (1953-1976 to the nearest port\'s country); from 2008 ships\' crews are counted at their home port. ' +
      'Lines for parts of one state in the same report are added (Japan and the Ryukyu Islands to 1972, Portugal and the Azores, Ethiopia and Eritrea before 1993). ' +
      'Dependencies with their own ISO code (Greenland, Gibraltar, Bermuda, Hong Kong...) are not added to their sovereign; U.S. territories and the United States itself are not written. ' +
      'A year in which the report has no line for a location it lists in other years is missing. ' +
      'Transcribed by the troopdata package (troopdata-rebuild-reports.csv); its reading of the September 2003 and 2004 reports (PDF) has no line for several large hosts (Germany, Japan, South Korea, the United Kingdom, Italy...), which are missing in those years.',
    unit: 'persons',
    dyadic: false,
    min: 0,
    max: 1_000_000,
  },
  ...(['army', 'navy', 'air_force', 'marine_corps'] as const).map((service): Indicator => {
    const name = { army: 'Army', navy: 'Navy', air_force: 'Air Force', marine_corps: 'Marine Corps' }[service];
    return {
      id: INDICATOR_OF[service],
      label: `U.S. ${name} active-duty personnel in the country`,
      definition:
        `Active-duty U.S. ${name} personnel that DMDC lists at the location in the same report as us_troops_active_duty (30 September; June for 1950 and 1953-1956). ` +
        'From 2008 DMDC\'s "Active Duty" column for the service; before 2008 the service\'s total as troopdata reads it from the report' +
        (service === 'navy' || service === 'marine_corps' ? ' (ashore plus afloat personnel the report attributes to the location)' : '') +
        '. Missing where the report gives no figure for the service (NA). ' +
        'Army + Navy + Air Force + Marine Corps + Coast Guard (+ Space Force from 2023) = us_troops_active_duty in the 1977-2025 reports.',
      unit: 'persons',
      dyadic: false,
      min: 0,
      max: 600_000,
    };
  }),
  {
    id: 'us_troops_reserve',
    label: 'U.S. Selected Reserve and National Guard personnel in the country',
    definition:
      'DMDC "Total Selected Reserve" at the location (Army and Air National Guard, Army, Navy, Marine Corps, Air Force and Coast Guard Reserve) in the September report. ' +
      'Reported from September 2008 only; not written for earlier years.',
    unit: 'persons',
    dyadic: false,
    min: 0,
    max: 100_000,
  },
  {
    id: 'us_dod_civilians',
    label: 'U.S. Department of Defense civilian employees in the country',
    definition:
      'DMDC "Total Civilian" at the location in the September report: appropriated-fund civilian employees of the Army, Navy, Marine Corps, Air Force and the other DoD components ("DOD Civilian"). ' +
      'Reported from September 2008 only; not written for earlier years.',
    unit: 'persons',
    dyadic: false,
    min: 0,
    max: 100_000,
  },
];

/** One report line, read. */
interface ReportLine {
  line: number;
  year: number;
  report: string;
  location: string;
  iso3: string;
  /** The location as the notes name it, in quotes. */
  quoted: string;
  values: Partial<Record<Measure, number | null>>;
  withheld: boolean;
  /** Services whose blank cell is read as 0 because the printed services add up to the total. */
  blankServices: readonly Measure[];
  /** The line is for a part of the state (the Ryukyu Islands of Japan, the Azores of Portugal...). */
  part: boolean;
  /** Row of an identical-location line this one repeats, if the file has it twice. */
  repeatedAt: number | null;
  /** Measures on which the repeated lines disagree. */
  disputed: readonly Measure[];
}

/** The measures of a line, in the order its values are read and its observations written: those of the 2008+ format, or of the earlier reports. */
const COMPONENT_MEASURES = Object.keys(COMPONENT_COLUMNS) as Measure[];
const EARLY_MEASURES = Object.keys(EARLY_COLUMNS) as Measure[];
const EARLY_ENTRIES = Object.entries(EARLY_COLUMNS) as [Measure, { value: string; report: string[] }][];
const measuresOf = (year: number) => (year >= COMPONENT_FORMAT_FROM ? COMPONENT_MEASURES : EARLY_MEASURES);
/** Every report column before 2008, for telling the reports troopdata read from PDF. */
const REPORT_COLUMNS = EARLY_ENTRIES.flatMap(([, c]) => c.report);
/** A measure as the notes name it ("air force"). */
const MEASURE_WORDS = Object.fromEntries(COMPONENT_MEASURES.map((m) => [m, m.replace('_', ' ')])) as Record<Measure, string>;
const NO_MEASURES: readonly Measure[] = Object.freeze([]);

export const transform: Transform = {
  id: 'troops',
  title: 'U.S. military personnel abroad (DMDC reports via troopdata)',
  sources: ['troopdata', SOURCE],
  indicators: TROOP_INDICATORS,
  needsSnapshot: true,
  async run(ctx) {
    const records = await ctx.snapshot.readCsv(REPORTS_FILE, 'troopdata', { requireColumns: REQUIRED_COLUMNS });
    const annual = annualReports(records);
    const chosen: CsvRecord[] = [];
    for (const r of records) if (annual.get(Number(r.values.year)) === r.values.source) chosen.push(r);
    const transcribedOnly = reportsWithoutReportColumns(chosen);
    const readLine = lineReader(ctx);
    const lines: ReportLine[] = [];
    for (const r of chosen) {
      const l = readLine(transcribedOnly.has(r.values.source), r);
      if (l !== null) lines.push(l);
    }
    return { observations: personnelObservations(lines, annual, ctx.countries.registry) };
  },
};

/** The number written with 1 to 15 ASCII digits and nothing else, or -1 (the cells' common case, read without integerAt's trimming and checks). */
function digitsValue(raw: string): number {
  const n = raw.length;
  if (n === 0 || n > 15) return -1;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const d = raw.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** The report each year's figures come from (year -> "September 1957"), after checking every row's report label. */
function annualReports(records: CsvRecord[]): Map<number, string> {
  const reports = new Map<number, Set<string>>();
  for (const { line, values: v } of records) {
    const digits = digitsValue(v.year);
    const year = digits >= 0 ? digits : integerAt({ file: REPORTS_FILE, row: line }, 'year', v.year);
    if (year === null) throw new SnapshotError(REPORTS_FILE, line, 'year', 'the year is empty', 'Replace the file with the publisher\'s original.');
    if (!isReportLabel(v.source, v.month, year)) {
      throw new SnapshotError(REPORTS_FILE, line, 'source', `report "${v.source}" does not match month "${v.month}" and year ${year}`,
        'Each line must name the DMDC report it was read from; replace the file with the publisher\'s original.');
    }
    let set = reports.get(year);
    if (!set) reports.set(year, (set = new Set()));
    set.add(v.month);
  }
  const annual = new Map<number, string>();
  for (const [year, months] of reports) {
    const month = ANNUAL_REPORT_MONTHS.find((m) => months.has(m));
    if (month) annual.set(year, `${month} ${year}`);
  }
  return annual;
}

/** `source` is `${month} ${year}`, compared in place rather than by making that text for each of 15,000 rows. */
function isReportLabel(source: string, month: string, year: number): boolean {
  const y = String(year);
  return source.length === month.length + 1 + y.length && source.startsWith(month) && source.charCodeAt(month.length) === 32 && source.endsWith(y);
}

/** Reports (before 2008) for which the file has none of the report's own columns, only troopdata's reading (the 2003 and 2004 PDFs). */
function reportsWithoutReportColumns(records: CsvRecord[]): Set<string> {
  const withColumns = new Set<string>();
  const all = new Set<string>();
  for (const { values: v } of records) {
    all.add(v.source);
    // One printed report column is enough to tell a report; later formats are never transcribed-only.
    if (withColumns.has(v.source) || Number(v.source.slice(-4)) >= COMPONENT_FORMAT_FROM) continue;
    for (const col of REPORT_COLUMNS) {
      if (!NA_MARKERS.has((v[col] ?? '').trim())) {
        withColumns.add(v.source);
        break;
      }
    }
  }
  return new Set([...all].filter((r) => !withColumns.has(r) && Number(r.slice(-4)) < COMPONENT_FORMAT_FROM));
}

/** What a location's text tells, the same on every line that prints it. */
interface Location {
  /** The state it names (null: not a state, e.g. a regional total). */
  named: string | null;
  /** The line gives its count elsewhere or not at all ("(see OIF table)"). */
  withheld: boolean;
  /** The line is for a part of a state. */
  part: boolean;
  /** The location as the notes name it, in quotes (one text for all its lines). */
  quoted: string;
}

/**
 * A reader of report lines. The reports repeat a few hundred spellings over 10,000 lines, so
 * each spelling is resolved and tested once, and each state's code in a year is looked up once.
 */
function lineReader(ctx: TransformContext): (transcribedOnly: boolean, record: CsvRecord) => ReportLine | null {
  const registry = ctx.countries.registry;
  const locations = new Map<string, Location>();
  const hosts = new Map<string, Map<number, string>>();
  const locationOf = (location: string, line: number): Location => {
    let known = locations.get(location);
    if (!known) {
      known = {
        named: ctx.countries.resolve(PUBLISHER, location, { file: REPORTS_FILE, row: line, column: 'Location' }),
        withheld: WITHHELD_LINE.test(location),
        part: PART_LINES.test(location),
        quoted: `"${location}"`,
      };
      locations.set(location, known);
    }
    return known;
  };
  const hostOf = (named: string, year: number): string => {
    let byYear = hosts.get(named);
    if (!byYear) hosts.set(named, (byYear = new Map()));
    let host = byYear.get(year);
    if (host === undefined) byYear.set(year, (host = hostInYear(registry, named, year)));
    return host;
  };
  return (transcribedOnly, { line, values: v }) => {
    const location = v.Location.trim();
    const { named, withheld: withheldLabel, part: partLine, quoted } = locationOf(location, line);
    if (named === null) return null;
    const year = Number(v.year);
    const iso3 = hostOf(named, year);
    const withheld = withheldLabel || (year >= ASTERISKED_ZERO_FROM && location.endsWith('*') && v['Total Active Duty'] === '0');
    const values: Partial<Record<Measure, number | null>> = {};
    let blankServices = NO_MEASURES;
    if (year >= COMPONENT_FORMAT_FROM) {
      for (const m of COMPONENT_MEASURES) values[m] = count(line, COMPONENT_COLUMNS[m], v[COMPONENT_COLUMNS[m]]);
    } else {
      for (const [m, cols] of EARLY_ENTRIES) {
        const read = count(line, cols.value, v[cols.value]);
        let printed = transcribedOnly;
        for (let k = 0; !printed && k < cols.report.length; k++) printed = count(line, cols.report[k], v[cols.report[k]]) !== null;
        // troopdata writes 0 where the report printed nothing; a figure it read stands.
        values[m] = read === 0 && !printed ? null : read;
      }
      blankServices = blanksThatAreZero(values);
      for (const m of blankServices) values[m] = 0;
    }
    if (withheld) for (const m of measuresOf(year)) values[m] = null;
    const part = partLine || PART_OF_UNTIL[named]?.state === iso3;
    return { line, year, report: v.source, location, iso3, quoted, values, withheld, part, blankServices, repeatedAt: null, disputed: NO_MEASURES };
  };
}

const SERVICES: Measure[] = ['army', 'navy', 'air_force', 'marine_corps'];

/**
 * The older reports leave a service's cell blank where it has nobody at the location. A blank
 * is read as 0 only when the services the line does print add up to its printed total;
 * otherwise it stays missing.
 */
function blanksThatAreZero(values: Partial<Record<Measure, number | null>>): readonly Measure[] {
  if (values.total === null || values.total === undefined) return NO_MEASURES;
  let printed = 0;
  let blank = false;
  for (const m of SERVICES) {
    const v = values[m];
    if (v === null) blank = true;
    else printed += v ?? 0;
  }
  return blank && printed === values.total ? SERVICES.filter((m) => values[m] === null) : NO_MEASURES;
}

/** A count cell: its whole number, null for a missing marker; anything else stops the build (integerAt). */
function count(line: number, column: string, raw: string | undefined): number | null {
  if (raw === 'NA') return null;
  if (raw !== undefined) {
    const digits = digitsValue(raw);
    if (digits >= 0) return digits;
  }
  return integerAt({ file: REPORTS_FILE, row: line }, column, raw);
}

/**
 * The state a location belonged to in a year: COW codes that change ISO code over time
 * (Russia before 1992 is the Soviet Union, Yugoslavia in 1992 is Serbia and Montenegro),
 * and territories that were part of another state then.
 */
function hostInYear(registry: CountryRegistry, iso3: string, year: number): string {
  const part = PART_OF_UNTIL[iso3];
  if (part && year < part.until) return part.state;
  return stateInYear(registry, iso3, year);
}

/** The ISO code a country's COW code stood for in a year, where COW keeps one code across ISO codes (365: SUN, then RUS). */
export function stateInYear(registry: CountryRegistry, iso3: string, year: number): string {
  for (const cow of sharedCows(registry).get(iso3) ?? []) {
    const then = registry.fromCow(cow, year);
    if (then !== null && then !== iso3) return then;
  }
  return iso3;
}

/** Per registry, the COW codes of each ISO code that have stood for more than one ISO code, in crosswalk order. */
const sharedCowsOf = new WeakMap<CountryRegistry, Map<string, number[]>>();

/**
 * The COW codes that can make an ISO code another state in some year, found in one pass over
 * the crosswalk (not two searches of it for every line read): the crosswalk does not change.
 */
function sharedCows(registry: CountryRegistry): Map<string, number[]> {
  let shared = sharedCowsOf.get(registry);
  if (shared) return shared;
  const cowsOf = new Map<string, Set<number>>();
  const isosOf = new Map<number, Set<string>>();
  for (const x of registry.crosswalk) {
    let cows = cowsOf.get(x.iso3);
    if (!cows) cowsOf.set(x.iso3, (cows = new Set()));
    cows.add(x.cow);
    let isos = isosOf.get(x.cow);
    if (!isos) isosOf.set(x.cow, (isos = new Set()));
    isos.add(x.iso3);
  }
  shared = new Map();
  for (const [iso3, cows] of cowsOf) {
    const multi = [...cows].filter((cow) => isosOf.get(cow)!.size >= 2);
    if (multi.length > 0) shared.set(iso3, multi);
  }
  sharedCowsOf.set(registry, shared);
  return shared;
}

/** One observation per host, year and measure, plus missing rows for years a report has no line for a host it lists in other years. */
function personnelObservations(lines: ReportLine[], annual: Map<number, string>, registry: CountryRegistry): ObservationColumns {
  // The lines by host and year, and the host-years in the order the file first lists them.
  const byHost = new Map<string, Map<number, ReportLine[]>>();
  const groups: ReportLine[][] = [];
  for (const l of lines) {
    let byYear = byHost.get(l.iso3);
    if (!byYear) byHost.set(l.iso3, (byYear = new Map()));
    const group = byYear.get(l.year);
    if (group) group.push(l);
    else {
      const created = [l];
      byYear.set(l.year, created);
      groups.push(created);
    }
  }
  const out = new ObservationColumns();
  const texts = new Map<string, ReportTexts>();
  for (const group of groups) {
    const report = group[0].report;
    let t = texts.get(report);
    if (!t) {
      const locatorEnd = ` (DMDC ${report} report)`;
      texts.set(report, (t = { locatorEnd, line: `DMDC ${report} report, line `, row: new LocatorPattern(ROW, locatorEnd) }));
    }
    hostYearObservations(group.length === 1 ? group : distinctLines(group), t, out);
  }
  unlistedYears(byHost, annual, registry, out);
  return out;
}

/**
 * A report that prints the same location twice (ZIMBABWE, September 2013) has one line for it:
 * the totals must agree, and a figure on which the copies differ cannot be told.
 */
function distinctLines(group: ReportLine[]): ReportLine[] {
  const byLocation = new Map<string, ReportLine>();
  for (const l of group) {
    const prior = byLocation.get(l.location);
    if (!prior) {
      byLocation.set(l.location, l);
      continue;
    }
    if (prior.values.total !== l.values.total) {
      throw new SnapshotError(REPORTS_FILE, l.line, 'Location', `"${l.location}" appears twice in the ${l.report} report (also row ${prior.line}) with different totals`,
        'Replace the file with the publisher\'s original, or remove the duplicated line.');
    }
    const disputed = (Object.keys(prior.values) as Measure[]).filter((m) => prior.values[m] !== l.values[m]);
    byLocation.set(l.location, { ...prior, repeatedAt: l.line, disputed: [...prior.disputed, ...disputed] });
  }
  return [...byLocation.values()];
}

/** The flags rows share (frozen, like observation()'s defaults: one array each, not one per row). */
const flags = (...f: Observation['flags']) => Object.freeze(f) as unknown as Observation['flags'];
const NO_FLAGS = flags();
const UNCERTAIN = flags('uncertain');
const MISSING = flags('missing');
const MISSING_UNCERTAIN = flags('missing', 'uncertain');

/** Texts of a report that its host-years' locators and notes share. */
interface ReportTexts {
  /** " (DMDC September 1957 report)" */
  locatorEnd: string;
  /** "DMDC September 1957 report, line " */
  line: string;
  /** "<file> row 12 (DMDC September 1957 report)": the locator of a host-year of one line. */
  row: LocatorPattern;
}

const ROW = `${REPORTS_FILE} row `;
const ROWS = `${REPORTS_FILE} rows `;
const rowOf = (l: ReportLine) => (l.repeatedAt === null ? String(l.line) : `${l.line} (repeated at ${l.repeatedAt})`);
const quotedOf = (l: ReportLine) => l.quoted;

function hostYearObservations(group: ReportLine[], texts: ReportTexts, out: ObservationColumns): void {
  const [first] = group;
  const single = group.length === 1;
  // Its pattern, when the host-year is one line printed once.
  const pattern = single && first.repeatedAt === null ? texts.row : undefined;
  const locator = pattern ? pattern.text(first.line) : single ? ROW + rowOf(first) + texts.locatorEnd : ROWS + group.map(rowOf).join(', ') + texts.locatorEnd;
  const lineNames = single ? first.quoted : group.map(quotedOf).join(' + ');
  // What every measure of the group shares, made once: the measures' notes are mostly the same
  // text, and one string for them is flattened, written and encoded once.
  let allParts = true;
  let withheld = false;
  let disputes = false;
  let blanks = false;
  for (const l of group) {
    allParts &&= l.part;
    withheld ||= l.withheld;
    disputes ||= l.disputed.length > 0;
    blanks ||= l.blankServices.length > 0;
  }
  const undercount = undercountsContingency(first.iso3, first.year);
  const contingency = undercount ? ' The report\'s country line leaves out forces deployed in contingency operations here, so the figure understates the U.S. presence.' : '';
  const summed = single ? `${texts.line}${lineNames}.` : `Sum of the report lines ${lineNames}.`;
  let printedNote: string | null = null;
  let blankNote: string | null = null;
  let withheldNote: string | null = null;
  for (const measure of measuresOf(first.year)) {
    const indicator = INDICATOR_OF[measure];
    if (disputes && group.some((l) => l.disputed.includes(measure))) {
      out.push(row(first, indicator, locator, null, MISSING_UNCERTAIN,
        `The file repeats the report line ${lineNames} with different ${MEASURE_WORDS[measure]} figures; the report's own figure cannot be told.`), pattern);
      continue;
    }
    if (allParts) {
      const parts = group.map((l) => l.values[measure] ?? null);
      out.push(row(first, indicator, locator, null, MISSING,
        `The file has only the report line ${lineNames} (${parts.join(' + ')}), a part of the state, for the DMDC ${first.report} report; the state's own line is not in the file.`), pattern);
      continue;
    }
    if (withheld) {
      out.push(row(first, indicator, locator, null, MISSING,
        withheldNote ??= `The DMDC ${first.report} report line ${lineNames} gives no count (personnel deployed in contingency operations are reported elsewhere or withheld).`), pattern);
      continue;
    }
    let value = 0;
    let missing = false;
    for (const l of group) {
      const v = l.values[measure] ?? null;
      if (v === null) {
        missing = true;
        break;
      }
      value += v;
    }
    if (missing) {
      out.push(row(first, indicator, locator, null, MISSING, `The DMDC ${first.report} report prints no ${MEASURE_WORDS[measure]} figure for ${lineNames} (NA).`), pattern);
      continue;
    }
    const note = blanks && group.some((l) => l.blankServices.includes(measure))
      ? (blankNote ??= summed + ' The report leaves the cell blank; read as 0 because the services it prints add up to its total.' + contingency)
      : (printedNote ??= summed + contingency);
    out.push(row(first, indicator, locator, value, undercount ? UNCERTAIN : NO_FLAGS, note), pattern);
  }
}

/** One observation of a host and year, as observation() makes it (one object shape for every row). */
function row(first: { iso3: string; year: number }, indicator: string, locator: string, value: number | null, flags: Observation['flags'], note: string): Observation {
  return { country: first.iso3, counterpart: '', indicator, year: first.year, value, low: null, high: null, source: SOURCE, locator, flags, note };
}

/**
 * Years in which the annual report has no line for a host that it lists in other years: from
 * the host's first listed year to the last report (or the state's end), the figure is missing.
 */
function unlistedYears(byHost: Map<string, Map<number, ReportLine[]>>, annual: Map<number, string>, registry: CountryRegistry, out: ObservationColumns): void {
  const lastReport = Math.max(...annual.keys());
  for (const [iso3, listed] of byHost) {
    let first = Infinity;
    for (const year of listed.keys()) first = Math.min(first, year);
    const end = Math.min(lastReport, registry.get(iso3)?.to_year ?? lastReport);
    for (let year = first; year <= end; year++) {
      const report = annual.get(year);
      if (!report || listed.has(year)) continue;
      const locator = `${REPORTS_FILE} (DMDC ${report} report: no line)`;
      const note = `The DMDC ${report} report has no line for this location (not listed, listed only inside a regional total, or left out as a contingency deployment).`;
      for (const m of measuresOf(year)) out.push(row({ iso3, year }, INDICATOR_OF[m], locator, null, MISSING, note));
    }
  }
}
