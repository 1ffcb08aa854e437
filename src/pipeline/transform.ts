// The contract every per-source transform meets: read the publisher's files from the
// snapshot, resolve countries through the registry, and return observations (and, for
// structured sources such as ATOP, tables) with a source id and locator on every row.
import type { Indicator, Observation, ObservationFlag } from '../evidence/schema.ts';
import type { CountryResolver } from './countries.ts';
import type { ObservationColumns } from './observation-columns.ts';
import type { Snapshot } from './snapshot.ts';

export type FieldType = 'string' | 'integer' | 'number' | 'boolean';

export interface FieldDef {
  name: string;
  type: FieldType;
  description: string;
  unit?: string;
}

/** A table other than observations (ATOP alliances, members, commitments, groupings, ...). */
export interface EvidenceTable {
  /** File stem: written to evidence/tables/<name>.csv. */
  name: string;
  title: string;
  description: string;
  /** Source ids the rows cite (each row should also have a `source` field). */
  sources: string[];
  fields: FieldDef[];
  /** Fields that identify a row; rows are sorted by them and must be unique. */
  primaryKey: string[];
  rows: Record<string, string | number | boolean | null>[];
}

export interface TransformContext {
  snapshot: Snapshot;
  countries: CountryResolver;
  /** The project's curated/ folder (hand-kept evidence files). */
  curatedDir: string;
}

export interface TransformResult {
  /** A list, or (the large transforms) columns written as they are made: src/pipeline/observation-columns.ts. */
  observations: Observation[] | ObservationColumns;
  tables?: EvidenceTable[];
}

export interface Transform {
  /** Also the file stem of evidence/observations/<id>.csv. */
  id: string;
  title: string;
  /** Source ids (in curated/sources.yaml) this transform reads. */
  sources: string[];
  /** Indicators this transform writes observations for. */
  indicators: Indicator[];
  /** false when the transform reads only curated/ files and so runs without snapshots. */
  needsSnapshot: boolean;
  run(ctx: TransformContext): Promise<TransformResult>;
}

/**
 * The flags of an observation given none: one frozen array for all of them, not one each (the
 * ~370,000 observations a build holds until written are fewer objects for the garbage collector
 * to copy; frozen, so a transform that pushes onto them fails loudly instead of flagging all).
 */
const NO_FLAGS: ObservationFlag[] = Object.freeze([]) as unknown as ObservationFlag[];
const MISSING_FLAG: ObservationFlag[] = Object.freeze(['missing']) as unknown as ObservationFlag[];

/** Build an observation with the defaults filled in (no counterpart, no range, no flags). */
export function observation(o: Pick<Observation, 'country' | 'indicator' | 'year' | 'value' | 'source' | 'locator'> & Partial<Observation>): Observation {
  // Field by field rather than spreading `o` over the defaults (one object made instead of two, for
  // ~370,000 observations); a field `o` holds, even as undefined, wins as with the spread. The key
  // order differs from the spread's, which nothing reads.
  return {
    country: o.country,
    counterpart: 'counterpart' in o ? o.counterpart! : '',
    indicator: o.indicator,
    year: o.year,
    value: o.value,
    low: 'low' in o ? o.low! : null,
    high: 'high' in o ? o.high! : null,
    source: o.source,
    locator: o.locator,
    flags: 'flags' in o ? o.flags! : o.value === null ? MISSING_FLAG : NO_FLAGS,
    note: 'note' in o ? o.note! : '',
  };
}
