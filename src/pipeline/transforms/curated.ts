// Curated evidence: the facts no dataset has (host-nation support, exclusive-use facilities,
// trade dependence, Taiwan's national accounts, figures stated in the reference texts,
// flashpoint disputes), kept by hand in curated/evidence/*.yaml, one file per subject.
// Every entry names a source and a locator; this transform validates each file against the
// schema below (errors name file, line and field) and turns the entries into observations.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CountryCode, ObservationFlag } from '../../evidence/schema.ts';
import type { Indicator, Observation } from '../../evidence/schema.ts';
import { CuratedFileError, loadSourceRegistry } from '../../evidence/sources.ts';
import { yamlLib } from '../../evidence/yaml-lib.ts';
import { parseYamlWithLines } from '../../method/yaml.ts';
import type { FieldPath } from '../../method/yaml.ts';
import { observation } from '../transform.ts';
import { deriveOffsetShares, derivedProvenance } from '../cost-sharing.ts';
import type { EvidenceTable, FieldDef, Transform, TransformContext } from '../transform.ts';

export const EVIDENCE_FOLDER = 'evidence';

const FIX_HINT = 'Fix the entry (the file layout is described in curated/README.md).';

/** Indicators whose amounts are in the host's own currency: each entry names the currency. */
const CURRENCY_INDICATORS = new Set(['hns_local_currency']);

export const CURATED_INDICATORS: Indicator[] = [
  // Host-nation support
  { id: 'hns_usd', label: 'Host-nation support (US$)', definition: 'Host-nation support (cost sharing) for U.S. forces stationed in the country, in current US$ m per year. Scope as the source defines it: agreement contributions (SMA) for Japan and Korea, direct plus indirect support for DoD totals, cash and in-kind direct support for GAO; conversions from national currency use SIPRI\'s market exchange rate for the year.', unit: 'US$ m (current)', dyadic: false, min: 0, max: 10000 },
  { id: 'hns_local_currency', label: 'Host-nation support (national currency)', definition: 'Host-nation support (cost sharing) as the agreement or budget states it, in millions of the host\'s currency (named in the note); Japanese amounts are for the fiscal year beginning in April.', unit: 'million units of national currency', dyadic: false, min: 0, max: 10_000_000 },
  // Cost sharing in DoD's definition and the forward-presence premium (issue 12); the offset share is derived in cost-sharing.ts
  { id: 'hns_offset_share_pct', label: 'Share of U.S. stationing costs offset (DoD definition)', definition: 'The host\'s direct and indirect support as a percentage of the cost of stationing U.S. forces in the country other than U.S. military pay: 100 x support / (support + U.S. non-personnel stationing costs), the measure of the statutory goal of 75% (P.L. 104-201 sec. 1084) and of the DoD Report on Allied Contributions to the Common Defense. DoD\'s and other published percentages as published; other values derived in the build from hns_total_support_usd and us_nonpersonnel_stationing_cost_usd of the same year (flagged derived).', unit: 'percent of U.S. non-personnel stationing costs', dyadic: false, min: 0, max: 100 },
  { id: 'hns_total_support_usd', label: 'Host-nation support, direct and indirect (US$)', definition: 'The host\'s support for U.S. forces in the scope of the DoD Report on Allied Contributions to the Common Defense: direct support (cash payments and in-kind support such as labour, construction and utilities) plus indirect support (forgone rents on land and facilities, waived taxes and fees), current US$ m per year.', unit: 'US$ m (current)', dyadic: false, min: 0, max: 20000 },
  { id: 'hns_direct_support_usd', label: 'Host-nation support, direct (US$)', definition: 'The host\'s direct support for U.S. forces: cash payments and in-kind support (labour, construction, utilities), the scope of GAO-21-270; excludes indirect support (forgone rents, waived taxes). Current US$ m per year; averages over the period the note states.', unit: 'US$ m (current)', dyadic: false, min: 0, max: 20000 },
  { id: 'us_nonpersonnel_stationing_cost_usd', label: 'U.S. non-personnel cost of forces in the country', definition: 'What the U.S. spends a year to station its forces in the country other than from the military personnel accounts (operation and maintenance, family housing, construction), current US$ m: the U.S. part of the denominator of DoD\'s offset share.', unit: 'US$ m per year', dyadic: false, min: 0, max: 50000 },
  { id: 'us_overseas_cost_premium_per_troop_usd', label: 'Overseas basing premium per service member', definition: 'How much more a U.S. service member based overseas costs the United States a year than one based in the United States (recurring per-person costs), US$ of the year stated (RAND RR-201; subject USA, across services and regions, with a low-high range).', unit: 'US$ per troop per year', dyadic: false, min: 0, max: 200_000 },
  // Labour force (burden sharing: DoD's ability measure for military manpower)
  { id: 'labour_force', label: 'Labour force, total', definition: 'People aged 15 and older who supply labour for the production of goods and services, employed or unemployed (World Bank WDI SL.TLF.TOTL.IN, from ILO modelled estimates), as read from the public pages named in each locator.', unit: 'persons', dyadic: false, min: 1000, max: 2e9 },
  // Basing and stationing costs
  { id: 'exclusive_use_facilities', label: 'Facilities for exclusive U.S. use', definition: 'Number of facilities and areas the host grants to U.S. forces for their exclusive use.', unit: 'facilities', dyadic: false, min: 0, max: 1000 },
  { id: 'us_stationing_cost_usd', label: 'U.S. cost of forces in the country', definition: 'What the U.S. spends a year to keep its forces in the country (obligations for military personnel, operation and maintenance, housing and construction), current US$ m; averages over the period the note states.', unit: 'US$ m per year', dyadic: false, min: 0, max: 50000 },
  { id: 'us_stationing_cost_per_troop_usd', label: 'U.S. cost per troop stationed in the country', definition: 'U.S. stationing cost in the country divided by the U.S. troops there, US$ per troop per year; a total cost including pay, not the premium over basing at home.', unit: 'US$ per troop per year', dyadic: false, min: 0, max: 1_000_000 },
  { id: 'us_overseas_personnel_cost_premium_pct', label: 'Overseas personnel cost premium', definition: 'How much more a U.S. service member costs a year when based overseas than in the United States, in percent (RAND; subject USA, for the service\'s overseas posture as a whole).', unit: 'percent above U.S.-based equivalent', dyadic: false, min: 0, max: 200 },
  { id: 'us_overseas_base_support_cost_ratio', label: 'Overseas base support cost ratio', definition: 'Fixed base-support cost of an overseas base relative to a comparable U.S. base (RAND; subject USA).', unit: 'ratio to U.S.-based equivalent', dyadic: false, min: 0.5, max: 10 },
  // Trade dependence
  { id: 'trade_share_china_pct', label: 'Trade with China, share of total', definition: 'Goods trade (exports plus imports) with China as a percentage of the country\'s total goods trade; mainland China unless the note says Hong Kong is included or services are counted.', unit: 'percent of total goods trade', dyadic: false, min: 0, max: 100 },
  { id: 'trade_share_us_pct', label: 'Trade with the United States, share of total', definition: 'Goods trade (exports plus imports) with the United States as a percentage of the country\'s total goods trade.', unit: 'percent of total goods trade', dyadic: false, min: 0, max: 100 },
  // Taiwan (no World Bank data)
  { id: 'gdp_usd_current_curated', label: 'GDP, current US$ (curated)', definition: 'Gross domestic product at current prices in US dollars, from national accounts or the IMF WEO, for economies the World Bank does not cover (Taiwan).', unit: 'US$ (current)', dyadic: false, min: 1e8, max: 5e13 },
  { id: 'population_curated', label: 'Population (curated)', definition: 'Population from the national register, for economies the World Bank does not cover (Taiwan); end-of-year counts.', unit: 'persons', dyadic: false, min: 1000, max: 2e9 },
  // Figures stated in the reference texts (claims to check)
  { id: 'us_troops_stated', label: 'U.S. troops in the country (stated)', definition: 'Number of U.S. troops stationed in the country as a reference text or report states it, for checking against DMDC counts.', unit: 'persons', dyadic: false, min: 0, max: 500_000 },
  { id: 'hns_usd_stated', label: 'Host-nation support (stated, US$)', definition: 'Host-nation support per year as a reference text states it, in US$ m.', unit: 'US$ m per year', dyadic: false, min: 0, max: 10000 },
  { id: 'milex_share_gdp_stated', label: 'Military expenditure, % of GDP (stated)', definition: 'Defence spending as a share of GDP as a reference text states it (a level or a projection), for checking against SIPRI.', unit: 'percent of GDP', dyadic: false, min: 0, max: 50 },
  { id: 'milex_share_gdp_target', label: 'Military expenditure target, % of GDP', definition: 'A government\'s own target for defence spending as a share of GDP, for the year the target is to be reached.', unit: 'percent of GDP', dyadic: false, min: 0, max: 10 },
  { id: 'hns_demand_multiplier', label: 'U.S. demand for host-nation support (multiple)', definition: 'The multiple of its current host-nation support the U.S. demanded of the country, as a reference text states it.', unit: 'multiple of current payments', dyadic: false, min: 1, max: 20 },
  { id: 'senkaku_ccg_consecutive_days', label: 'Consecutive days of China Coast Guard presence near the Senkakus', definition: 'Length of a run of consecutive days on which China Coast Guard ships were in the contiguous zone around the Senkaku Islands (Japan Coast Guard count), by the year the run ended or was reported.', unit: 'days', dyadic: true, min: 0, max: 3660 },
  { id: 'senkaku_ccg_contiguous_zone_days', label: 'Days of Chinese government ships in the Senkaku contiguous zone', definition: 'Days in the year on which Chinese government ships were observed in the contiguous zone around the Senkaku Islands (Japan Coast Guard).', unit: 'days per year', dyadic: true, min: 0, max: 366 },
  { id: 'senkaku_ccg_territorial_sea_intrusions', label: 'Chinese intrusions into Senkaku territorial waters', definition: 'Intrusions by Chinese government ships into Japan\'s territorial sea around the Senkaku Islands in the year (Japan Coast Guard).', unit: 'intrusions per year', dyadic: true, min: 0, max: 1000 },
  // Flashpoints
  { id: 'flashpoint_disputes', label: 'Active disputes with a rival', definition: 'Number of active territorial or maritime-boundary disputes with China, Russia, North Korea or Iran (project coding; the disputes are named in the note).', unit: 'disputes', dyadic: false, min: 0, max: 20 },
  // Entrapment, principal rivals and rotational forces (issue 12)
  { id: 'flashpoint_severity', label: 'Flashpoint severity (entrapment exposure)', definition: 'Entrapment risk the ally carries: for each U.S. rival (China, Russia, North Korea, Iran), the largest severity among the flashpoints with that rival the ally is party to (weight 1) or on the front line of (weight 0.5), summed over rivals. A flashpoint\'s severity is likelihood (1-3) x stakes (1-3, 4 for the Taiwan Strait) of U.S. involvement as the Council on Foreign Relations\' Preventive Priorities Survey rates it for the year; 0 where the ally is exposed to no rated flashpoint (project coding, the arithmetic in the note; scale in curated/evidence/flashpoints.yaml).', unit: 'severity points (likelihood x stakes)', dyadic: false, min: 0, max: 40 },
  { id: 'principal_rival', label: 'Principal rival', definition: 'For the pair ally -> rival: 1 if the rival (China, Russia, North Korea or Iran) is the ally\'s principal rival, the state its defence is built against as its own (or NATO\'s) strategy documents name it or, where they are silent, the only one of the four able to bring force to bear in its region; 0.5 for the backing rival, coded only where the principal rival has no SIPRI spending (South Korea: China); null where the ally has none of the four (project coding). An entry holds until the next entry for the same ally.', unit: 'rank weight (1 principal rival, 0.5 backing rival)', dyadic: true, min: 0, max: 1 },
  { id: 'us_troops_rotational', label: 'U.S. troops on rotation in the country', definition: 'U.S. military personnel present in the country on rotational deployment, not permanently assigned, as DoD, a U.S. embassy, the host government or NATO stated it for the year (the date in the note); the DMDC counts of assigned personnel (us_troops_active_duty) leave them out, so the two can be added. Strength at the time stated; seasonal rotations (Darwin) are present about six months a year.', unit: 'persons', dyadic: false, min: 0, max: 50000 },
];

/** Publications the curated files cite (the test keeps this list and the files in step). */
export const CURATED_SOURCES = [
  'alliance-ledger-flashpoint-coding', 'ap-2013-overseas-bases', 'asahi-2020-06-senkaku', 'blankenship-2025', 'destatis-pr-044-2024',
  'destatis-trading-partners-2023', 'dfat-china-brief-2024', 'dod-allied-contributions-2004', 'gao-21-270', 'glosserman-2020',
  'imf-weo-2024-10', 'japan-nss-2022', 'jiji-2021-12-21-hns', 'kbs-2021-03-sma11', 'kbs-2024-11-sma12', 'mainichi-2021-11-24-hns',
  'mof-jp-trade-2023', 'mof-tw-trade-2023', 'mofa-jp-sma-2021', 'mofa-kr-sma10-2019', 'moi-tw-household-registration',
  'motie-kr-trade-2023', 'pca-2013-19-award', 'piie-2024-korea-exports', 'rand-rr150-2013', 'rok-mnd-white-paper-2018',
  'sipri-milex-2025', 'stripes-2025-10-22-senkaku', 'ukice-trade-tracker-2024', 'us-japan-alliance-overview-2019',
  'xinhua-2021-03-10-sma11', 'yomiuri-2024-05-28-senkaku',
  // Cost sharing in DoD's definition, labour force (issue 12)
  'crs-94-515', 'japan-press-2001-08-hns', 'japan-press-2003-11-hns', 'japan-press-2006-02-hns', 'japantimes-2017-01-31-hns',
  'johnson-2000-blowback', 'rand-rr201-2013', 'wdi-labour-force',
  // Entrapment, principal rivals and rotational forces (issue 12)
  'afa-2014-jsotfp', 'alliance-ledger-flashpoint-severity', 'alliance-ledger-principal-rivals', 'ap-2019-09-26-lithuania',
  'aus-defence-2019-07-25-mrfd', 'aus-dsr-2023', 'baltic-course-2017-09-11', 'cfr-pps-2014', 'cfr-pps-2017', 'cfr-pps-2024', 'cfr-pps-2025',
  'cna-2025-01-07-pps', 'contact-2022-03-14-mrfd', 'crs-if11280-2020', 'defenseone-2024-04-14-iran-israel', 'dod-2024-03-mrfd-24',
  'dvids-2023-05-mrfd-23', 'dvids-2024-09-17-camp-herkus', 'epa-2022-07-30-romania', 'informat-2025-10-poland', 'kbs-2024-01-05-pps',
  'lrt-2019-10-14-us-battalion', 'nato-strategic-concept-2022', 'nyt-2023-01-21-romania', 'philstar-2018-12-18-pps', 'pl-us-joint-declaration-2019-09-23',
  'psnews-2024-10-mrfd', 'rok-mnd-white-paper-2022', 'state-security-cooperation-poland', 'stripes-2015-03-07-jsotfp',
  'stripes-2019-07-24-darwin', 'stripes-2024-10-01-iran-israel', 'taiwannews-2024-01-04-pps', 'treaty-prc-dprk-1961',
  'treaty-us-japan-1960', 'tvnet-2023-11-kent-estonia', 'upi-2018-10-02-norway', 'us-dod-nds-2022', 'us-embassy-riga-2014-04-22',
  'us-embassy-tallinn-2022-12-08', 'usatoday-2024-04-14-iran-israel', 'usmc-2017-06-21-norway', 'voa-2017-02-14-romania',
  'wh-us-japan-joint-statement-2024-04-10', 'wsj-2018-02-marines-asia',
];

/** What an entry is checked against: the registries the build also uses. */
export interface CuratedRegistries {
  hasCountry(iso3: string): boolean;
  sourceIds: ReadonlySet<string>;
  indicators: ReadonlyMap<string, Indicator>;
}

type Issue = { path: (string | number)[]; message: string };

/** The schema of one curated/evidence/*.yaml file, bound to the known countries, sources and indicators. */
export function curatedFileSchema(registries: CuratedRegistries) {
  const country = CountryCode.refine(registries.hasCountry, { error: (issue) => `unknown country code "${String(issue.input)}": use an ISO code from evidence/countries.csv` });
  const source = z.string().refine((id) => registries.sourceIds.has(id), { error: (issue) => `unknown source "${String(issue.input)}": add it to curated/sources/publications.yaml first` });
  const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code such as JPY');

  const Conversion = z.strictObject({
    amount: z.number().describe('the amount in national currency, in the same scale as the value (millions)'),
    currency,
    rate: z.number().positive().describe('units of national currency per US$'),
    rate_source: source,
    rate_locator: z.string().min(1),
  });

  const Entry = z.strictObject({
    country,
    counterpart: country.optional(),
    year: z.number().int().min(1946).max(2100),
    value: z.number().nullable(),
    low: z.number().optional(),
    high: z.number().optional(),
    currency: currency.optional(),
    source,
    locator: z.string().min(1),
    flags: z.array(ObservationFlag).default([]),
    refs: z.array(source).default([]),
    note: z.string().default(''),
    conversion: Conversion.optional(),
  }).superRefine((entry, ctx) => {
    for (const issue of entryIssues(entry)) ctx.addIssue({ code: 'custom', ...issue });
  });

  const Series = z.strictObject({
    indicator: z.string(),
    unit: z.string(),
    entries: z.array(Entry).min(1),
  }).superRefine((series, ctx) => {
    for (const issue of seriesIssues(series, registries.indicators.get(series.indicator))) ctx.addIssue({ code: 'custom', ...issue });
  });

  // General claims about alliances (not about one country) live in curated/claims.yaml.
  return z.strictObject({
    subject: z.string().min(1),
    series: z.array(Series).min(1),
  });
}

export type CuratedFile = z.infer<ReturnType<typeof curatedFileSchema>>;
type Series = CuratedFile['series'][number];
type Entry = Series['entries'][number];

/** Checks within one entry: ranges that contain the value, missing values explained, conversions that add up. */
function entryIssues(entry: Omit<Entry, 'flags' | 'refs' | 'note'> & { flags: string[]; note: string }): Issue[] {
  const issues: Issue[] = [];
  if (entry.value === null) {
    if (!entry.flags.includes('missing')) issues.push({ path: ['flags'], message: 'a null value must be flagged "missing"' });
    if (!entry.note) issues.push({ path: ['note'], message: 'say why the value is missing (the publisher\'s marker and its meaning)' });
  }
  if (entry.low !== undefined && entry.high !== undefined && entry.low > entry.high) issues.push({ path: ['low'], message: `low ${entry.low} is above high ${entry.high}` });
  if (entry.value !== null && entry.low !== undefined && entry.low > entry.value) issues.push({ path: ['low'], message: `low ${entry.low} is above the value ${entry.value}` });
  if (entry.value !== null && entry.high !== undefined && entry.high < entry.value) issues.push({ path: ['high'], message: `high ${entry.high} is below the value ${entry.value}` });
  if (entry.conversion) {
    if (!entry.flags.includes('derived')) issues.push({ path: ['flags'], message: 'a converted value must be flagged "derived"' });
    const expected = entry.conversion.amount / entry.conversion.rate;
    // A value rounded to 0.1 (or to 0.1% for large amounts) still matches.
    if (entry.value === null || Math.abs(entry.value - expected) > Math.max(0.06, Math.abs(expected) * 0.001)) {
      issues.push({ path: ['value'], message: `does not match its conversion: ${entry.conversion.amount} / ${entry.conversion.rate} = ${expected.toFixed(2)}` });
    }
  }
  return issues;
}

/** Checks that need the indicator's declaration: unit, dyadic counterpart, currency, plausible range, duplicates. */
function seriesIssues(series: Series, indicator: Indicator | undefined): Issue[] {
  if (!indicator) return [{ path: ['indicator'], message: `indicator "${series.indicator}" is not declared in src/pipeline/transforms/curated.ts (CURATED_INDICATORS)` }];
  const issues: Issue[] = [];
  if (series.unit !== indicator.unit) issues.push({ path: ['unit'], message: `unit "${series.unit}" differs from the declared unit "${indicator.unit}"` });
  const seen = new Map<string, number>();
  series.entries.forEach((entry, i) => {
    const at = (field: string): (string | number)[] => ['entries', i, field];
    if (indicator.dyadic && !entry.counterpart) issues.push({ path: at('country'), message: `${indicator.id} is dyadic: give a counterpart` });
    if (!indicator.dyadic && entry.counterpart) issues.push({ path: at('counterpart'), message: `${indicator.id} is not dyadic: remove the counterpart` });
    if (CURRENCY_INDICATORS.has(indicator.id) && !entry.currency) issues.push({ path: at('currency'), message: `${indicator.id} needs the currency of the amount` });
    if (entry.conversion && !indicator.unit.startsWith('US$ m')) issues.push({ path: at('conversion'), message: `conversions give US$ m; ${indicator.id} is in ${indicator.unit}` });
    for (const field of ['value', 'low', 'high'] as const) {
      const v = entry[field];
      if (typeof v === 'number' && ((indicator.min !== null && v < indicator.min) || (indicator.max !== null && v > indicator.max))) {
        issues.push({ path: at(field), message: `${v} is outside the plausible range ${indicator.min}..${indicator.max} declared for ${indicator.id}` });
      }
    }
    const key = [entry.country, entry.counterpart ?? '', entry.year, entry.source].join('|');
    const prior = seen.get(key);
    if (prior !== undefined) {
      issues.push({ path: ['entries', i], message: `duplicate entry: ${entry.country}${entry.counterpart ? `-${entry.counterpart}` : ''} ${entry.year} from ${entry.source} is already given at entries.${prior}` });
    }
    seen.set(key, i);
  });
  return issues;
}

/** The 1-based line of the node at `nodePath` in a YAML text (null when the path is absent). */
function lineAt(text: string, nodePath: (string | number)[]): number | null {
  const node = yamlLib().parseDocument(text).getIn(nodePath, true) as { range?: [number, number, number] } | undefined;
  const offset = node?.range?.[0];
  return offset === undefined ? null : text.slice(0, offset).split('\n').length;
}

function withThousands(n: number): string {
  const [whole, fraction] = String(n).split('.');
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (fraction ? `.${fraction}` : '');
}

/** The observation's note: currency, the curator's note, the conversion and further sources. */
export function entryNote(entry: Entry): string {
  const parts: string[] = [];
  if (entry.currency) parts.push(`amount in ${entry.currency}`);
  if (entry.note) parts.push(entry.note);
  if (entry.conversion) {
    const c = entry.conversion;
    parts.push(`converted from ${withThousands(c.amount)} m ${c.currency} at ${c.rate} ${c.currency} per US$ (${c.rate_source}: ${c.rate_locator})`);
  }
  if (entry.refs.length > 0) parts.push(`see also: ${entry.refs.join(', ')}`);
  return parts.join('; ');
}

export function entryObservation(indicator: string, entry: Entry): Observation {
  const flags = entry.value === null && !entry.flags.includes('missing') ? [...entry.flags, 'missing' as const] : entry.flags;
  return observation({
    country: entry.country,
    counterpart: entry.counterpart ?? '',
    indicator,
    year: entry.year,
    value: entry.value,
    low: entry.low ?? null,
    high: entry.high ?? null,
    source: entry.source,
    locator: entry.locator,
    flags: [...new Set(flags)],
    note: entryNote(entry),
  });
}

interface LoadedFile {
  /** Path shown to reviewers, e.g. curated/evidence/host-nation-support.yaml. */
  display: string;
  text: string;
  content: CuratedFile;
  /** The lines of the file's nodes, for the lines of the entries (provenanceTable). */
  lineOf: (path: FieldPath) => number | null;
}

/** Read and validate every curated/evidence/*.yaml; an indicator belongs to one file only. */
export async function loadCuratedFiles(curatedDir: string, registries: CuratedRegistries): Promise<LoadedFile[]> {
  const folder = path.join(curatedDir, EVIDENCE_FOLDER);
  let names: string[];
  try {
    names = (await readdir(folder)).filter((f) => f.endsWith('.yaml')).sort();
  } catch {
    throw new CuratedFileError(folder, null, '', 'folder not found', 'Create curated/evidence/ with one YAML file per subject (see curated/README.md).');
  }
  const schema = curatedFileSchema(registries);
  const files: LoadedFile[] = [];
  const owners = new Map<string, string>();
  for (const name of names) {
    const file = path.join(folder, name);
    const text = await readFile(file, 'utf8');
    const { data: content, lineOf } = parseYamlWithLines(file, text, schema, FIX_HINT);
    content.series.forEach((s, i) => {
      const prior = owners.get(s.indicator);
      const where = ['series', i, 'indicator'];
      if (prior !== undefined) throw new CuratedFileError(file, lineAt(text, where), where.join('.'), `"${s.indicator}" is already curated in ${prior}`, 'Keep each indicator in one subject file.');
      owners.set(s.indicator, name);
    });
    files.push({ display: path.posix.join(path.basename(curatedDir), EVIDENCE_FOLDER, name), text, content, lineOf });
  }
  return files;
}

const PROVENANCE_FIELDS: FieldDef[] = [
  { name: 'indicator', type: 'string', description: 'indicator id' },
  { name: 'country', type: 'string', description: 'ISO code' },
  { name: 'counterpart', type: 'string', description: 'ISO code of the counterpart, else empty' },
  { name: 'year', type: 'integer', description: 'year' },
  { name: 'source', type: 'string', description: 'source id' },
  { name: 'file', type: 'string', description: 'curated file that holds the entry' },
  { name: 'line', type: 'integer', description: 'line of the entry in that file' },
];

function provenanceTable(files: LoadedFile[]): EvidenceTable {
  const rows = files.flatMap((f) => {
    return f.content.series.flatMap((s, i) => s.entries.map((e, j) => {
      const line = f.lineOf(['series', i, 'entries', j]);
      return { indicator: s.indicator, country: e.country, counterpart: e.counterpart ?? '', year: e.year, source: e.source, file: f.display, line };
    }));
  });
  return {
    name: 'curated_provenance',
    title: 'Where each curated observation is kept',
    description: 'The curated file and line of every observation the curated transform writes, so that a reviewer can open the entry behind a number.',
    sources: [...new Set(rows.map((r) => r.source))].sort(),
    fields: PROVENANCE_FIELDS,
    primaryKey: ['indicator', 'country', 'counterpart', 'year', 'source'],
    rows,
  };
}

export async function runCurated(ctx: Pick<TransformContext, 'countries' | 'curatedDir'>) {
  const sources = await loadSourceRegistry(ctx.curatedDir);
  const registries: CuratedRegistries = {
    hasCountry: (iso3) => ctx.countries.registry.has(iso3),
    sourceIds: new Set(sources.map((s) => s.id)),
    indicators: new Map(CURATED_INDICATORS.map((i) => [i.id, i])),
  };
  const files = await loadCuratedFiles(ctx.curatedDir, registries);
  const observations = files.flatMap((f) => f.content.series.flatMap((s) => s.entries.map((e) => entryObservation(s.indicator, e))));
  // Cost sharing in DoD's definition (issue 12): offset shares derived from curated inputs, provenance pointing to their support entry.
  const derived = deriveOffsetShares(observations);
  const provenance = provenanceTable(files);
  provenance.rows.push(...derivedProvenance(derived, provenance.rows));
  return { observations: [...observations, ...derived], tables: [provenance] };
}

export const transform: Transform = {
  id: 'curated',
  title: 'Curated evidence (host-nation support, basing, trade dependence, Taiwan, stated figures, flashpoints)',
  sources: CURATED_SOURCES,
  indicators: CURATED_INDICATORS,
  needsSnapshot: false,
  run: runCurated,
};
