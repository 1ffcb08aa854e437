// The country registry: ISO alpha-3 keys, COW codes by year, and each publisher's spelling.
import type { Country, CountryName, CowCrosswalk } from './schema.ts';

export interface NamePattern {
  iso3: string;
  /** Case-insensitive pattern for English names (from the countrycode crosswalk). */
  regex: RegExp;
}

export class CountryRegistry {
  private readonly byIso = new Map<string, Country>();
  private readonly byName = new Map<string, Map<string, string>>();

  constructor(
    readonly countries: readonly Country[],
    readonly names: readonly CountryName[],
    readonly crosswalk: readonly CowCrosswalk[],
  ) {
    for (const c of countries) this.byIso.set(c.iso3, c);
    for (const n of names) this.rememberName(n.publisher, n.name, n.iso3);
  }

  has(iso3: string): boolean {
    return this.byIso.has(iso3);
  }

  get(iso3: string): Country | undefined {
    return this.byIso.get(iso3);
  }

  /** The ISO code a COW code stands for in a year; null when COW uses the code for no registered state that year. */
  fromCow(cow: number, year: number): string | null {
    let fallback: string | null = null;
    for (const x of this.crosswalk) {
      if (x.cow !== cow) continue;
      if (year >= x.from_year && year <= x.to_year) return x.iso3;
      fallback ??= null;
    }
    return fallback;
  }

  /** Every ISO code a COW code has stood for, for files that carry no year. */
  isoCodesForCow(cow: number): string[] {
    return [...new Set(this.crosswalk.filter((x) => x.cow === cow).map((x) => x.iso3))];
  }

  /** The COW code of a country in a year (the inverse of fromCow). */
  cowOf(iso3: string, year?: number): number | null {
    for (const x of this.crosswalk) {
      if (x.iso3 === iso3 && (year === undefined || (year >= x.from_year && year <= x.to_year))) return x.cow;
    }
    return this.byIso.get(iso3)?.cow ?? null;
  }

  /** A publisher's spelling already known to the registry. */
  knownName(publisher: string, name: string): string | undefined {
    return this.byName.get(publisher)?.get(normalizeName(name));
  }

  rememberName(publisher: string, name: string, iso3: string): void {
    let m = this.byName.get(publisher);
    if (!m) this.byName.set(publisher, (m = new Map()));
    m.set(normalizeName(name), iso3);
  }

  /** Case-insensitive lookup by ISO code or an English name as any publisher spells it. */
  lookup(query: string): Country | undefined {
    const q = query.trim();
    const direct = this.byIso.get(q.toUpperCase());
    if (direct) return direct;
    const key = normalizeName(q);
    for (const m of this.byName.values()) {
      const iso = m.get(key);
      if (iso) return this.byIso.get(iso);
    }
    return this.countries.find((c) => normalizeName(c.name) === key);
  }
}

export function normalizeName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}
