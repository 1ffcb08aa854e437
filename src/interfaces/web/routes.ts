// The dashboard's URLs are its state: which page, which ally or allies, the year, the region
// and the weights. Parsing is strict, so a mistyped link shows what is wrong instead of a
// blank page, and every view can be shared by copying the address.

export type Region = 'all' | 'asia' | 'europe';
export const REGIONS: readonly Region[] = ['all', 'asia', 'europe'];

/** Line-item weights that differ from the methodology's, by item id. */
export type Weights = Readonly<Record<string, number>>;

export type Route =
  | { page: 'overview'; year: number | null; region: Region; weights: Weights }
  | { page: 'ally'; ally: string; year: number | null; weights: Weights }
  | { page: 'compare'; allies: string[]; year: number | null; weights: Weights }
  | { page: 'weights'; year: number | null; region: Region; weights: Weights }
  | { page: 'sources'; filters: SourceFilters }
  | { page: 'methodology' }
  | { page: 'scenarios'; names: string[]; compare: ScenarioCompare }
  | { page: 'history'; by: string }
  | { page: 'network'; year: number | null }
  | { page: 'regions'; year: number | null; regions: string[] }
  | { page: 'exercise'; session: number | null };

/** The Sources page's search and filters (empty: all), in its address as q=, publisher=, type=, indicator=. */
export interface SourceFilters {
  q: string;
  publisher: string;
  type: string;
  indicator: string;
}

export const NO_SOURCE_FILTERS: SourceFilters = { q: '', publisher: '', type: '', indicator: '' };
const INDICATOR_ID = /^[a-z][a-z0-9_]*$/;
/** The longest search or filter value an address may carry. */
const MAX_FILTER = 200;

/** The analytic regions the theaters page can set side by side (countries.csv). */
export const THEATERS: readonly string[] = ['asia', 'europe', 'americas', 'middle-east', 'africa'];

/** How a run of several scenarios is shown: composed into one, or each on its own side by side. */
export type ScenarioCompare = 'baseline' | 'each';

export const MAX_SCENARIOS = 6;
const SCENARIO_NAME = /^[a-z0-9][a-z0-9-]*$/;
const GROUPING = /^[a-z]+$/;

export type Parsed = { ok: true; route: Route } | { ok: false; message: string };

export const MAX_COMPARED = 6;

const ISO3 = /^[A-Za-z]{3}$/;
/** A live exercise session's id: a positive integer without leading zeros. */
const SESSION_ID = /^[1-9]\d{0,9}$/;

function fail(message: string): Parsed {
  return { ok: false, message };
}

function parseYear(raw: string | null): number | null | string {
  if (raw === null || raw === '') return null;
  if (!/^\d{4}$/.test(raw)) return `year "${raw}" is not a four-digit year such as 2023`;
  return Number(raw);
}

function parseRegion(raw: string | null): Region | string {
  if (raw === null || raw === '') return 'all';
  return (REGIONS as readonly string[]).includes(raw) ? (raw as Region) : `region "${raw}" is not one of ${REGIONS.join(', ')}`;
}

/** `w=milex_level:2,free_riding_gap:0.5` → { milex_level: 2, free_riding_gap: 0.5 }. */
export function parseWeights(raw: string | null): Weights | string {
  if (raw === null || raw === '') return {};
  const out: Record<string, number> = {};
  for (const part of raw.split(',')) {
    const m = /^([a-z][a-z0-9_]*):(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) return `weight "${part}" is not of the form item_id:number (e.g. defense_effort:1.5)`;
    const value = Number(m[2]);
    if (value > 1000) return `weight of ${m[1]} (${value}) is above the maximum of 1000`;
    out[m[1]] = value;
  }
  return out;
}

export function formatWeights(weights: Weights): string {
  return Object.keys(weights).sort().map((k) => `${k}:${roundWeight(weights[k])}`).join(',');
}

export function roundWeight(w: number): number {
  return Math.round(w * 1000) / 1000;
}

export function parseLocation(pathname: string, search: string): Parsed {
  const params = new URLSearchParams(search);
  const year = parseYear(params.get('year'));
  if (typeof year === 'string') return fail(year);
  const weights = parseWeights(params.get('w'));
  if (typeof weights === 'string') return fail(weights);
  const path = pathname.replace(/\/+$/, '') || '/';
  let segments: string[];
  try {
    segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return fail(`the address "${pathname}" is not a valid URL path`);
  }
  const [head, ...rest] = segments;
  if (head === undefined || (head === 'overview' && rest.length === 0)) {
    const region = parseRegion(params.get('region'));
    if (region !== 'all' && region !== 'asia' && region !== 'europe') return fail(region);
    return { ok: true, route: { page: 'overview', year, region, weights } };
  }
  if (head === 'ally') {
    if (rest.length !== 1) return fail('an ally page address is /ally/ followed by an ISO code, e.g. /ally/JPN');
    if (!ISO3.test(rest[0])) return fail(`"${rest[0]}" is not a three-letter ISO code such as JPN`);
    return { ok: true, route: { page: 'ally', ally: rest[0].toUpperCase(), year, weights } };
  }
  if (head === 'compare' && rest.length === 0) {
    const raw = params.get('allies') ?? '';
    const allies = raw === '' ? [] : raw.split(',');
    const bad = allies.find((a) => !ISO3.test(a));
    if (bad !== undefined) return fail(`"${bad}" in allies= is not a three-letter ISO code such as JPN`);
    if (allies.length > MAX_COMPARED) return fail(`at most ${MAX_COMPARED} allies can be compared side by side (the address lists ${allies.length})`);
    return { ok: true, route: { page: 'compare', allies: [...new Set(allies.map((a) => a.toUpperCase()))], year, weights } };
  }
  if (head === 'weights' && rest.length === 0) {
    const region = parseRegion(params.get('region'));
    if (region !== 'all' && region !== 'asia' && region !== 'europe') return fail(region);
    return { ok: true, route: { page: 'weights', year, region, weights } };
  }
  if (head === 'sources' && rest.length === 0) {
    const filters: SourceFilters = { q: params.get('q') ?? '', publisher: params.get('publisher') ?? '', type: params.get('type') ?? '', indicator: params.get('indicator') ?? '' };
    const long = (Object.keys(filters) as (keyof SourceFilters)[]).find((k) => filters[k].length > MAX_FILTER);
    if (long !== undefined) return fail(`${long}= is longer than ${MAX_FILTER} characters`);
    if (filters.indicator !== '' && !INDICATOR_ID.test(filters.indicator)) return fail(`"${filters.indicator}" in indicator= is not an indicator id such as milex_share_gdp`);
    return { ok: true, route: { page: 'sources', filters } };
  }
  if (head === 'methodology' && rest.length === 0) return { ok: true, route: { page: 'methodology' } };
  if (head === 'scenarios' && rest.length === 0) {
    const raw = params.get('run') ?? '';
    const names = raw === '' ? [] : raw.split(',');
    const bad = names.find((n) => !SCENARIO_NAME.test(n));
    if (bad !== undefined) return fail(`"${bad}" in run= is not a scenario name such as hns-japan-x4`);
    if (names.length > MAX_SCENARIOS) return fail(`at most ${MAX_SCENARIOS} scenarios run at once (the address lists ${names.length})`);
    const compare = params.get('compare') ?? 'baseline';
    if (compare !== 'baseline' && compare !== 'each') return fail(`compare "${compare}" is not one of baseline, each`);
    return { ok: true, route: { page: 'scenarios', names: [...new Set(names)], compare } };
  }
  if (head === 'history' && rest.length === 0) {
    const by = params.get('by') ?? 'overview';
    if (!GROUPING.test(by)) return fail(`by "${by}" is not a grouping such as overview, defense or era`);
    return { ok: true, route: { page: 'history', by } };
  }
  if (head === 'network' && rest.length === 0) return { ok: true, route: { page: 'network', year } };
  if (head === 'regions' && rest.length === 0) {
    const raw = params.get('regions') ?? 'asia,europe';
    const regions = [...new Set(raw.split(','))];
    const bad = regions.find((r) => !THEATERS.includes(r));
    if (bad !== undefined) return fail(`region "${bad}" in regions= is not one of ${THEATERS.join(', ')}`);
    if (regions.length !== 2) return fail('regions= names two different regions, e.g. asia,europe');
    return { ok: true, route: { page: 'regions', year, regions } };
  }
  if (head === 'exercise') {
    const extra = [...params.keys()][0];
    if (extra !== undefined) return fail(`the exercise page takes no "${extra}=" in its address (everything it shows comes from the team server)`);
    if (rest.length === 0) return { ok: true, route: { page: 'exercise', session: null } };
    if (rest.length !== 1) return fail('an exercise session\'s address is /exercise/ followed by its number, e.g. /exercise/3');
    if (!SESSION_ID.test(rest[0]) || !Number.isSafeInteger(Number(rest[0]))) return fail(`"${rest[0]}" is not an exercise session number such as 3`);
    return { ok: true, route: { page: 'exercise', session: Number(rest[0]) } };
  }
  return fail(`there is no page at "${pathname}"`);
}

/** The address of a route: the inverse of parseLocation. */
export function hrefOf(route: Route): string {
  const params = new URLSearchParams();
  const withState = (year: number | null, weights: Weights) => {
    if (year !== null) params.set('year', String(year));
    const w = formatWeights(weights);
    if (w) params.set('w', w);
  };
  let path: string;
  switch (route.page) {
    case 'overview':
      path = '/';
      withState(route.year, route.weights);
      if (route.region !== 'all') params.set('region', route.region);
      break;
    case 'ally':
      path = `/ally/${route.ally}`;
      withState(route.year, route.weights);
      break;
    case 'compare':
      path = '/compare';
      if (route.allies.length) params.set('allies', route.allies.join(','));
      withState(route.year, route.weights);
      break;
    case 'weights':
      path = '/weights';
      withState(route.year, route.weights);
      if (route.region !== 'all') params.set('region', route.region);
      break;
    case 'sources':
      path = '/sources';
      for (const k of ['q', 'publisher', 'type', 'indicator'] as const) if (route.filters[k] !== '') params.set(k, route.filters[k]);
      break;
    case 'methodology':
      path = '/methodology';
      break;
    case 'scenarios':
      path = '/scenarios';
      if (route.names.length) params.set('run', route.names.join(','));
      if (route.compare !== 'baseline') params.set('compare', route.compare);
      break;
    case 'history':
      path = '/history';
      if (route.by !== 'overview') params.set('by', route.by);
      break;
    case 'network':
      path = '/network';
      if (route.year !== null) params.set('year', String(route.year));
      break;
    case 'regions':
      path = '/regions';
      if (route.year !== null) params.set('year', String(route.year));
      if (route.regions.join(',') !== 'asia,europe') params.set('regions', route.regions.join(','));
      break;
    case 'exercise':
      path = route.session === null ? '/exercise' : `/exercise/${route.session}`;
      break;
  }
  const query = params.toString().replace(/%2C/g, ',').replace(/%3A/g, ':');
  return query ? `${path}?${query}` : path;
}
