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
import type { CountryRegistry } from '../../evidence/countries.ts';
import type { CsvRecord, Where } from '../snapshot.ts';
import { NA_MARKERS, SnapshotError, integerAt } from '../snapshot.ts';
import { observation } from '../transform.ts';
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
  return (CONTINGENCY_UNDERCOUNT[iso3] ?? []).some(([from, to]) => year >= from && year <= to);
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
  values: Partial<Record<Measure, number | null>>;
  withheld: boolean;
  /** Services whose blank cell is read as 0 because the printed services add up to the total. */
  blankServices: Measure[];
  /** The line is for a part of the state (the Ryukyu Islands of Japan, the Azores of Portugal...). */
  part: boolean;
  /** Row of an identical-location line this one repeats, if the file has it twice. */
  repeatedAt: number | null;
  /** Measures on which the repeated lines disagree. */
  disputed: Measure[];
}

export const transform: Transform = {
  id: 'troops',
  title: 'U.S. military personnel abroad (DMDC reports via troopdata)',
  sources: ['troopdata', SOURCE],
  indicators: TROOP_INDICATORS,
  needsSnapshot: true,
  async run(ctx) {
    const records = await ctx.snapshot.readCsv(REPORTS_FILE, 'troopdata', { requireColumns: REQUIRED_COLUMNS });
    const annual = annualReports(records);
    const resolveLocation = memoizedResolver(ctx);
    const chosen = records.filter(({ values: v }) => annual.get(Number(v.year)) === v.source);
    const transcribedOnly = reportsWithoutReportColumns(chosen);
    const lines = chosen
      .map((r) => readLine(ctx, resolveLocation, transcribedOnly.has(r.values.source), r))
      .filter((l): l is ReportLine => l !== null);
    return { observations: personnelObservations(lines, annual, ctx.countries.registry) };
  },
};

/** The report each year's figures come from (year -> "September 1957"), after checking every row's report label. */
function annualReports(records: CsvRecord[]): Map<number, string> {
  const reports = new Map<number, Set<string>>();
  for (const { line, values: v } of records) {
    const where = { file: REPORTS_FILE, row: line };
    const year = integerAt(where, 'year', v.year);
    if (year === null) throw new SnapshotError(REPORTS_FILE, line, 'year', 'the year is empty', 'Replace the file with the publisher\'s original.');
    if (v.source !== `${v.month} ${year}`) {
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

/** The reports repeat a few hundred spellings over 10,000 lines: resolve each spelling once. */
function memoizedResolver(ctx: TransformContext): (name: string, where: Where) => string | null {
  const known = new Map<string, string | null>();
  return (name, where) => {
    if (!known.has(name)) known.set(name, ctx.countries.resolve(PUBLISHER, name, where));
    return known.get(name)!;
  };
}

/** Reports (before 2008) for which the file has none of the report's own columns, only troopdata's reading (the 2003 and 2004 PDFs). */
function reportsWithoutReportColumns(records: CsvRecord[]): Set<string> {
  const withColumns = new Set<string>();
  const all = new Set<string>();
  for (const { values: v } of records) {
    all.add(v.source);
    if (Object.values(EARLY_COLUMNS).some((c) => c.report.some((col) => !NA_MARKERS.has((v[col] ?? '').trim())))) withColumns.add(v.source);
  }
  return new Set([...all].filter((r) => !withColumns.has(r) && Number(r.slice(-4)) < COMPONENT_FORMAT_FROM));
}

function readLine(ctx: TransformContext, resolveLocation: (name: string, where: Where) => string | null, transcribedOnly: boolean, { line, values: v }: CsvRecord): ReportLine | null {
  const where: Where = { file: REPORTS_FILE, row: line, column: 'Location' };
  const location = v.Location.trim();
  const named = resolveLocation(location, where);
  if (named === null) return null;
  const year = Number(v.year);
  const iso3 = hostInYear(ctx.countries.registry, named, year);
  const withheld = WITHHELD_LINE.test(location) || (year >= ASTERISKED_ZERO_FROM && location.endsWith('*') && v['Total Active Duty'] === '0');
  const values: Partial<Record<Measure, number | null>> = {};
  let blankServices: Measure[] = [];
  if (year >= COMPONENT_FORMAT_FROM) {
    for (const m of Object.keys(COMPONENT_COLUMNS) as Measure[]) values[m] = count(line, COMPONENT_COLUMNS[m], v[COMPONENT_COLUMNS[m]]);
  } else {
    for (const [m, cols] of Object.entries(EARLY_COLUMNS) as [Measure, { value: string; report: string[] }][]) {
      const read = count(line, cols.value, v[cols.value]);
      const printed = transcribedOnly || cols.report.some((c) => count(line, c, v[c]) !== null);
      // troopdata writes 0 where the report printed nothing; a figure it read stands.
      values[m] = read === 0 && !printed ? null : read;
    }
    blankServices = blanksThatAreZero(values);
    for (const m of blankServices) values[m] = 0;
  }
  if (withheld) for (const m of Object.keys(values) as Measure[]) values[m] = null;
  const part = PART_LINES.test(location) || PART_OF_UNTIL[named]?.state === iso3;
  return { line, year, report: v.source, location, iso3, values, withheld, part, blankServices, repeatedAt: null, disputed: [] };
}

const SERVICES: Measure[] = ['army', 'navy', 'air_force', 'marine_corps'];

/**
 * The older reports leave a service's cell blank where it has nobody at the location. A blank
 * is read as 0 only when the services the line does print add up to its printed total;
 * otherwise it stays missing.
 */
function blanksThatAreZero(values: Partial<Record<Measure, number | null>>): Measure[] {
  const blanks = SERVICES.filter((m) => values[m] === null);
  if (blanks.length === 0 || values.total === null || values.total === undefined) return [];
  const printed = SERVICES.filter((m) => values[m] !== null).reduce((sum, m) => sum + (values[m] ?? 0), 0);
  return printed === values.total ? blanks : [];
}

function count(line: number, column: string, raw: string | undefined): number | null {
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
  const cows = new Set(registry.crosswalk.filter((x) => x.iso3 === iso3).map((x) => x.cow));
  for (const cow of cows) {
    if (registry.isoCodesForCow(cow).length < 2) continue;
    const then = registry.fromCow(cow, year);
    if (then !== null && then !== iso3) return then;
  }
  return iso3;
}

/** One observation per host, year and measure, plus missing rows for years a report has no line for a host it lists in other years. */
function personnelObservations(lines: ReportLine[], annual: Map<number, string>, registry: CountryRegistry): Observation[] {
  const byHostYear = new Map<string, ReportLine[]>();
  for (const l of lines) {
    const key = `${l.iso3}|${l.year}`;
    const group = byHostYear.get(key);
    if (group) group.push(l);
    else byHostYear.set(key, [l]);
  }
  const out: Observation[] = [];
  for (const group of byHostYear.values()) for (const o of hostYearObservations(distinctLines(group))) out.push(o);
  out.push(...unlistedYears(lines, annual, registry));
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

function hostYearObservations(group: ReportLine[]): Observation[] {
  const [first] = group;
  const rows = group.map((l) => (l.repeatedAt === null ? String(l.line) : `${l.line} (repeated at ${l.repeatedAt})`)).join(', ');
  const locator = `${REPORTS_FILE} ${group.length > 1 ? 'rows' : 'row'} ${rows} (DMDC ${first.report} report)`;
  const lineNames = group.map((l) => `"${l.location}"`).join(' + ');
  const out: Observation[] = [];
  // What every measure of the group shares, made once: the measures' notes are mostly the same
  // text, and one string for them is flattened, written and encoded once.
  const allParts = group.every((l) => l.part);
  const withheld = group.some((l) => l.withheld);
  const undercount = undercountsContingency(first.iso3, first.year);
  const contingency = undercount ? ' The report\'s country line leaves out forces deployed in contingency operations here, so the figure understates the U.S. presence.' : '';
  const summed = group.length > 1 ? `Sum of the report lines ${lineNames}.` : `DMDC ${first.report} report, line ${lineNames}.`;
  let printedNote: string | null = null;
  let blankNote: string | null = null;
  let withheldNote: string | null = null;
  for (const measure of Object.keys(first.values) as Measure[]) {
    const indicator = INDICATOR_OF[measure];
    if (group.some((l) => l.disputed.includes(measure))) {
      out.push(row(first, indicator, locator, null, ['missing', 'uncertain'],
        `The file repeats the report line ${lineNames} with different ${measure.replace('_', ' ')} figures; the report's own figure cannot be told.`));
      continue;
    }
    if (allParts) {
      const parts = group.map((l) => l.values[measure] ?? null);
      out.push(row(first, indicator, locator, null, ['missing'],
        `The file has only the report line ${lineNames} (${parts.join(' + ')}), a part of the state, for the DMDC ${first.report} report; the state's own line is not in the file.`));
      continue;
    }
    if (withheld) {
      out.push(row(first, indicator, locator, null, ['missing'],
        withheldNote ??= `The DMDC ${first.report} report line ${lineNames} gives no count (personnel deployed in contingency operations are reported elsewhere or withheld).`));
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
      out.push(row(first, indicator, locator, null, ['missing'], `The DMDC ${first.report} report prints no ${measure.replace('_', ' ')} figure for ${lineNames} (NA).`));
      continue;
    }
    const note = group.some((l) => l.blankServices.includes(measure))
      ? (blankNote ??= summed + ' The report leaves the cell blank; read as 0 because the services it prints add up to its total.' + contingency)
      : (printedNote ??= summed + contingency);
    out.push(row(first, indicator, locator, value, undercount ? ['uncertain'] : [], note));
  }
  return out;
}

/** One observation of a host and year, as observation() makes it (one object shape for every row). */
function row(first: ReportLine, indicator: string, locator: string, value: number | null, flags: Observation['flags'], note: string): Observation {
  return { country: first.iso3, counterpart: '', indicator, year: first.year, value, low: null, high: null, source: SOURCE, locator, flags, note };
}

/**
 * Years in which the annual report has no line for a host that it lists in other years: from
 * the host's first listed year to the last report (or the state's end), the figure is missing.
 */
function unlistedYears(lines: ReportLine[], annual: Map<number, string>, registry: CountryRegistry): Observation[] {
  const years = new Map<string, Set<number>>();
  const first = new Map<string, ReportLine>();
  for (const l of lines) {
    years.set(l.iso3, (years.get(l.iso3) ?? new Set()).add(l.year));
    const f = first.get(l.iso3);
    if (!f || l.year < f.year) first.set(l.iso3, l);
  }
  const lastReport = Math.max(...annual.keys());
  const out: Observation[] = [];
  for (const [iso3, listed] of years) {
    const end = Math.min(lastReport, registry.get(iso3)?.to_year ?? lastReport);
    for (let year = first.get(iso3)!.year; year <= end; year++) {
      const report = annual.get(year);
      if (!report || listed.has(year)) continue;
      const measures: Measure[] = year >= COMPONENT_FORMAT_FROM ? (Object.keys(COMPONENT_COLUMNS) as Measure[]) : (Object.keys(EARLY_COLUMNS) as Measure[]);
      const locator = `${REPORTS_FILE} (DMDC ${report} report: no line)`;
      const note = `The DMDC ${report} report has no line for this location (not listed, listed only inside a regional total, or left out as a contingency deployment).`;
      for (const m of measures) {
        out.push(observation({ country: iso3, indicator: INDICATOR_OF[m], year, value: null, source: SOURCE, locator, note }));
      }
    }
  }
  return out;
}
