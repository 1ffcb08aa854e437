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

export interface CountryResolver {
  registry: CountryRegistry;
  /**
   * The ISO code for a publisher's spelling of a country; null for names the publisher's
   * names file lists as not a country. An unknown name stops the build at `where`.
   */
  resolve(publisher: string, name: string, where: Where): string | null;
  /** Spellings resolved so far, to be written as evidence/country_names.csv. */
  namesUsed(): CountryName[];
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

  const publisherFiles = await loadPublisherNames(curatedDir);
  const used = new Map<string, CountryName>();
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
        for (const [n, iso3] of Object.entries(file.names)) {
          if (normalizeName(n) === key) {
            if (!registry.has(iso3)) throw new SnapshotError(path.join(curatedDir, 'country-names', `${publisher}.yaml`), null, n, `maps to ${iso3}, which is not a registered country`, 'Use an ISO code from evidence/countries.csv.');
            return remember(iso3);
          }
        }
        for (const n of Object.keys(file.not_countries)) if (normalizeName(n) === key) return null;
      }
      const known = registry.knownName(publisher, name);
      if (known) return known;
      if (registry.has(name.trim()) && /^[A-Z]{3}$/.test(name.trim())) return remember(name.trim());
      const matches = [...new Set(patterns.filter((p) => p.regex.test(name)).map((p) => p.iso3))];
      if (matches.length === 1) return remember(matches[0]);
      throw new SnapshotError(where.file, where.row, where.column ?? null,
        matches.length === 0 ? `unknown country name "${name}"` : `country name "${name}" is ambiguous (${matches.join(', ')})`,
        `Add it to curated/country-names/${publisher}.yaml under names (with its ISO code) or under not_countries (with the reason).`);
    },
    namesUsed() {
      return [...used.values()].sort((a, b) => (a.publisher + a.name < b.publisher + b.name ? -1 : 1));
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
