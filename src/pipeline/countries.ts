// Builds the country registry from the countrycode crosswalk snapshot and curated/countries.yaml,
// and resolves publishers' country names against it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CountryRegistry, normalizeName } from '../evidence/countries.ts';
import type { NamePattern } from '../evidence/countries.ts';
import { Region } from '../evidence/schema.ts';
import type { Country, CountryName, CowCrosswalk } from '../evidence/schema.ts';
import { parseYamlFile } from '../evidence/sources.ts';
import { SnapshotError, integerAt } from './snapshot.ts';
import type { Snapshot, Where } from './snapshot.ts';

export const CROSSWALK_FILE = 'country-codes/countrycode_codelist.csv';
export const CROSSWALK_SOURCE = 'countrycode';

const StateEntry = z.object({
  iso3: z.string().regex(/^[A-Z]{3}$/),
  name: z.string(),
  cow: z.number().int(),
  cowc: z.string(),
  region: Region,
  from_year: z.number().int().optional(),
  to_year: z.number().int().optional(),
  regex: z.string().optional(),
});

const CountriesFile = z.object({
  historical: z.array(StateEntry),
  additional: z.array(StateEntry),
  cow_crosswalk: z.array(z.tuple([z.number().int(), z.string(), z.number().int(), z.number().int(), z.string()])),
  gw_crosswalk: z.array(z.tuple([z.number().int(), z.string(), z.number().int(), z.number().int(), z.string()])).default([]),
  region_overrides: z.record(z.string(), Region),
});

/** A publisher's names file: explicit spellings and names that are not countries. */
const PublisherNamesFile = z.object({
  publisher: z.string(),
  /** Spellings the crosswalk patterns miss or get wrong, mapped to ISO codes. */
  names: z.record(z.string(), z.string().regex(/^[A-Z]{3}$/)).default({}),
  /** Regions, aggregates, territories and historical entities the project does not register, with the reason. */
  not_countries: z.record(z.string(), z.string()).default({}),
});
export type PublisherNames = z.infer<typeof PublisherNamesFile>;

const WB_REGION: Record<string, Region> = {
  'East Asia & Pacific': 'asia',
  'South Asia': 'asia',
  'Europe & Central Asia': 'europe',
  'Middle East & North Africa': 'middle-east',
  'Sub-Saharan Africa': 'africa',
  'Latin America & Caribbean': 'americas',
  'North America': 'americas',
};

/** A spelling resolved to a country (see CountryResolver.takeResolutions). */
export interface NameResolution {
  publisher: string;
  name: string;
  iso3: string;
  fromFile: boolean;
}

export interface CountryResolver {
  registry: CountryRegistry;
  /**
   * The ISO code for a publisher's spelling of a country; null for names the publisher's
   * names file lists as not a country. An unknown name stops the build at `where`.
   */
  resolve(publisher: string, name: string, where: Where): string | null;
  /** Spellings resolved so far, to be written as evidence/country_names.csv. */
  namesUsed(): CountryName[];
  /**
   * The resolutions since the last call (a build worker's, for the build to replay in transform
   * order): each spelling once, first resolution first, and whether the publisher's names file
   * gave it.
   */
  takeResolutions(): NameResolution[];
  /** Resolutions made elsewhere, applied to namesUsed as resolving them here in that order would. */
  replayResolutions(events: readonly NameResolution[]): void;
  /** Each country's COW and Gleditsch-Ward codes by year (evidence/tables/state_codes.csv); reads the two state lists on first use. */
  stateCodes(): Promise<StateCodePeriod[]>;
  /** The registry's countries as countries.csv rows: with the GW code, and the COW code filled from the state codes where the code list has none (Serbia, 345). */
  countryRows(): Promise<(Country & { gwcode: number | null })[]>;
}

export async function buildCountryRegistry(snapshot: Snapshot, curatedDir: string): Promise<CountryResolver> {
  const curatedPath = path.join(curatedDir, 'countries.yaml');
  const curated = parseYamlFile(curatedPath, await readFile(curatedPath, 'utf8'), CountriesFile, 'Fix curated/countries.yaml (see curated/README.md).');
  const rows = await snapshot.readCsv(CROSSWALK_FILE, CROSSWALK_SOURCE, {
    requireColumns: ['iso3c', 'cown', 'cowc', 'country.name.en', 'country.name.en.regex', 'region'],
  });

  const countries: Country[] = [];
  const patterns: NamePattern[] = [];
  const crosswalk: CowCrosswalk[] = [];
  const historicalByCow = new Map(curated.historical.map((h) => [h.cow, h]));
  const redefinedCows = new Set(curated.cow_crosswalk.map((x) => x[0]));

  for (const { line, values: v } of rows) {
    const where = { file: CROSSWALK_FILE, row: line };
    const cow = integerAt(where, 'cown', v.cown);
    const iso3 = v.iso3c.trim();
    const regex = v['country.name.en.regex'];
    if (iso3) {
      const region = curated.region_overrides[iso3] ?? WB_REGION[v.region] ?? null;
      countries.push({ iso3, name: v['country.name.en'], cow, cowc: v.cowc || null, region, historical: false, from_year: null, to_year: null });
      if (regex) patterns.push({ iso3, regex: compile(regex, where) });
      if (cow !== null && !redefinedCows.has(cow)) crosswalk.push({ cow, iso3, from_year: 1816, to_year: 9999, note: '' });
    } else if (cow !== null && historicalByCow.has(cow) && regex) {
      patterns.push({ iso3: historicalByCow.get(cow)!.iso3, regex: compile(regex, where) });
    }
  }
  for (const h of [...curated.historical, ...curated.additional]) {
    const historical = curated.historical.includes(h);
    countries.push({ iso3: h.iso3, name: h.name, cow: h.cow, cowc: h.cowc, region: h.region, historical,
      from_year: h.from_year ?? null, to_year: h.to_year ?? null });
    if (h.regex) patterns.push({ iso3: h.iso3, regex: compile(h.regex, { file: curatedPath, row: null }) });
    if (!historical && !redefinedCows.has(h.cow)) crosswalk.push({ cow: h.cow, iso3: h.iso3, from_year: 1816, to_year: 9999, note: '' });
  }
  for (const [cow, iso3, from_year, to_year, note] of curated.cow_crosswalk) crosswalk.push({ cow, iso3, from_year, to_year, note });

  countries.sort((a, b) => (a.iso3 < b.iso3 ? -1 : 1));
  crosswalk.sort((a, b) => a.cow - b.cow || a.from_year - b.from_year);
  const registry = new CountryRegistry(countries, [], crosswalk);
  for (const x of crosswalk) {
    if (!registry.has(x.iso3)) {
      throw new SnapshotError(curatedPath, null, 'cow_crosswalk', `COW ${x.cow} maps to ${x.iso3}, which is not a registered country`, 'Add the state under historical or additional.');
    }
  }

  let stateCodes: Promise<StateCodePeriod[]> | undefined;
  const loadStateCodes = () => (stateCodes ??= buildStateCodes(snapshot, registry, curated.gw_crosswalk, curatedPath));
  const publisherFiles = await loadPublisherNames(curatedDir);
  const used = new Map<string, CountryName>();
  // A publisher's names file by normalized spelling (the first entry of a spelling, as a scan in
  // file order finds it), made on first use instead of normalizing every entry on every call.
  const keyed = new Map<string, { names: Map<string, [string, string]>; notCountries: Set<string> }>();
  const fileKeys = (publisher: string, file: { names: Record<string, string>; not_countries: Record<string, unknown> }) => {
    let k = keyed.get(publisher);
    if (!k) {
      k = { names: new Map(), notCountries: new Set() };
      for (const [n, iso3] of Object.entries(file.names)) {
        const nk = normalizeName(n);
        if (!k.names.has(nk)) k.names.set(nk, [n, iso3]);
      }
      for (const n of Object.keys(file.not_countries)) k.notCountries.add(normalizeName(n));
      keyed.set(publisher, k);
    }
    return k;
  };
  // The countries whose patterns match a spelling: the same for every publisher that spells it so
  // (a spelling met by several publishers, or several transforms, is tried against the ~250
  // patterns once).
  const matchesBySpelling = new Map<string, string[]>();
  const patternMatches = (name: string): string[] => {
    let m = matchesBySpelling.get(name);
    if (m === undefined) {
      m = [...new Set(patterns.filter((p) => p.regex.test(name)).map((p) => p.iso3))];
      matchesBySpelling.set(name, m);
    }
    return m;
  };
  const resolutions = new Map<string, NameResolution>();
  const resolved = (publisher: string, name: string, iso3: string, fromFile: boolean) => {
    const key = `${publisher}\u0000${name}\u0000${fromFile ? 1 : 0}`;
    if (!resolutions.has(key)) resolutions.set(key, { publisher, name, iso3, fromFile });
    return iso3;
  };
  return {
    registry,
    resolve(publisher, name, where) {
      const key = normalizeName(name);
      const remember = (iso3: string) => {
        used.set(`${publisher}\u0000${name}`, { iso3, publisher, name });
        registry.rememberName(publisher, name, iso3);
        return iso3;
      };
      const file = publisherFiles.get(publisher);
      if (file) {
        const byKey = fileKeys(publisher, file);
        const named = byKey.names.get(key);
        if (named) {
          const [n, iso3] = named;
          if (!registry.has(iso3)) throw new SnapshotError(path.join(curatedDir, 'country-names', `${publisher}.yaml`), null, n, `maps to ${iso3}, which is not a registered country`, 'Use an ISO code from evidence/countries.csv.');
          return resolved(publisher, name, remember(iso3), true);
        }
        if (byKey.notCountries.has(key)) return null;
      }
      const known = registry.knownName(publisher, name);
      if (known) return resolved(publisher, name, known, false);
      if (registry.has(name.trim()) && /^[A-Z]{3}$/.test(name.trim())) return resolved(publisher, name, remember(name.trim()), false);
      const matches = patternMatches(name);
      if (matches.length === 1) return resolved(publisher, name, remember(matches[0]), false);
      throw new SnapshotError(where.file, where.row, where.column ?? null,
        matches.length === 0 ? `unknown country name "${name}"` : `country name "${name}" is ambiguous (${matches.join(', ')})`,
        `Add it to curated/country-names/${publisher}.yaml under names (with its ISO code) or under not_countries (with the reason).`);
    },
    takeResolutions() {
      const out = [...resolutions.values()];
      resolutions.clear();
      return out;
    },
    replayResolutions(events) {
      for (const e of events) {
        if (!e.fromFile && registry.knownName(e.publisher, e.name)) continue;
        used.set(`${e.publisher}\u0000${e.name}`, { iso3: e.iso3, publisher: e.publisher, name: e.name });
        registry.rememberName(e.publisher, e.name, e.iso3);
      }
    },
    namesUsed() {
      return [...used.values()].sort((a, b) => (a.publisher + a.name < b.publisher + b.name ? -1 : 1));
    },
    stateCodes: loadStateCodes,
    async countryRows() {
      const latest = new Map<string, { cow: number | null; gwcode: number | null }>();
      for (const p of await loadStateCodes()) {
        const prior = latest.get(p.iso3) ?? { cow: null, gwcode: null };
        latest.set(p.iso3, { cow: p.cow ?? prior.cow, gwcode: p.gwcode ?? prior.gwcode });
      }
      return countries.map((c) => ({ ...c, cow: c.cow ?? latest.get(c.iso3)?.cow ?? null, gwcode: latest.get(c.iso3)?.gwcode ?? null }));
    },
  };
}

function compile(pattern: string, where: Where): RegExp {
  try {
    return new RegExp(pattern, 'i');
  } catch {
    throw new SnapshotError(where.file, where.row, 'country.name.en.regex', `pattern "${pattern}" is not a valid regular expression`, 'Replace the file with the publisher\'s original.');
  }
}

async function loadPublisherNames(curatedDir: string): Promise<Map<string, PublisherNames>> {
  const dir = path.join(curatedDir, 'country-names');
  const { readdir } = await import('node:fs/promises');
  const out = new Map<string, PublisherNames>();
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  } catch {
    return out;
  }
  for (const f of files) {
    const file = path.join(dir, f);
    const names = parseYamlFile(file, await readFile(file, 'utf8'), PublisherNamesFile, 'Fix the names file (see curated/README.md).');
    out.set(names.publisher, names);
  }
  return out;
}

export const COW_STATES_FILE = 'cow-states/cow_states2016_peacesciencer.csv';
export const GW_STATES_FILE = 'cow-states/gw_states_peacesciencer.csv';
export const GW_SOURCE = 'gleditsch-ward-states';

/**
 * A country's state codes over a run of years: the Correlates of War code (COW state system
 * v2016) and the Gleditsch-Ward code (list v3.2) under which it is a member of each system in
 * those years; null where it is not a member (West Germany before 1955 in COW, Germany
 * 1946-1948 in both). Unique per ISO code and year, per COW code and year, and per GW code and
 * year. Where two codes of one country meet within a year (COW 260 and 255 in 1990, 678 and 679
 * in 1990) the year goes to the code in force on 31 December, the project's convention for a
 * year (membership, ledgers). Members at the end of the lists (2016 COW, 2017 GW) stay open (9999).
 */
export interface StateCodePeriod {
  iso3: string;
  from_year: number;
  to_year: number;
  cow: number | null;
  gwcode: number | null;
  note: string;
}

interface Spell {
  code: number;
  from: number;
  /** Year, month and day of the end, as yyyymmdd; 99999999 when open. */
  end: number;
  start: number;
}

const OPEN = 99_999_999;

async function buildStateCodes(snapshot: Snapshot, registry: CountryRegistry, gwCrosswalk: [number, string, number, number, string][], curatedPath: string): Promise<StateCodePeriod[]> {
  const cowRows = await snapshot.readCsv(COW_STATES_FILE, 'cow-states-2016', { requireColumns: ['ccode', 'styear', 'stmonth', 'stday', 'endyear', 'endmonth', 'endday'] });
  const cowSpells: Spell[] = cowRows.map(({ line, values: v }) => {
    const where = { file: COW_STATES_FILE, row: line };
    const n = (c: string) => integerAt(where, c, v[c]) ?? 0;
    const end = n('endyear') * 10000 + n('endmonth') * 100 + n('endday');
    return { code: n('ccode'), from: n('styear'), start: n('styear') * 10000 + n('stmonth') * 100 + n('stday'), end: end >= 20161231 ? OPEN : end };
  });
  const gwRows = await snapshot.readCsv(GW_STATES_FILE, GW_SOURCE, { requireColumns: ['gwcode', 'startdate', 'enddate'] });
  const ymd = (where: Where, column: string, text: string | undefined): number => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? '');
    if (!m) throw new SnapshotError(where.file, where.row, column, `"${text}" is not a date (YYYY-MM-DD)`, 'Replace the file with the publisher\'s original.');
    return Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]);
  };
  const gwSpells: Spell[] = gwRows.map(({ line, values: v }) => {
    const where = { file: GW_STATES_FILE, row: line };
    const start = ymd(where, 'startdate', v.startdate);
    const end = ymd(where, 'enddate', v.enddate);
    return { code: integerAt(where, 'gwcode', v.gwcode) ?? 0, from: Math.floor(start / 10000), start, end: end >= 20171231 ? OPEN : end };
  });
  for (const [gw, iso3] of gwCrosswalk) {
    if (!registry.has(iso3)) throw new SnapshotError(curatedPath, null, 'gw_crosswalk', `GW ${gw} maps to ${iso3}, which is not a registered country`, 'Add the state under historical or additional.');
  }
  const gwIso = (code: number, year: number): string | null => {
    const own = gwCrosswalk.filter(([gw]) => gw === code);
    if (own.length) return own.find(([, , from, to]) => year >= from && year <= to)?.[1] ?? null;
    return registry.fromCow(code, year);
  };
  const gwNote = (code: number, iso3: string, year: number) => gwCrosswalk.find(([gw, iso, from, to]) => gw === code && iso === iso3 && year >= from && year <= to)?.[4] ?? '';
  const cowNote = (code: number, iso3: string, year: number) => registry.crosswalk.find((x) => x.cow === code && x.iso3 === iso3 && year >= x.from_year && year <= x.to_year)?.note ?? '';

  const LAST = 2018; // one year past both lists: a code in force then is open
  // iso3 -> year -> the spell that holds the year, per system
  const chosen = { cow: new Map<string, Map<number, Spell>>(), gw: new Map<string, Map<number, Spell>>() };
  const place = (system: 'cow' | 'gw', spells: Spell[], isoOf: (code: number, year: number) => string | null) => {
    for (const s of spells) {
      const lastYear = s.end === OPEN ? LAST : Math.floor(s.end / 10000);
      for (let y = s.from; y <= lastYear; y++) {
        const iso3 = isoOf(s.code, y);
        if (!iso3) continue;
        let years = chosen[system].get(iso3);
        if (!years) chosen[system].set(iso3, (years = new Map()));
        const prior = years.get(y);
        // The spell in force on 31 December wins; else the one that ended later in the year.
        const endIn = (x: Spell) => Math.min(x.end, y * 10000 + 1231);
        if (!prior || endIn(s) > endIn(prior) || (endIn(s) === endIn(prior) && s.start > prior.start)) years.set(y, s);
      }
    }
  };
  place('cow', cowSpells, (code, year) => registry.fromCow(code, year));
  place('gw', gwSpells, gwIso);

  const out: StateCodePeriod[] = [];
  const isos = [...new Set([...chosen.cow.keys(), ...chosen.gw.keys()])].sort();
  for (const iso3 of isos) {
    let open: StateCodePeriod | null = null;
    for (let y = 1816; y <= LAST; y++) {
      const cow = chosen.cow.get(iso3)?.get(y)?.code ?? null;
      const gwcode = chosen.gw.get(iso3)?.get(y)?.code ?? null;
      if (cow === null && gwcode === null) {
        open = null;
        continue;
      }
      if (open && open.cow === cow && open.gwcode === gwcode && open.to_year === y - 1) {
        open.to_year = y;
        continue;
      }
      const notes: string[] = [cow !== null ? cowNote(cow, iso3, y) : '', gwcode !== null ? gwNote(gwcode, iso3, y) : ''].filter(Boolean);
      open = { iso3, from_year: y, to_year: y, cow, gwcode, note: [...new Set(notes)].join('; ') };
      out.push(open);
    }
  }
  for (const p of out) if (p.to_year === LAST) p.to_year = 9999;
  return out;
}
