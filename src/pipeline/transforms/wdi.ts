// World Bank World Development Indicators: GDP in current US$ and total population per
// country-year, and GDP per capita derived from the two. The files list countries by World
// Bank name and code and include regional and income aggregates, which the worldbank names
// file lists as not countries. Taiwan is not in WDI.
import type { Indicator, Observation } from '../../evidence/schema.ts';
import { LocatorPattern, ObservationColumns } from '../observation-columns.ts';
import type { CountryResolver } from '../countries.ts';
import { SnapshotError, integerCell, numberCell } from '../snapshot.ts';
import type { CsvRecord } from '../snapshot.ts';
import { observation } from '../transform.ts';
import type { Transform } from '../transform.ts';

const GDP_FILE = 'wdi-gdp-pop/gdp_current_usd_datasets.csv';
const POPULATION_FILE = 'wdi-gdp-pop/population_datasets.csv';
const GDP = 'wdi-gdp';
const POPULATION = 'wdi-population';
const COLUMNS = ['Country Name', 'Country Code', 'Year', 'Value'] as const;

/**
 * The packaged files keep only reported cells (a year without a figure has no row); the World
 * Bank's own downloads mark such cells empty or "..", which are read as missing.
 */
const WDI_MISSING: ReadonlySet<string> = new Set(['', '..']);
const WDI_MISSING_NOTE = 'No figure in the World Bank file (empty or "..": not reported).';

const INDICATORS: Indicator[] = [
  { id: 'gdp_usd_current', label: 'GDP (current US$)', unit: 'current US$', dyadic: false, min: 1e6, max: 5e13,
    definition: 'Gross domestic product at purchasers\' prices in current U.S. dollars (World Bank WDI NY.GDP.MKTP.CD): the sum of gross value added by all resident producers plus product taxes minus subsidies not included in the value of the products, converted from domestic currency at official exchange rates of the year.' },
  { id: 'population', label: 'Population, total', unit: 'persons', dyadic: false, min: 1000, max: 2e9,
    definition: 'Total population (World Bank WDI SP.POP.TOTL): all residents regardless of legal status or citizenship, midyear estimates.' },
  { id: 'gdp_per_capita_usd', label: 'GDP per capita (current US$), derived', unit: 'current US$ per person', dyadic: false, min: 10, max: 5e5,
    definition: 'GDP in current U.S. dollars (WDI NY.GDP.MKTP.CD) divided by total population (WDI SP.POP.TOTL) of the same country and year, computed here only where both exist; flagged "derived". It can differ slightly from the World Bank\'s own NY.GDP.PCAP.CD where either series was revised after this packaging.' },
];


// The Year and Value cells (31,000 rows) are read without a Where made for each (integerCell, numberCell).
const yearAt = (file: string, line: number, raw: string | undefined) => integerCell(file, line, 'Year', raw);
const valueAt = (file: string, line: number, raw: string | undefined) => numberCell(file, line, 'Value', raw, WDI_MISSING);

interface WdiValue {
  country: string;
  year: number;
  value: number | null;
  line: number;
}

/**
 * Country-year values of one WDI file, in file order, with an index by country and year. Each
 * World Bank name is resolved through the worldbank names file, and the code column must agree
 * with it: a mismatch means the file has been edited or the crosswalk is wrong, and either way
 * the value cannot be trusted to a country.
 */
function wdiValues(records: CsvRecord[], file: string, countries: CountryResolver): { list: WdiValue[]; index: Map<string, Map<number, WdiValue>> } {
  const list: WdiValue[] = [];
  // ISO code -> year -> value (nested, not keyed by a "code|year" string made for every row).
  const index = new Map<string, Map<number, WdiValue>>();
  // Each name is resolved once, at its first row: the files repeat a name for every year.
  const resolved = new Map<string, string | null>();
  // The files list a country's years together: the last name's ISO code and years are at hand.
  let lastName: string | undefined;
  let iso3: string | null = null;
  let years: Map<number, WdiValue> | undefined;
  for (const { line, values } of records) {
    const name = values['Country Name'];
    if (name !== lastName) {
      lastName = name;
      let known = resolved.get(name);
      if (known === undefined) resolved.set(name, (known = countries.resolve('worldbank', name, { file, row: line, column: 'Country Name' })));
      iso3 = known;
      years = iso3 === null ? undefined : index.get(iso3);
    }
    if (iso3 === null) continue;
    const rawCode = values['Country Code'];
    const code: string = rawCode === iso3 ? iso3 : rawCode.trim();
    if (code !== iso3) {
      throw new SnapshotError(file, line, 'Country Code', `"${values['Country Name']}" resolves to ${iso3}, but the code column says "${code}"`,
        'Replace the file with the publisher\'s original, or correct the name in curated/country-names/worldbank.yaml.');
    }
    const year = yearAt(file, line, values.Year);
    const value = valueAt(file, line, values.Value);
    if (!years) index.set(iso3, (years = new Map()));
    const prior = years.get(year);
    if (prior) {
      throw new SnapshotError(file, line, 'Year', `${iso3} ${year} is listed twice (also at row ${prior.line})`, 'Replace the file with the publisher\'s original.');
    }
    const entry = { country: iso3, year, value, line };
    years.set(year, entry);
    list.push(entry);
  }
  return { list, index };
}

/**
 * No state's GDP has been under US$1 million in WDI's years (Tuvalu's, the smallest, was $2.6
 * million in 1970). Smaller figures, such as Georgia's $11,503 for 1987, are kept as published
 * but flagged uncertain: they look like a unit error in the World Bank's series.
 */
const GDP_FLOOR_USD = 1e6;
const IMPLAUSIBLE_GDP_NOTE = 'As published by the World Bank, but below US$1 million, which no state\'s GDP has been since 1960: probably a unit error in the WDI series.';

const implausibleGdp = (indicator: string, value: number | null) => indicator === 'gdp_usd_current' && value !== null && value < GDP_FLOOR_USD;

// One flags array for each combination written (as observation() shares its defaults; frozen,
// so that nothing can change the flags of all at once).
const UNCERTAIN_FLAGS = Object.freeze(['uncertain']) as unknown as Observation['flags'];
const DERIVED_FLAGS = Object.freeze(['derived']) as unknown as Observation['flags'];
const DERIVED_UNCERTAIN_FLAGS = Object.freeze(['derived', 'uncertain']) as unknown as Observation['flags'];
const PER_CAPITA_NOTE = 'GDP (wdi-gdp) divided by population (wdi-population), same year.';
const IMPLAUSIBLE_PER_CAPITA_NOTE = `${PER_CAPITA_NOTE} ${IMPLAUSIBLE_GDP_NOTE}`;

function seriesObservations(series: WdiValue[], indicator: string, source: string, file: string, out: ObservationColumns): void {
  const row = new LocatorPattern(`${file} row `, '');
  for (const { country, year, value, line } of series) {
    const locator = row.text(line);
    if (value === null) out.push(observation({ country, indicator, year, value, source, locator, note: WDI_MISSING_NOTE }), row);
    else if (implausibleGdp(indicator, value)) out.push(observation({ country, indicator, year, value, source, locator, flags: UNCERTAIN_FLAGS, note: IMPLAUSIBLE_GDP_NOTE }), row);
    else out.push(observation({ country, indicator, year, value, source, locator }), row);
  }
}

function perCapitaObservations(gdp: WdiValue[], population: Map<string, Map<number, WdiValue>>, out: ObservationColumns): void {
  const rows = new LocatorPattern(`${GDP_FILE} row `, ` / ${POPULATION_FILE} row `, '');
  for (const g of gdp) {
    if (g.value === null) continue;
    const p = population.get(g.country)?.get(g.year);
    if (!p || p.value === null || p.value <= 0) continue;
    const implausible = implausibleGdp('gdp_usd_current', g.value);
    out.push(observation({
      country: g.country,
      indicator: 'gdp_per_capita_usd',
      year: g.year,
      // Six significant figures: whole cents would round the WDI's odd early values for Georgia (GDP of $11,503 in 1987) to 0.
      value: Number((g.value / p.value).toPrecision(6)),
      source: GDP,
      locator: rows.text(g.line, p.line),
      flags: implausible ? DERIVED_UNCERTAIN_FLAGS : DERIVED_FLAGS,
      note: implausible ? IMPLAUSIBLE_PER_CAPITA_NOTE : PER_CAPITA_NOTE,
    }), rows);
  }
}

export const transform: Transform = {
  id: 'wdi',
  title: 'World Bank WDI: GDP and population',
  sources: [GDP, POPULATION],
  indicators: INDICATORS,
  needsSnapshot: true,
  async run({ snapshot, countries }) {
    const gdp = wdiValues(await snapshot.readCsv(GDP_FILE, GDP, { requireColumns: COLUMNS }), GDP_FILE, countries);
    const population = wdiValues(await snapshot.readCsv(POPULATION_FILE, POPULATION, { requireColumns: COLUMNS }), POPULATION_FILE, countries);
    const observations = new ObservationColumns();
    seriesObservations(gdp.list, 'gdp_usd_current', GDP, GDP_FILE, observations);
    seriesObservations(population.list, 'population', POPULATION, POPULATION_FILE, observations);
    perCapitaObservations(gdp.list, population.index, observations);
    return { observations };
  },
};
