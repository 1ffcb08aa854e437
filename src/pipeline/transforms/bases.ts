// U.S. military sites abroad (David Vine's 2020 list) and U.S. military construction spending
// by host country (2008-2019), both as the troopdata package distributes them.
import type { Indicator, Observation } from '../../evidence/schema.ts';
import type { CsvRecord, Where } from '../snapshot.ts';
import { SnapshotError, integerAt, numberAt, parseCsvRecords } from '../snapshot.ts';
import { observation } from '../transform.ts';
import type { EvidenceTable, Transform, TransformContext } from '../transform.ts';

export const BASES_FILE = 'us-troops-bases/basedata.csv';
export const CONSTRUCTION_FILE = 'us-troops-bases/builddata.csv';
const BASES_SOURCE = 'vine-bases-2020';
const CONSTRUCTION_SOURCE = 'troopdata';
/** The list's reference year: Vine's "Lists of U.S. Military Bases Abroad, 1776-2020" ends in 2020. */
export const BASE_LIST_YEAR = 2020;

const SITE_FLAGS = ['base', 'lilypad', 'fundedsite'] as const;
type SiteFlag = (typeof SITE_FLAGS)[number];

export const BASE_INDICATORS: Indicator[] = [
  {
    id: 'us_base_sites',
    label: 'U.S. military bases in the country (Vine 2020)',
    definition:
      'Number of sites in the country that David Vine\'s list of U.S. military bases abroad (2020, as transcribed by troopdata) codes as a base (base = 1): ' +
      'installations the Pentagon lists as bases or that hold 200 or more U.S. personnel. Lily pads (smaller sites) and host-nation sites the U.S. funds are not counted here. ' +
      'Year 2020 is the list\'s reference year. 0 means the list, which aims to cover every U.S. site abroad, has no base in the country; written for every current state. ' +
      'Sites in U.S. territories (Guam, Puerto Rico...) are not written; dependencies with an ISO code of their own (Greenland, Diego Garcia, Curacao, Ascension) are counted there, not in the sovereign.',
    unit: 'sites',
    dyadic: false,
    min: 0,
    max: 200,
  },
  {
    id: 'us_lilypad_sites',
    label: 'U.S. "lily pad" military sites in the country (Vine 2020)',
    definition:
      'Number of sites in the country that Vine\'s 2020 list codes as a lily pad (lilypad = 1): sites with fewer than 200 U.S. personnel or listed as "other site" in Pentagon reports, ' +
      'including cooperative security locations and forward operating sites. Year 2020 is the list\'s reference year; 0 as for us_base_sites.',
    unit: 'sites',
    dyadic: false,
    min: 0,
    max: 200,
  },
  {
    id: 'us_military_construction_usd',
    label: 'U.S. military construction spending in the country',
    definition:
      'U.S. military construction total obligational authority for locations in the country in the fiscal year, in thousands of current U.S. dollars, ' +
      'summed over the location lines of troopdata\'s builddata (compiled from DoD construction records, FY2008-2019). ' +
      'Country-years without a line are not written. Lines filed under no country (worldwide, classified, "Sw Asia") and in U.S. territories are not counted.',
    unit: 'thousand current US$',
    dyadic: false,
    min: -1_000_000,
    max: 5_000_000,
  },
];

/** One site of Vine's list. */
interface BaseSite {
  line: number;
  place: string;
  iso3: string | null;
  basename: string | null;
  lat: number | null;
  lon: number | null;
  flags: Record<SiteFlag, boolean>;
}

export const transform: Transform = {
  id: 'bases',
  title: 'U.S. military bases abroad (Vine 2020) and construction spending (troopdata)',
  sources: [BASES_SOURCE, CONSTRUCTION_SOURCE],
  indicators: BASE_INDICATORS,
  needsSnapshot: true,
  async run(ctx) {
    const sites = await readBaseSites(ctx);
    const construction = await readConstruction(ctx);
    return {
      observations: [...siteCountObservations(ctx, sites), ...construction],
      tables: [baseSitesTable(sites)],
    };
  },
};

/**
 * The base list is written in Windows-1252 ("Concón"), not UTF-8: decode it as such, so a
 * name keeps its letters instead of a replacement character.
 */
function decodeBaseList(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('windows-1252').decode(buf);
  }
}

async function readBaseSites(ctx: TransformContext): Promise<BaseSite[]> {
  const text = decodeBaseList(await ctx.snapshot.readBuffer(BASES_FILE, BASES_SOURCE));
  const rows = parseCsvRecords(BASES_FILE, text, { requireColumns: ['countryname', 'basename', 'lat', 'lon', ...SITE_FLAGS] });
  return rows.map((r) => readBaseSite(ctx, r));
}

function readBaseSite(ctx: TransformContext, { line, values: v }: CsvRecord): BaseSite {
  const where: Where = { file: BASES_FILE, row: line };
  const place = v.countryname.trim();
  const iso3 = ctx.countries.resolve('vine', place, { ...where, column: 'countryname' });
  const flags = Object.fromEntries(SITE_FLAGS.map((f) => [f, siteFlag(where, f, v[f])])) as Record<SiteFlag, boolean>;
  const basename = v.basename.trim();
  return {
    line,
    place,
    iso3,
    basename: basename === '' || basename === 'NA' ? null : basename,
    lat: numberAt(where, 'lat', v.lat),
    lon: numberAt(where, 'lon', v.lon),
    flags,
  };
}

function siteFlag(where: Where, column: string, raw: string | undefined): boolean {
  const n = integerAt(where, column, raw, new Set());
  if (n !== 0 && n !== 1) {
    throw new SnapshotError(where.file, where.row, column, `"${raw}" is not 0 or 1`, 'The list codes each site 0 or 1; replace the file with the publisher\'s original.');
  }
  return n === 1;
}

/** Counts of bases and lily pads per host, with 0 for every current state the list has no such site in. */
function siteCountObservations(ctx: TransformContext, sites: BaseSite[]): Observation[] {
  const hosts = new Set<string>(sites.map((s) => s.iso3).filter((x): x is string => x !== null));
  for (const c of ctx.countries.registry.countries) if (c.cow !== null && !c.historical && c.iso3 !== 'USA') hosts.add(c.iso3);
  const out: Observation[] = [];
  for (const iso3 of [...hosts].sort()) {
    const own = sites.filter((s) => s.iso3 === iso3);
    out.push(siteCount(iso3, own, 'base', 'us_base_sites'), siteCount(iso3, own, 'lilypad', 'us_lilypad_sites'));
  }
  return out;
}

function siteCount(iso3: string, own: BaseSite[], flag: SiteFlag, indicator: string): Observation {
  const counted = own.filter((s) => s.flags[flag]);
  const locator = counted.length > 0
    ? `${BASES_FILE} ${rowRanges(counted.map((s) => s.line))} (${flag} = 1)`
    : `${BASES_FILE} (no row with ${flag} = 1 for the country)`;
  const note = counted.length > 0
    ? `Sites: ${counted.map((s) => s.basename ?? '(unnamed)').join('; ')}.`
    : own.length > 0 ? `The list has ${own.length} other site(s) in the country, none coded ${flag}.` : 'The list has no U.S. site in the country.';
  return observation({ country: iso3, indicator, year: BASE_LIST_YEAR, value: counted.length, source: BASES_SOURCE, locator, note });
}

function baseSitesTable(sites: BaseSite[]): EvidenceTable {
  return {
    name: 'us_base_sites',
    title: 'U.S. military sites abroad (Vine 2020)',
    description:
      'Every site of David Vine\'s "Lists of U.S. Military Bases Abroad, 1776-2020" as the troopdata package transcribes it (basedata.csv): ' +
      'base = major base (Pentagon-listed base or 200+ U.S. personnel), lilypad = smaller site, fundedsite = host-nation site funded by the U.S. ' +
      'iso3 is empty for sites in U.S. territories and Antarctica (see curated/country-names/vine.yaml).',
    sources: [BASES_SOURCE],
    fields: [
      { name: 'row', type: 'integer', description: 'line of the site in basedata.csv' },
      { name: 'place', type: 'string', description: 'country or territory as the list names it' },
      { name: 'iso3', type: 'string', description: 'host country ISO code; empty for U.S. territories and Antarctica' },
      { name: 'basename', type: 'string', description: 'name of the site; empty where the list gives none' },
      { name: 'lat', type: 'number', description: 'latitude (WGS84); empty where the list gives none', unit: 'degrees' },
      { name: 'lon', type: 'number', description: 'longitude (WGS84); empty where the list gives none', unit: 'degrees' },
      { name: 'base', type: 'boolean', description: 'coded a base' },
      { name: 'lilypad', type: 'boolean', description: 'coded a lily pad' },
      { name: 'fundedsite', type: 'boolean', description: 'coded a host-nation site funded by the U.S.' },
      { name: 'source', type: 'string', description: 'source id' },
      { name: 'locator', type: 'string', description: 'file and row' },
    ],
    primaryKey: ['row'],
    rows: sites.map((s) => ({
      row: s.line,
      place: s.place,
      iso3: s.iso3,
      basename: s.basename,
      lat: s.lat,
      lon: s.lon,
      base: s.flags.base,
      lilypad: s.flags.lilypad,
      fundedsite: s.flags.fundedsite,
      source: BASES_SOURCE,
      locator: `${BASES_FILE} row ${s.line}`,
    })),
  };
}

/** Construction spending summed per host country and fiscal year. */
async function readConstruction(ctx: TransformContext): Promise<Observation[]> {
  const rows = await ctx.snapshot.readCsv(CONSTRUCTION_FILE, CONSTRUCTION_SOURCE, { requireColumns: ['countryname', 'year', 'location', 'spend_construction'] });
  const known = new Map<string, string | null>();
  const byHostYear = new Map<string, { iso3: string; year: number; total: number; lines: number[] }>();
  for (const { line, values: v } of rows) {
    const where: Where = { file: CONSTRUCTION_FILE, row: line };
    const name = v.countryname.trim();
    // DoD location names as DMDC writes them (curated/country-names/dmdc.yaml); resolved once per spelling.
    if (!known.has(name)) known.set(name, ctx.countries.resolve('dmdc', name, { ...where, column: 'countryname' }));
    const iso3 = known.get(name)!;
    const year = integerAt(where, 'year', v.year, new Set());
    const spend = numberAt(where, 'spend_construction', v.spend_construction, new Set());
    if (iso3 === null) continue;
    const key = `${iso3}|${year}`;
    const entry = byHostYear.get(key) ?? { iso3, year: year!, total: 0, lines: [] };
    entry.total += spend!;
    entry.lines.push(line);
    byHostYear.set(key, entry);
  }
  return [...byHostYear.values()].map((e) => observation({
    country: e.iso3,
    indicator: 'us_military_construction_usd',
    year: e.year,
    value: Math.round(e.total * 1000) / 1000,
    source: CONSTRUCTION_SOURCE,
    locator: `${CONSTRUCTION_FILE} ${rowRanges(e.lines)}`,
    note: e.lines.length > 1 ? `Sum of ${e.lines.length} location lines (thousand current US$).` : 'One location line (thousand current US$).',
  }));
}

/** "row 5", "rows 3-7, 9": file rows for a locator, consecutive rows as ranges. */
export function rowRanges(lines: number[]): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    ranges.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j;
  }
  return `${sorted.length > 1 ? 'rows' : 'row'} ${ranges.join(', ')}`;
}
