// World Bank World Development Indicators: GDP in current US$ and total population per
// country-year, and GDP per capita derived from the two. The files list countries by World
// Bank name and code and include regional and income aggregates, which the worldbank names
// file lists as not countries. Taiwan is not in WDI.
import type { Indicator, Observation } from '../../evidence/schema.ts';
import type { CountryResolver } from '../countries.ts';
import { SnapshotError, integerAt, numberAt } from '../snapshot.ts';
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

interface WdiValue {
  value: number | null;
  line: number;
}

/**
 * Country-year values of one WDI file. Each World Bank name is resolved through the worldbank
 * names file, and the code column must agree with it: a mismatch means the file has been
 * edited or the crosswalk is wrong, and either way the value cannot be trusted to a country.
 */
function wdiValues(records: CsvRecord[], file: string, countries: CountryResolver): Map<string, WdiValue> {
  const out = new Map<string, WdiValue>();
  // Each name is resolved once, at its first row: the files repeat a name for every year.
  const resolved = new Map<string, string | null>();
  for (const { line, values } of records) {
    const name = values['Country Name'];
    let iso3 = resolved.get(name);
    if (iso3 === undefined) resolved.set(name, (iso3 = countries.resolve('worldbank', name, { file, row: line, column: 'Country Name' })));
    if (iso3 === null) continue;
    const code = values['Country Code'].trim();
    if (code !== iso3) {
      throw new SnapshotError(file, line, 'Country Code', `"${values['Country Name']}" resolves to ${iso3}, but the code column says "${code}"`,
        'Replace the file with the publisher\'s original, or correct the name in curated/country-names/worldbank.yaml.');
    }
    const where = { file, row: line };
    const year = integerAt(where, 'Year', values.Year, new Set())!;
    const value = numberAt(where, 'Value', values.Value, WDI_MISSING);
    const key = `${iso3}|${year}`;
    const prior = out.get(key);
    if (prior) {
      throw new SnapshotError(file, line, 'Year', `${iso3} ${year} is listed twice (also at row ${prior.line})`, 'Replace the file with the publisher\'s original.');
    }
    out.set(key, { value, line });
  }
  return out;
}

/**
 * No state's GDP has been under US$1 million in WDI's years (Tuvalu's, the smallest, was $2.6
 * million in 1970). Smaller figures, such as Georgia's $11,503 for 1987, are kept as published
 * but flagged uncertain: they look like a unit error in the World Bank's series.
 */
const GDP_FLOOR_USD = 1e6;
const IMPLAUSIBLE_GDP_NOTE = 'As published by the World Bank, but below US$1 million, which no state\'s GDP has been since 1960: probably a unit error in the WDI series.';

const implausibleGdp = (indicator: string, value: number | null) => indicator === 'gdp_usd_current' && value !== null && value < GDP_FLOOR_USD;

function seriesObservations(series: Map<string, WdiValue>, indicator: string, source: string, file: string): Observation[] {
  return [...series].map(([key, { value, line }]) => {
    const [country, year] = key.split('|');
    const locator = `${file} row ${line}`;
    if (value === null) return observation({ country, indicator, year: Number(year), value, source, locator, note: WDI_MISSING_NOTE });
    if (implausibleGdp(indicator, value)) return observation({ country, indicator, year: Number(year), value, source, locator, flags: ['uncertain'], note: IMPLAUSIBLE_GDP_NOTE });
    return observation({ country, indicator, year: Number(year), value, source, locator });
  });
}

function perCapitaObservations(gdp: Map<string, WdiValue>, population: Map<string, WdiValue>): Observation[] {
  const out: Observation[] = [];
  for (const [key, g] of gdp) {
    const p = population.get(key);
    if (g.value === null || !p || p.value === null || p.value <= 0) continue;
    const [country, year] = key.split('|');
    out.push(observation({
      country,
      indicator: 'gdp_per_capita_usd',
      year: Number(year),
      // Six significant figures: whole cents would round the WDI's odd early values for Georgia (GDP of $11,503 in 1987) to 0.
      value: Number((g.value / p.value).toPrecision(6)),
      source: GDP,
      locator: `${GDP_FILE} row ${g.line} / ${POPULATION_FILE} row ${p.line}`,
      flags: implausibleGdp('gdp_usd_current', g.value) ? ['derived', 'uncertain'] : ['derived'],
      note: `GDP (wdi-gdp) divided by population (wdi-population), same year.${implausibleGdp('gdp_usd_current', g.value) ? ` ${IMPLAUSIBLE_GDP_NOTE}` : ''}`,
    }));
  }
  return out;
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
    return {
      observations: [
        ...seriesObservations(gdp, 'gdp_usd_current', GDP, GDP_FILE),
        ...seriesObservations(population, 'population', POPULATION, POPULATION_FILE),
        ...perCapitaObservations(gdp, population),
      ],
    };
  },
};
