// The COW and Gleditsch-Ward codes of a country in a year, for the country-year exports: read
// from the evidence's state-code table (tables/state_codes.csv, src/pipeline/countries.ts),
// which is unique per ISO code and year, per COW code and year and per GW code and year, so an
// export joins a peacesciencer state-year panel on (cow, year) or (gwcode, year) without
// duplicating or dropping state-years.

export interface StateCodeRow {
  iso3: string;
  from_year: number;
  to_year: number;
  cow: number | null;
  gwcode: number | null;
}

/** What the exports need of the evidence: its tables (an Evidence satisfies it). */
export interface TableSource {
  table(name: string): Record<string, string | number | boolean | null>[];
  tableNames(): string[];
}

export class StateCodes {
  private readonly byIso = new Map<string, StateCodeRow[]>();

  constructor(rows: readonly StateCodeRow[]) {
    for (const r of rows) {
      let list = this.byIso.get(r.iso3);
      if (!list) this.byIso.set(r.iso3, (list = []));
      list.push(r);
    }
  }

  /** The codes of a country in a year; nulls where it is a member of neither system. */
  of(iso3: string, year: number): { cow: number | null; gwcode: number | null } {
    const row = this.byIso.get(iso3)?.find((r) => year >= r.from_year && year <= r.to_year);
    return { cow: row?.cow ?? null, gwcode: row?.gwcode ?? null };
  }

  static from(evidence: TableSource | undefined): StateCodes {
    if (!evidence || !evidence.tableNames().includes('state_codes')) return new StateCodes([]);
    return new StateCodes(evidence.table('state_codes').map((r) => ({
      iso3: String(r.iso3),
      from_year: Number(r.from_year),
      to_year: Number(r.to_year),
      cow: typeof r.cow === 'number' ? r.cow : null,
      gwcode: typeof r.gwcode === 'number' ? r.gwcode : null,
    })));
  }
}
